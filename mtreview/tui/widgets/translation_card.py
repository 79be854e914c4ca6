"""One card per system translation: label, score, marked spans, comment."""

from __future__ import annotations

from mtreview.arabic.display import display
from mtreview.core.types import Review
from mtreview.core.visible import visible
from mtreview.tui.widgets.source_view import text_block


def review_subtitle(review: Review | None, protocol: str, mode: str = "shaped") -> str:
    if review is None:
        return "not reviewed"
    parts = []
    if protocol != "mqm":
        parts.append("score —" if review.score is None else f"score {review.score:g}")
    minor = sum(1 for s in review.spans if s.severity == "minor")
    major = sum(1 for s in review.spans if s.severity != "minor")
    if protocol != "da":
        parts.append(f"{minor} minor, {major} major")
    if review.comment:
        parts.append(f"“{display(visible(review.comment)[:40], None, mode)}”")
    return " · ".join(parts) or "reviewed"


def card_block(text: str, width: int, mode: str, spans, label: str, review: Review | None,
               protocol: str, focused: bool):
    state = "focused" if focused else ("reviewed" if review is not None else "normal")
    # a translation is English: a left-to-right paragraph even when it starts with Arabic
    return text_block(text, width, mode, spans, visible(label),
                      review_subtitle(review, protocol, mode), False, state)
