"""Plain data of mtreview: frozen dataclasses, no SQL, no UI.

Text is always kept in logical order, exactly as given; display transforms live in
``mtreview.arabic.display`` and never touch stored data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    id: str
    position: int
    title: str = ""


@dataclass(frozen=True)
class Segment:
    """One source segment. ``id`` is stable: for a plain text file its 1-based line number."""

    id: int
    doc_id: str
    para_id: int
    source: str


@dataclass(frozen=True)
class Reference:
    seg_id: int
    index: int
    text: str


@dataclass(frozen=True)
class System:
    name: str
    kind: str  # "file" or "model"
    provenance: Mapping[str, Any] = field(default_factory=dict)
    created: str = ""


@dataclass(frozen=True)
class Translation:
    system: str
    seg_id: int
    text: str


@dataclass(frozen=True)
class ErrorSpan:
    """A marked error: character offsets [start, end) into the source or target text."""

    start: int
    end: int
    severity: str  # "minor" | "major" (MQM may add "critical")
    category: str = ""
    side: str = "tgt"  # "tgt" or "src" (an omission is marked on the source)
    # Who made the span: "reviewer", or for a span a QA check suggested (pre-annotation)
    # "check:<check id>" when accepted as suggested, "check:<check id>:edited" when the
    # reviewer changed it before or after accepting.
    origin: str = "reviewer"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "severity": self.severity,
            "category": self.category,
            "side": self.side,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ErrorSpan:
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            severity=str(d.get("severity", "minor")),
            category=str(d.get("category", "") or ""),
            side=str(d.get("side", "tgt") or "tgt"),
            origin=str(d.get("origin", "reviewer") or "reviewer"),
        )


@dataclass(frozen=True)
class SpanRef:
    """Where a flag points: a character span in one segment's source or one system's target."""

    seg_id: int
    side: str  # "src" or "tgt"
    start: int
    end: int
    system: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"seg_id": self.seg_id, "side": self.side, "start": self.start,
                "end": self.end, "system": self.system}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SpanRef:
        return cls(int(d["seg_id"]), str(d["side"]), int(d["start"]), int(d["end"]),
                   d.get("system"))


@dataclass(frozen=True)
class Flag:
    """Something a reviewer should look at, produced by a check."""

    check: str
    severity: str  # "info" | "minor" | "major"
    system: str | None  # None: a source-side flag
    segments: tuple[int, ...]
    forms: tuple[str, ...]
    message: str
    spans: tuple[SpanRef, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "system": self.system,
            "segments": list(self.segments),
            "forms": list(self.forms),
            "message": self.message,
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(frozen=True)
class Review:
    """One reviewer's judgement of one system's translation of one segment."""

    seg_id: int
    system: str
    reviewer: str
    protocol: str  # "esa" | "da" | "mqm"
    score: float | None = None
    spans: tuple[ErrorSpan, ...] = ()
    comment: str = ""
    start_time: str | None = None  # ISO 8601, UTC
    end_time: str | None = None
    updated: str | None = None
    # Blind review: whether system names were hidden, and the order of the systems' cards
    # as shown to the reviewer (real system names, first card first).
    blind: bool = False
    card_order: tuple[str, ...] = ()
