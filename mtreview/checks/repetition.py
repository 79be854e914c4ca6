"""``repetition``: looping output, a typical neural failure — a word n-gram (n ≤ 4)
repeated three or more times in a row ("sa sa sa", "the talks the talks the talks"), or a
letter sequence looping inside a word ("рованиярованиярования"). A loop that the source
has too is faithful and not flagged."""

from __future__ import annotations

import re
from typing import Iterable

from mtreview.checks.base import SegmentCheck, register
from mtreview.core.types import Flag, SpanRef

WORD_LOOP_RE = re.compile(r"\b(\w+(?:\W+\w+){0,3}?)(?:\W+\1\b){2,}", re.IGNORECASE)
CHAR_LOOP_RE = re.compile(r"([^\W\d_]{2,10}?)\1{2,}")


@register
class Repetition(SegmentCheck):
    id = "repetition"
    severity = "major"
    side = "tgt"
    description = "a word sequence or letter sequence repeated three or more times in a row"

    def __init__(self) -> None:
        self._src: dict[str, bool] = {}

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        hits = [m for m in WORD_LOOP_RE.finditer(tgt) if not m.group(1).isdigit()]
        if hits:
            looped = self._src.get(src)
            if looped is None:
                looped = self._src[src] = WORD_LOOP_RE.search(src) is not None
            if looped:
                hits = []
        hits += list(CHAR_LOOP_RE.finditer(tgt))
        if hits:
            hits.sort(key=lambda m: m.start())
            yield self.flag(seg_id, system, [m.group() for m in hits],
                            "repeated: " + ", ".join(f"{m.group(1)!r}" for m in hits),
                            [SpanRef(seg_id, "tgt", m.start(), m.end(), system) for m in hits])
