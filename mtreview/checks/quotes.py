"""``quote-balance``: the translation's quotation marks or brackets do not pair up while the
source has marks that do (a sentence that opens a quotation closed in a later sentence, or a
source without any marks, is not flagged)."""

from __future__ import annotations

import re
from typing import Iterable

from mtreview.checks.base import SegmentCheck, register
from mtreview.core.types import Flag, SpanRef

PAIRS = (("“", "”"), ("«", "»"), ("(", ")"), ("[", "]"))
MARKS = set('"“”«»()[]')
_MARK_RE = re.compile('["“”«»()\\[\\]]')


def unbalanced(text: str) -> list[str]:
    """The marks that do not pair up in ``text``."""
    bad = [f"{o}{c}" for o, c in PAIRS if text.count(o) != text.count(c)]
    if text.count('"') % 2:
        bad.append('"')
    return bad


@register
class QuoteBalance(SegmentCheck):
    id = "quote-balance"
    severity = "minor"
    side = "tgt"
    description = "unpaired quotation marks or brackets in the translation (the source's pair up)"

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        if not _MARK_RE.search(tgt):
            return
        bad = unbalanced(tgt)
        if not bad or unbalanced(src) or not _MARK_RE.search(src):
            return  # the source is unbalanced too, or has no marks to mirror
        spans = [SpanRef(seg_id, "tgt", i, i + 1, system) for i, ch in enumerate(tgt)
                 if any(ch in b for b in bad)]
        yield self.flag(seg_id, system, bad, "unpaired " + " ".join(bad) + " in the translation",
                        spans)
