"""Arabic-aware sentence splitting of raw articles.

Rules:
- a line break always ends a sentence; blank lines separate paragraphs, and every
  non-empty line is a paragraph of its own (news articles put one paragraph a line);
- ``. ! ? ؟`` (and ``…``) end a sentence when followed by space or the end of the line;
  a dot between digits (3.5) or after a single Latin capital (U.S.) does not;
- closing quotes and brackets right after the terminator stay with their sentence;
- a terminator inside a quotation that closes later in the same paragraph does not split
  it (“… . …” stays one sentence); an opening quote that never closes is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

TERMINATORS = set(".!?؟…")
OPENERS = {"“": "”", "«": "»", "‹": "›", "(": ")", "[": "]", "„": "”"}
CLOSERS = set(OPENERS.values()) | {'"', "'", "’"}


@dataclass(frozen=True)
class Sentence:
    para_id: int  # 1-based paragraph number within the document
    text: str


def _protected_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of quotations/brackets that open and close in ``text``."""
    ranges: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    ascii_open: int | None = None
    for i, ch in enumerate(text):
        if ch == '"':
            if ascii_open is None:
                ascii_open = i
            else:
                ranges.append((ascii_open, i))
                ascii_open = None
        elif ch in OPENERS:
            stack.append((OPENERS[ch], i))
        elif ch in CLOSERS and stack:
            # close the innermost matching opener; skip unmatched ones above it
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    ranges.append((stack[k][1], i))
                    del stack[k:]
                    break
    return ranges


def split_paragraph(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    protected = _protected_ranges(text)

    def inside(i: int, j: int) -> bool:
        # the terminator at i (with closers up to j) lies in a quotation still open at j
        return any(a < i and j <= b for a, b in protected)

    out: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in TERMINATORS:
            j = i + 1
            while j < n and text[j] in TERMINATORS:
                j += 1
            while j < n and text[j] in CLOSERS:
                j += 1
            at_end = j >= n
            followed_by_space = at_end or text[j].isspace()
            is_decimal = (ch == "." and 0 < i and i + 1 < n and text[i - 1].isdigit()
                          and text[i + 1].isdigit())
            is_initial = (ch == "." and i >= 1 and text[i - 1].isupper() and text[i - 1].isascii()
                          and (i < 2 or not text[i - 2].isalpha()))
            if followed_by_space and not is_decimal and not is_initial and not inside(i, j):
                sentence = text[start:j].strip()
                if sentence:
                    out.append(sentence)
                start = j
                i = j
                continue
            i = j
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_article(text: str) -> list[Sentence]:
    """Split a raw article into sentences, keeping their order and paragraph numbers."""
    sentences: list[Sentence] = []
    para = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        para += 1
        for s in split_paragraph(line):
            sentences.append(Sentence(para, s))
    return sentences
