"""Conventions of the WMT evaluation files, shared by the exporters and the importers.

- Google/WMT MQM TSV (github.com/google/wmt-mqm-human-evaluation): header
  ``system doc doc_id seg_id rater source target category severity``; one row per error,
  the error span marked inline with ``<v>…</v>`` in the target (or in the source, for an
  omission); a clean segment is one row with category and severity ``No-error``.
- Appraise/WMT24 ESA CSV (wmt-conference/wmt24-news-systems humeval/esa_generalMT2024_*.csv,
  written by Appraise's ``get_system_data(extended_csv=True)``): 12 columns, no header.
- mt-metrics-eval (github.com/google-research/mt-metrics-eval): score files
  ``SRC-TGT.NAME.LEVEL.score`` with lines ``SYSNAME SCORE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from mtreview.core.protocols import mqm_score

MQM_COLUMNS = ("system", "doc", "doc_id", "seg_id", "rater", "source", "target",
               "category", "severity")
NO_ERROR = "No-error"

ESA_COLUMNS = ("user_id", "system_id", "segment_id", "item_type", "source_lang",
               "target_lang", "score", "document_id", "is_complete_document",
               "error_spans", "start_time", "end_time")

OPEN, CLOSE = "<v>", "</v>"
_MARK = re.compile(r"</?v>")

# ISO 639-1 → the ISO 639-3 codes Appraise writes (eng, deu, zho, …)
LANG3 = {"ar": "ara", "en": "eng", "de": "deu", "cs": "ces", "zh": "zho", "ja": "jpn",
         "ru": "rus", "uk": "ukr", "es": "spa", "fr": "fra", "hi": "hin", "is": "isl",
         "fa": "fas", "he": "heb", "tr": "tur", "ur": "urd"}



def mark(text: str, start: int, end: int) -> str:
    """``text`` with ``<v>…</v>`` around [start, end)."""
    return text[:start] + OPEN + text[start:end] + CLOSE + text[end:]


def unmark(text: str) -> tuple[str, tuple[int, int] | None]:
    """Remove ``<v>``/``</v>``; return the clean text and the marked [start, end), if any."""
    start = text.find(OPEN)
    clean = _MARK.sub("", text)
    if start < 0:
        return clean, None
    close = text.find(CLOSE, start)
    end = (close - len(OPEN)) if close >= 0 else len(clean)
    return clean, (start, end)


def tsv_cell(text: str) -> str:
    """A TSV cell without quoting: tabs and line breaks become spaces (offsets unchanged)."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def human_score(protocol: str | None, score: float | None,
                spans: Sequence[Mapping[str, object]]) -> float | None:
    """The segment score a WMT file expects: the reviewer's score, or for MQM without one,
    minus the weighted error count (weights: :mod:`mtreview.core.protocols`)."""
    if score is not None:
        return float(score)
    if protocol == "mqm":
        return mqm_score(spans)
    return None


# mt-metrics-eval reads system names from file names and splits score lines on whitespace
FILE_NAME_MAX_BYTES = 120
_UNSAFE_FILE_CHARS = re.compile(r"[^\w.+\-]")


def file_names(names: Iterable[str], max_bytes: int = FILE_NAME_MAX_BYTES) -> dict[str, str]:
    """A file name for each of ``names``: safe (letters, digits, ``_ . + -``; no leading
    dot), at most ``max_bytes`` bytes of UTF-8, and unique even on a case-insensitive file
    system (a clash gets ``-2``, ``-3``, …). A name that is already safe keeps its form."""
    names = list(dict.fromkeys(names))
    out: dict[str, str] = {}
    used: set[str] = set()
    # names that are already safe file names keep them; the others are fitted around them
    for name in names:
        if _safe(name, max_bytes) and name.casefold() not in used:
            out[name] = name
            used.add(name.casefold())
    for name in names:
        if name in out:
            continue
        base = _UNSAFE_FILE_CHARS.sub("_", name).lstrip(".") or "_"
        candidate, n = _cut(base, max_bytes), 1
        while candidate.casefold() in used:
            n += 1
            suffix = f"-{n}"
            candidate = _cut(base, max_bytes - len(suffix)) + suffix
        used.add(candidate.casefold())
        out[name] = candidate
    return {name: out[name] for name in names}


def _safe(name: str, max_bytes: int) -> bool:
    return (bool(name) and not name.startswith(".") and not _UNSAFE_FILE_CHARS.search(name)
            and len(name.encode("utf-8")) <= max_bytes)


def _cut(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def lang3(code: str) -> str:
    return LANG3.get(code.lower(), code.lower())


def severity_label(severity: str) -> str:
    """MQM TSV spelling: ``Major``, ``Minor``, ``Critical``, ``Neutral``."""
    return severity[:1].upper() + severity[1:].lower() if severity else severity
