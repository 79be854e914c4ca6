"""``empty`` (no translation for a non-empty source) and ``length-ratio`` (a translation
far longer or shorter than is usual for this project).

The usual ratio is the median of log(len(target) / len(source)) over every pair of the run
(Arabic→English is typically about 1.1–1.4 in characters); a pair more than
``FACTOR``× away from it, with at least ``MIN_CHARS`` characters on the longer side, is
flagged. With fewer than ``MIN_PAIRS`` pairs the usual ratio is ``PRIOR_RATIO``."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable

from mtreview.checks.base import Check, CheckInput, SegmentCheck, register
from mtreview.core.types import Flag, SpanRef

FACTOR = 2.5
MIN_CHARS = 50  # shorter pairs ("Hats off to Thomas.") vary too much in length
MIN_PAIRS = 50  # fewer pairs: compare with PRIOR_RATIO instead of the run's median
PRIOR_RATIO = 1.15  # English chars per Arabic char: median of FLORES, MADAR (1.15), NTREX (1.09)


@register
class Empty(SegmentCheck):
    id = "empty"
    severity = "major"
    side = "tgt"
    description = "an empty translation of a non-empty source"

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        if not tgt.strip() and src.strip():
            yield self.flag(seg_id, system, [], "empty translation",
                            [SpanRef(seg_id, "src", 0, len(src))])


@register
class LengthRatio(Check):
    id = "length-ratio"
    severity = "minor"
    side = "tgt"
    description = f"a translation more than {FACTOR}× longer or shorter than usual"

    def run(self, data: CheckInput) -> Iterable[Flag]:
        src_len = {s.id: len(s.source.strip()) for s in data.segments}
        pairs = [(system, seg_id, len(text.strip()), src_len[seg_id])
                 for system, outputs in data.systems.items()
                 for seg_id, text in outputs.items()
                 if src_len.get(seg_id) and text.strip()]
        if not pairs:
            return
        usual = (statistics.median(math.log(t / s) for _, _, t, s in pairs)
                 if len(pairs) >= MIN_PAIRS else math.log(PRIOR_RATIO))
        limit = math.log(FACTOR)
        for system, seg_id, t, s in pairs:
            dev = math.log(t / s) - usual
            if abs(dev) > limit and max(t, s) >= MIN_CHARS:
                what = "longer" if dev > 0 else "shorter"
                yield Flag(self.id, self.severity, system, (seg_id,), (),
                           f"translation {math.exp(abs(dev)):.1f}× {what} than usual "
                           f"({t} characters for {s})",
                           (SpanRef(seg_id, "tgt", 0, t, system),))
