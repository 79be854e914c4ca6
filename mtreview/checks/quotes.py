"""``quote-balance``: the translation's quotation marks or brackets do not pair up while the
source's do. Document-aware: a quotation opened in one segment and closed in a later one of
the same document is balanced, and so is the English convention of a quotation over several
paragraphs (each paragraph opens with a mark, only the last one closes). A source without
any marks, or whose own marks do not pair up, is not flagged."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from mtreview.checks.base import Check, CheckInput, register
from mtreview.core.types import Flag, SpanRef

PAIRS = (("“", "”"), ("«", "»"), ("(", ")"), ("[", "]"))
_OPEN = {o: f"{o}{c}" for o, c in PAIRS}
_CLOSE = {c: f"{o}{c}" for o, c in PAIRS}
MARKS = set('"“”«»()[]')
_MARK_RE = re.compile('["“”«»()\\[\\]]')


def unbalanced(text: str) -> list[str]:
    """The marks that do not pair up in ``text``."""
    bad = [f"{o}{c}" for o, c in PAIRS if text.count(o) != text.count(c)]
    if text.count('"') % 2:
        bad.append('"')
    return bad


def _straight_quote(text: str, i: int) -> str:
    """How the straight quote at ``i`` reads: ``open`` (after a space or bracket, before a
    letter), ``close`` (after a letter), or ``either`` (spaces on both sides)."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{-–—:":
        return "either" if after.isspace() else "open"
    return "close"


def scan(text: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """(closing marks with no opener, opening marks with no closer) in ``text``, by kind
    (``"`` or the pair), as character offsets."""
    opened: dict[str, list[int]] = defaultdict(list)
    stray: dict[str, list[int]] = defaultdict(list)
    for m in _MARK_RE.finditer(text):
        ch, i = m.group(), m.start()
        if ch == '"':
            how = _straight_quote(text, i)
            if how == "open" or (how == "either" and not opened['"']):
                opened['"'].append(i)
            elif opened['"']:
                opened['"'].pop()
            else:
                stray['"'].append(i)
        elif ch in _OPEN:
            opened[_OPEN[ch]].append(i)
        elif opened[_CLOSE[ch]]:
            opened[_CLOSE[ch]].pop()
        else:
            stray[_CLOSE[ch]].append(i)
    return stray, opened


def document_unpaired(texts: list[str]) -> list[list[tuple[str, int]]]:
    """For the segments of one document, in order: the marks (kind, offset) that pair with
    nothing, in their segment or across segments."""
    carry: dict[str, list[int]] = defaultdict(list)  # open kinds → indices of opening segments
    bad: list[list[tuple[str, int]]] = [[] for _ in texts]
    pending: list[tuple[int, str, int]] = []
    for k, text in enumerate(texts):
        if not _MARK_RE.search(text):
            continue
        stray, opened = scan(text)
        for kind, offsets in stray.items():
            for off in offsets:
                if carry[kind]:
                    carry[kind].pop()
                else:
                    bad[k].append((kind, off))
        for kind, offsets in opened.items():
            for off in offsets:
                lead = not text[:off].strip()
                if lead and carry[kind]:
                    continue  # another paragraph of a quotation still open
                carry[kind].append(k)
                pending.append((k, kind, off))
    left = {(k, kind) for kind, ks in carry.items() for k in ks}
    for k, kind, off in pending:
        if (k, kind) in left:
            bad[k].append((kind, off))
    return bad


@register
class QuoteBalance(Check):
    id = "quote-balance"
    severity = "minor"
    side = "tgt"
    description = ("unpaired quotation marks or brackets in the translation (the source's pair "
                   "up; quotations over several segments of a document pair up)")

    def run(self, data: CheckInput) -> Iterable[Flag]:
        docs: dict[str, list[int]] = defaultdict(list)
        for s in data.segments:
            docs[s.doc_id].append(s.id)
        source = data.source
        src_bad: dict[str, list[list[tuple[str, int]]]] = {}  # per document, computed once
        for system, outputs in data.systems.items():
            for doc, ids in docs.items():
                marked = [_MARK_RE.search(outputs[i]) is not None if i in outputs else False
                          for i in ids]
                if not any(marked):
                    continue
                if doc not in src_bad:
                    src_bad[doc] = document_unpaired([source[i] for i in ids])
                bad = document_unpaired([outputs.get(i, "") if m else "" for i, m in
                                         zip(ids, marked)])
                for seg_id, marks, src_marks in zip(ids, bad, src_bad[doc]):
                    if not marks or src_marks:
                        continue
                    src = source[seg_id]
                    if unbalanced(src) or not _MARK_RE.search(src):
                        continue  # the source's marks do not pair up either, or it has none
                    kinds = list(dict.fromkeys(kind for kind, _ in marks))
                    yield Flag(self.id, self.severity, system, (seg_id,), tuple(kinds),
                               "unpaired " + " ".join(kinds) + " in the translation",
                               tuple(SpanRef(seg_id, "tgt", off, off + 1, system)
                                     for _, off in marks))
