"""A tiny project built through the public API in a few milliseconds: three Arabic
segments with a reference, two systems, and ESA, DA and MQM reviews (the MQM spans cover
every weight rule: neutral, minor, minor punctuation, major, critical, Non-translation)."""

from __future__ import annotations

from pathlib import Path

from mtreview.core.project import Project
from mtreview.core.types import Document, ErrorSpan, Reference, Review, Segment, System, Translation

SOURCES = ["مرحبا بالعالم.", "قال الهاشمي إن 52 شخصا استسلموا.", "وصلت الشحنة أمس."]
REFERENCES = ["Hello world.", "Al-Hashimi said 52 people surrendered.",
              "The shipment arrived yesterday."]
SYSTEMS = {
    "sys-a": ["Hello, world.", "Hashimi said 52 people surrendered.", "The cargo came."],
    "sys-b": ["Hi world", "Al-Hashemi said 25 persons gave up.", "Shipment arrived."],
}
MQM_SPANS = {
    ("sys-a", 1): (ErrorSpan(5, 6, "neutral", "Fluency/Punctuation"),
                   ErrorSpan(0, 5, "minor", "Style/Awkward")),
    ("sys-a", 2): (ErrorSpan(0, 7, "minor", "Fluency/Punctuation"),),
    ("sys-a", 3): (),
    ("sys-b", 1): (ErrorSpan(0, 2, "major", "Accuracy/Mistranslation"),),
    ("sys-b", 2): (ErrorSpan(16, 18, "critical", "Accuracy/Mistranslation"),
                   ErrorSpan(0, 10, "minor", "Locale convention/Name format")),
    ("sys-b", 3): (ErrorSpan(0, 8, "minor", "Non-translation"),),
}


def da_score(system: str, seg: int) -> float:
    return 2.0 + 30 * seg - (10 if system == "sys-b" else 0)


def make_project(path: Path, *, reviews: bool = True) -> Path:
    segments = [Segment(i, "doc1", 1, s) for i, s in enumerate(SOURCES, 1)]
    refs = [Reference(i, 0, r) for i, r in enumerate(REFERENCES, 1)]
    with Project.create(path, [Document("doc1", 0)], segments, refs) as project:
        store = project.store
        for name, texts in SYSTEMS.items():
            store.add_system(System(name, "file", {"source": "file", "file": f"{name}.en"}),
                             [Translation(name, i, t) for i, t in enumerate(texts, 1)])
        if reviews:
            t = "2026-01-01T10:00:00+00:00"
            for (name, seg), spans in MQM_SPANS.items():
                store.save_review(Review(seg, name, "mira", "mqm", None, spans, "", t, t))
                store.save_review(Review(seg, name, "dana", "da", da_score(name, seg), (), "",
                                         t, t))
                store.save_review(Review(seg, name, "esa-rev", "esa", 50.0 + seg,
                                         (ErrorSpan(0, 3, "minor"),), "", t, t))
    return path
