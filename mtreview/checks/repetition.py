"""``repetition``: looping output, a typical neural failure — a word n-gram (n ≤ 4)
repeated three or more times in a row ("sa sa sa", "the talks the talks the talks"), or a
letter sequence looping inside a word ("рованиярованиярования"). A loop that the source
has too is faithful and not flagged.

Vectorised over the whole run, in chunks of distinct outputs: each chunk is read as one array
of code points, its words are reduced to numbers there (no Python string per word), and for
each n a loop is a run of at least 2n positions where a word equals the word n places later.
Letter loops are tested once per distinct word. Only the outputs found this way are scanned
with the exact regular expressions, which give forms and spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mtreview.checks.base import Check, CheckInput, register
from mtreview.core.types import Flag, SpanRef

MAX_N = 4
WORD_LOOP_RE = re.compile(r"\b(\w++(?:\W++\w++){0,%d}?)(?:\W++\1\b){2,}" % (MAX_N - 1),
                          re.IGNORECASE)
CHAR_LOOP_RE = re.compile(r"([^\W\d_]{2,10}?)\1{2,}")
# one letter held for emphasis (لااااا, NOOOOO): faithful when the source holds one too
_ELONGATED_RE = re.compile(r"([^\W\d_])\1{3,}")


def _looping_texts(texts: list[str]) -> set[int]:
    """Indices of ``texts`` that may hold a word loop or a letter loop (a superset)."""
    hits: set[int] = set()
    for first in range(0, len(texts), _CHUNK):
        hits.update(first + i for i in _chunk_loops(texts[first:first + _CHUNK]))
    return hits


_CHUNK = 4096  # texts a pass: arrays of a few MB


def _chunk_loops(texts: list[str]) -> set[int]:
    """:func:`_looping_texts` on one chunk, without a Python string per word: the texts are
    lowercased and joined (NUL between them) and read as code points; a word is a maximal
    run of word characters (``\\w``, as ``re.findall(r"\\w+")`` finds it: ``str.isalnum``
    or ``_``, tested once per distinct code point) and is reduced to a number from its
    length and the sums of its code points, plain and weighted by place: equal words get
    equal numbers (unequal ones rarely do, and a collision only adds a candidate)."""
    import numpy as np

    text = "\x00".join(texts).lower()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(codes):
        return set()
    present = np.flatnonzero(np.bincount(codes))
    word_char = np.zeros(int(present[-1]) + 1, dtype=bool)
    word_char[present] = [_is_word_char(int(cp)) for cp in present.tolist()]
    starts, ends = _true_runs(word_char[codes])
    if not len(starts):
        return set()
    c = codes.astype(np.int64)
    plain = np.concatenate(([0], np.cumsum(c)))
    weighted = np.concatenate(([0], np.cumsum(c * np.arange(len(c), dtype=np.int64))))
    total = plain[ends] - plain[starts]
    inner = weighted[ends] - weighted[starts] - starts * total  # sum of code x place in word
    length = ends - starts
    hashes = total * 1_000_003 + inner * 7_919 + length
    owner = np.cumsum(codes == 0)[starts]
    hits: set[int] = set()
    for n in range(1, MAX_N + 1):
        if len(hashes) <= n:
            break
        begin, end = _true_runs((hashes[n:] == hashes[:-n]) & (owner[n:] == owner[:-n]))
        hits.update(owner[begin[(end - begin) >= 2 * n]].tolist())
    long = np.flatnonzero(length >= 6)
    _, first = np.unique(hashes[long], return_index=True)
    looped = [hashes[i] for i in long[first].tolist()
              if CHAR_LOOP_RE.search(text, int(starts[i]), int(ends[i]))]
    if looped:
        hits.update(np.unique(owner[np.isin(hashes, looped)]).tolist())
    return hits


def _true_runs(mask: Any) -> tuple[Any, Any]:
    """(starts, ends) of the runs of True in a boolean array, ends exclusive."""
    import numpy as np

    edges = np.diff(np.concatenate(([0], mask.view(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _is_word_char(cp: int) -> bool:
    """Is code point ``cp`` matched by ``\\w`` (a str pattern: alphanumeric or ``_``)?"""
    return chr(cp).isalnum() or cp == 0x5F


@register
class Repetition(Check):
    id = "repetition"
    severity = "major"
    side = "tgt"
    description = "a word sequence or letter sequence repeated three or more times in a row"

    def run(self, data: CheckInput) -> Iterable[Flag]:
        keys = [(system, seg_id) for system, outputs in data.systems.items()
                for seg_id in outputs if seg_id in data.source]
        texts = [data.systems[system][seg_id] for system, seg_id in keys]
        unique = list(dict.fromkeys(texts))  # each distinct output scanned once
        looping = {unique[i] for i in _looping_texts(unique)}
        for (system, seg_id), text in zip(keys, texts):
            if text in looping:
                yield from self.check_pair(seg_id, system, data.source[seg_id], text)

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        hits = [m for m in WORD_LOOP_RE.finditer(tgt) if not m.group(1).isdigit()]
        if hits and WORD_LOOP_RE.search(src):
            hits = []  # the source loops too: faithful
        hits += [m for m in CHAR_LOOP_RE.finditer(tgt)
                 if not (len(set(m.group(1))) == 1 and _ELONGATED_RE.search(src))]
        if hits:
            hits.sort(key=lambda m: m.start())
            yield Flag(self.id, self.severity, system, (seg_id,), tuple(m.group() for m in hits),
                       "repeated: " + ", ".join(f"{m.group(1)!r}" for m in hits),
                       tuple(SpanRef(seg_id, "tgt", m.start(), m.end(), system) for m in hits))
