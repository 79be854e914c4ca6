"""The schema of an exported review row, declared explicitly (never inferred).

One row per segment × system × reviewer. An all-null column (say, ``score`` when nobody
has scored yet) keeps its declared type instead of becoming ``null``.
"""

from __future__ import annotations

from typing import Any

# column -> what it holds (also used for the dataset card)
COLUMNS: dict[str, str] = {
    "lp": "language pair, e.g. `ar-en`",
    "doc_id": "document id",
    "seg_id": "segment id (stable; for a line-based source its 1-based line number)",
    "system": "MT system name",
    "reviewer": "reviewer name (null for an unreviewed translation, `--all`)",
    "src": "source segment (logical order, as given)",
    "tgt": "the system's translation",
    "ref": "first reference translation (null when there is none)",
    "protocol": "annotation protocol: `esa`, `mqm` or `da` (null when unreviewed)",
    "score": "segment score given by the reviewer (ESA/DA 0-100; null when none)",
    "error_spans": "marked errors: character offsets [start, end) into `tgt` (side `tgt`) "
                   "or `src` (side `src`, e.g. an omission), severity, category, origin (`reviewer`, "
                   "or `check:<id>` / `check:<id>:edited` for a span a QA check suggested)",
    "flags": "automatic QA flags on this segment for this system or on its source: check, "
             "severity, the forms involved",
    "comment": "reviewer's comment (empty when none)",
    "start_time": "when the reviewer first opened this translation (UTC)",
    "end_time": "when the review was last saved (UTC)",
    "provenance": "the system's provenance as a JSON string (file and sha256, or model, "
                  "weights hash, versions, generation parameters)",
    "blind": "whether the review was blind (system names hidden from the reviewer; null "
             "when unreviewed)",
    "card_order": "the systems' cards in the order the reviewer saw them (real names, first "
                  "card first; empty when not recorded)",
}
# columns added after the first release: a dataset without them still imports
LATER_COLUMNS = ("blind", "card_order")

SPAN_FIELDS = ("start", "end", "severity", "category", "side", "origin")
FLAG_FIELDS = ("check", "severity", "forms")
TIMESTAMP = "timestamp[us, tz=UTC]"
NESTED = ("error_spans", "flags", "card_order")
TIMES = ("start_time", "end_time")
# read back from CSV as text, then cast: a bool column with empty (null) cells cannot be
# parsed as bool directly
CSV_AS_TEXT = ("blind",)


def features() -> Any:
    """The ``datasets.Features`` of a review row."""
    from datasets import Features, List, Value

    return Features({
        "lp": Value("string"),
        "doc_id": Value("string"),
        "seg_id": Value("int64"),
        "system": Value("string"),
        "reviewer": Value("string"),
        "src": Value("string"),
        "tgt": Value("string"),
        "ref": Value("string"),
        "protocol": Value("string"),
        "score": Value("float64"),
        "error_spans": List({
            "start": Value("int32"),
            "end": Value("int32"),
            "severity": Value("string"),
            "category": Value("string"),
            "side": Value("string"),
            "origin": Value("string"),
        }),
        "flags": List({
            "check": Value("string"),
            "severity": Value("string"),
            "forms": List(Value("string")),
        }),
        "comment": Value("string"),
        "start_time": Value(TIMESTAMP),
        "end_time": Value(TIMESTAMP),
        "provenance": Value("string"),
        "blind": Value("bool"),
        "card_order": List(Value("string")),
    })


def arrow_schema() -> Any:
    return features().arrow_schema


def csv_features() -> Any:
    """The features of the CSV layout: nested fields and timestamps as (JSON/ISO) strings."""
    from datasets import Features, Value

    f = dict(features())
    for name in NESTED + TIMES + CSV_AS_TEXT:
        f[name] = Value("string")
    return Features(f)
