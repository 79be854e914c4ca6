"""Review content derived deterministically from real data (never hand-typed results).

A "reviewer" marks the words of a translation that do not occur in the reference (the
first two, major when longer than six letters), and every seventh segment's first
source word as an omission on the source side; an ESA score is the share of target words
found in the reference; times follow from the segment id and the translation's length.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from mtreview.core.project import DEFAULT_MQM_CATEGORIES
from mtreview.core.types import ErrorSpan, Flag, Review

WORD = re.compile(r"\w+")
BASE = datetime(2026, 11, 20, 9, 0, 0, tzinfo=UTC)


def derive_review(seg_id: int, system: str, reviewer: str, src: str, tgt: str, ref: str,
                  protocol: str) -> Review:
    ref_words = {w.lower() for w in WORD.findall(ref)}
    words = list(WORD.finditer(tgt))
    missing = [m for m in words if m.group().lower() not in ref_words]
    spans = []
    for i, m in enumerate(missing[:2]):
        category = (DEFAULT_MQM_CATEGORIES[(seg_id + i) % len(DEFAULT_MQM_CATEGORIES)]
                    if protocol == "mqm" else "")
        spans.append(ErrorSpan(m.start(), m.end(), "major" if len(m.group()) > 6 else "minor",
                               category, "tgt"))
    first_src = WORD.search(src)
    if seg_id % 7 == 0 and first_src:
        spans.append(ErrorSpan(first_src.start(), first_src.end(), "minor",
                               "Accuracy/Omission" if protocol == "mqm" else "", "src"))
    score = None
    if protocol == "esa":
        score = round(100.0 * (len(words) - len(missing)) / max(len(words), 1), 1)
    start = BASE + timedelta(seconds=seg_id * 60 + len(reviewer), microseconds=seg_id * 1001)
    end = start + timedelta(seconds=len(tgt), milliseconds=len(src) % 1000)
    comment = f"{len(missing)} words not in the reference" if len(missing) > 2 else ""
    return Review(seg_id, system, reviewer, protocol, score, tuple(spans), comment,
                  start.isoformat(), end.isoformat())


DIGITS = re.compile(r"[0-9\u0660-\u0669]+")


def derive_flags(segments, translations: dict[str, dict[int, str]]) -> list[Flag]:
    """A number check: source digits missing from a system's translation (system flag),
    and a source-side flag on every segment that quotes (« " »)."""
    flags = []
    for s in segments:
        nums = DIGITS.findall(s.source)
        for system, texts in translations.items():
            gone = [n for n in nums if n not in texts.get(s.id, "")]
            if gone:
                flags.append(Flag("numbers", "major", system, (s.id,), tuple(gone),
                                  f"{', '.join(gone)} not in the translation"))
        if '"' in s.source:
            flags.append(Flag("quotes", "info", None, (s.id,), ('"',), "quotation"))
    return flags
