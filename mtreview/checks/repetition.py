"""``repetition``: looping output, a typical neural failure — a word n-gram (n ≤ 4)
repeated three or more times in a row ("sa sa sa", "the talks the talks the talks"), or a
letter sequence looping inside a word ("рованиярованиярования"). A loop that the source
has too is faithful and not flagged.

Vectorised over the whole run: every distinct output is split into words, the words are
hashed into one numpy array, and for each n a loop is a run of at least 2n positions where a
word equals the word n places later. Letter loops are tested once per unique word. Only the
outputs found this way are scanned with the exact regular expressions, which give forms and spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

from mtreview.checks.base import Check, CheckInput, register
from mtreview.core.types import Flag, SpanRef

MAX_N = 4
WORD_LOOP_RE = re.compile(r"\b(\w++(?:\W++\w++){0,%d}?)(?:\W++\1\b){2,}" % (MAX_N - 1),
                          re.IGNORECASE)
CHAR_LOOP_RE = re.compile(r"([^\W\d_]{2,10}?)\1{2,}")
# one letter held for emphasis (لااااا, NOOOOO): faithful when the source holds one too
_ELONGATED_RE = re.compile(r"([^\W\d_])\1{3,}")
_SPLIT_RE = re.compile(r"\w+")


def _looping_texts(texts: list[str]) -> set[int]:
    """Indices of ``texts`` that may hold a word loop or a letter loop (a superset)."""
    import numpy as np

    words = [_SPLIT_RE.findall(t.lower()) for t in texts]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    total = int(lengths.sum())
    if total == 0:
        return set()
    hashes = np.fromiter(map(hash, chain.from_iterable(words)), dtype=np.int64, count=total)
    owner = np.repeat(np.arange(len(texts)), lengths)
    hits: set[int] = set()
    for n in range(1, MAX_N + 1):
        if total <= n:
            break
        same = (hashes[n:] == hashes[:-n]) & (owner[n:] == owner[:-n])
        edges = np.diff(np.concatenate(([0], same.view(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        hits.update(owner[starts[(ends - starts) >= 2 * n]].tolist())
    vocab = set(chain.from_iterable(words))
    looped = {hash(w) for w in vocab if len(w) >= 6 and CHAR_LOOP_RE.search(w)}
    if looped:
        mask = np.isin(hashes, np.fromiter(looped, dtype=np.int64, count=len(looped)))
        hits.update(np.unique(owner[mask]).tolist())
    return hits


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
