"""The review protocols: names, score ranges, MQM categories, severities and weights.

The one home of these facts: the review UI, the report, the store and every exporter read
them from here (``tests/export/test_protocols.py`` checks that report and export agree).

* **ESA** (Error Span Annotation, Kocmi et al. 2024, WMT24): minor/major error spans, then a
  0–100 score of the whole translation.
* **DA** (Direct Assessment, Graham et al. 2013; WMT's source-based DA): a 0–100 score.
* **MQM** (Multidimensional Quality Metrics as run for WMT by Google, Freitag et al. 2021,
  "Experts, Errors, and Context"; the category tree of their annotation guidelines and of
  Google's Anthea tool): error spans with a category and a severity, no score. A review's
  penalty is the weighted sum of its spans: major 5, minor 1, a minor Fluency/Punctuation
  error 0.1, Non-translation 25 (whatever its severity), neutral 0 (Freitag et al. 2021,
  Table 2). Critical is not in Google's scheme; mtreview weights it 25, the critical
  multiplier of the MQM Council's scoring model (themqm.org, "The MQM Scoring Models").
  The MQM score of a segment is minus its penalty (higher is better), as in WMT's files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# --- protocols ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Protocol:
    name: str  # "esa" | "da" | "mqm"
    title: str
    has_score: bool  # a 0–100 score of the whole translation
    has_spans: bool  # error spans
    score_min: float = 0.0
    score_max: float = 100.0
    severities: tuple[str, ...] = ()
    has_categories: bool = False

    def valid_score(self, score: float) -> bool:
        return self.has_score and self.score_min <= score <= self.score_max


PROTOCOLS: dict[str, Protocol] = {
    "esa": Protocol("esa", "ESA (Error Span Annotation: minor/major error spans, then a "
                    "0-100 score)", has_score=True, has_spans=True,
                    severities=("minor", "major")),
    "da": Protocol("da", "DA (Direct Assessment: a 0-100 score)", has_score=True,
                   has_spans=False),
    "mqm": Protocol("mqm", "MQM (Multidimensional Quality Metrics: error spans with a "
                    "category and a severity)", has_score=False, has_spans=True,
                    severities=("neutral", "minor", "major", "critical"),
                    has_categories=True),
}
PROTOCOL_NAMES: tuple[str, ...] = tuple(PROTOCOLS)
SCORE_PROTOCOLS: tuple[str, ...] = tuple(n for n, p in PROTOCOLS.items() if p.has_score)
SPAN_PROTOCOLS: tuple[str, ...] = tuple(n for n, p in PROTOCOLS.items() if p.has_spans)
DEFAULT_PROTOCOL = "esa"


def protocol(name: str) -> Protocol:
    """The protocol called ``name`` (case-insensitive); ``KeyError`` if there is none."""
    return PROTOCOLS[name.strip().lower()]


# --- MQM ---------------------------------------------------------------------------------

# The two-level tree of Freitag et al. 2021 (Table 10) / Anthea's MQM template.
MQM_TREE: dict[str, tuple[str, ...]] = {
    "Accuracy": ("Addition", "Omission", "Mistranslation", "Untranslated text"),
    "Fluency": ("Punctuation", "Spelling", "Grammar", "Register", "Inconsistency",
                "Character encoding"),
    "Terminology": ("Inappropriate for context", "Inconsistent use"),
    "Style": ("Awkward",),
    "Locale convention": ("Address format", "Currency format", "Date format",
                          "Name format", "Telephone format", "Time format"),
    "Other": (),
    "Non-translation": (),
    "Source error": (),
}
# Flat category paths as WMT's MQM TSV writes them ("Accuracy/Mistranslation", "Other").
MQM_CATEGORIES: tuple[str, ...] = tuple(
    path for top, subs in MQM_TREE.items()
    for path in ([f"{top}/{s}" for s in subs] if subs else [top]))

MQM_SEVERITIES: tuple[str, ...] = PROTOCOLS["mqm"].severities
MQM_SEVERITY_WEIGHTS: Mapping[str, float] = {
    "neutral": 0.0, "minor": 1.0, "major": 5.0, "critical": 25.0}
MQM_MINOR_PUNCTUATION_WEIGHT = 0.1
MQM_NON_TRANSLATION_WEIGHT = 25.0


def _is_non_translation(category: str) -> bool:
    c = category.strip().lower().replace("_", "-")
    return c.startswith("non-translation")


def _is_punctuation(category: str) -> bool:
    c = category.strip().lower()
    return c == "fluency/punctuation" or c == "punctuation"


def mqm_weight(severity: str, category: str | None) -> float:
    """The penalty of one MQM error span (see the module docstring for the source)."""
    sev = (severity or "").strip().lower()
    cat = category or ""
    if _is_non_translation(cat):
        return MQM_NON_TRANSLATION_WEIGHT
    if sev == "minor" and _is_punctuation(cat):
        return MQM_MINOR_PUNCTUATION_WEIGHT
    return MQM_SEVERITY_WEIGHTS.get(sev, MQM_SEVERITY_WEIGHTS["minor"])


def mqm_penalty(spans: Iterable[object]) -> float:
    """The weighted error count of spans given as ``ErrorSpan``-like objects or mappings."""
    total = 0.0
    for sp in spans:
        if isinstance(sp, Mapping):
            total += mqm_weight(str(sp.get("severity", "")), str(sp.get("category") or ""))
        else:
            total += mqm_weight(str(getattr(sp, "severity", "")),
                                str(getattr(sp, "category", "") or ""))
    return total


def mqm_score(spans: Iterable[object]) -> float:
    """The MQM score of one review: minus its penalty (0 for an error-free translation)."""
    return -mqm_penalty(spans)
