"""QA flags as suggested error spans (pre-annotation, as ESA-AI pre-fills spans). No UI here.

A flag that points at words of one system's translation (``Flag.spans``: a number changed,
a name rendered differently, untranslated Arabic, a repetition) becomes a suggestion on that
system's card: the same offsets, a proposed severity (the check's) and, for MQM, a proposed
category. The reviewer accepts it (an :class:`~mtreview.core.types.ErrorSpan` whose origin is
``check:<id>``, or ``check:<id>:edited`` when its bounds, severity or category were changed)
or dismisses it. A suggestion already accepted (a span with the same side and offsets) is not
suggested again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mtreview.core.types import ErrorSpan, Flag, Review
from mtreview.metrics.neural.span_flags import CHECK_ID as XCOMET_CHECK_ID
from mtreview.translate.qe import CHECK_ID as QE_CHECK_ID

# flag severity → proposed span severity ("info" flags still deserve a look: minor)
SEVERITY = {"major": "major", "minor": "minor", "info": "minor"}
# The checks whose spans point at erroneous words, and the MQM category (from MQM_TREE) each
# proposes. Checks not listed (length-ratio, empty: the whole translation) suggest no span.
CATEGORY = {
    "number-mismatch": "Accuracy/Mistranslation",
    "name-rendering": "Accuracy/Mistranslation",
    "name-dropped": "Accuracy/Omission",
    "glossary": "Terminology/Inappropriate for context",
    "untranslated": "Accuracy/Untranslated text",
    "repetition": "Accuracy/Addition",
    "quote-balance": "Fluency/Punctuation",
    QE_CHECK_ID: "Accuracy/Mistranslation",  # mtreview qe: words the model finds unlikely
    XCOMET_CHECK_ID: "Accuracy/Mistranslation",  # mtreview qe --xcomet: predicted spans
}
# A source-side flag of no system (name-variant: one name spelt several ways in the source)
# is suggested in MQM only, as a source error on every card.
SOURCE_CATEGORY = "Source error"
ORIGIN_PREFIX = "check:"


@dataclass(frozen=True)
class Suggestion:
    seg_id: int
    system: str
    side: str  # "tgt" or "src"
    start: int
    end: int
    severity: str  # proposed
    category: str  # proposed (MQM)
    check: str
    message: str

    @property
    def key(self) -> tuple:
        return (self.seg_id, self.system, self.side, self.start, self.end, self.check)

    def accept(self, severity: str | None = None, category: str | None = None,
               protocol: str = "esa") -> ErrorSpan:
        """The error span of this suggestion, as proposed or with the reviewer's severity
        or category (then the origin says ``:edited``)."""
        category_proposed = self.category if protocol == "mqm" else ""
        sev = severity or self.severity
        cat = category_proposed if category is None else category
        edited = sev != self.severity or cat != category_proposed
        return ErrorSpan(self.start, self.end, sev, cat, self.side,
                         origin=f"{ORIGIN_PREFIX}{self.check}" + (":edited" if edited else ""))


def edited_origin(origin: str) -> str:
    """The origin of a span after the reviewer changed it: a check's span becomes
    ``check:<id>:edited``; the reviewer's own stay ``reviewer``."""
    if origin.startswith(ORIGIN_PREFIX) and not origin.endswith(":edited"):
        return origin + ":edited"
    return origin


def suggestions(flags: Iterable[Flag], seg_id: int, system: str, review: Review | None,
                dismissed: set | frozenset = frozenset(),
                protocol: str = "esa") -> list[Suggestion]:
    """The suggested spans of one system's translation of one segment, in text order:
    flag spans on that system (and in MQM source errors), minus those already marked or
    dismissed."""
    marked = {(s.side, s.start, s.end) for s in (review.spans if review else ())}
    out: dict[tuple, Suggestion] = {}
    for flag in flags:
        for ref in flag.spans:
            if ref.seg_id != seg_id or ref.end <= ref.start:
                continue
            owner = ref.system or flag.system
            if owner is None and ref.side == "src" and protocol == "mqm":
                category = SOURCE_CATEGORY
            elif owner == system and flag.check in CATEGORY:
                category = CATEGORY[flag.check]
            else:
                continue
            sug = Suggestion(seg_id, system, ref.side, ref.start, ref.end,
                             SEVERITY.get(flag.severity, "minor"), category, flag.check,
                             flag.message)
            if (sug.side, sug.start, sug.end) in marked or sug.key in dismissed:
                continue
            out.setdefault((sug.side, sug.start, sug.end), sug)
    return sorted(out.values(), key=lambda s: (s.side != "tgt", s.start, s.end))


def pick(items: list[Suggestion], side: str, start: int, end: int) -> Suggestion | None:
    """The suggestion the reviewer means: the one overlapping the selection (the shortest),
    else the first one on that side."""
    over = [s for s in items if s.side == side and s.start < max(end, start + 1)
            and start < s.end]
    if over:
        return min(over, key=lambda s: s.end - s.start)
    same = [s for s in items if s.side == side]
    return same[0] if same else None
