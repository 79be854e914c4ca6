"""Script checks on a translation: ``untranslated`` (Arabic script left in the English, or
the output equal to its source) and ``wrong-script`` (letters of a third script such as
Cyrillic, Georgian or CJK — a typical LLM failure)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mtreview.arabic.normalize import ARABIC_CHAR_RE, ARABIC_LETTERS
from mtreview.checks.base import SegmentCheck, register
from mtreview.core.types import Flag, SpanRef

ARABIC_RUN_RE = re.compile(f"[{ARABIC_LETTERS}\u0610-\u061a\u0640\u064b-\u065f\u0670]+"
                           f"(?:\\s+[{ARABIC_LETTERS}\u0610-\u061a\u0640\u064b-\u065f\u0670]+)*")
# Greek, Cyrillic, Armenian, Hebrew, Indic, Thai, Georgian, Hangul jamo, kana, CJK, Hangul
OTHER_SCRIPT_RE = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0900-\u0dff\u0e00-\u0eff"
    "\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,}")
_SPACE_RE = re.compile(r"\s+")


@register
class Untranslated(SegmentCheck):
    id = "untranslated"
    severity = "major"
    side = "tgt"
    description = "Arabic script left in the translation, or a translation equal to its source"

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        if tgt.isascii() or not ARABIC_CHAR_RE.search(tgt):  # isascii: O(1)
            return
        if _SPACE_RE.sub(" ", tgt.strip()) == _SPACE_RE.sub(" ", src.strip()):
            yield self.flag(seg_id, system, [tgt.strip()], "the translation is the source text",
                            [SpanRef(seg_id, "tgt", 0, len(tgt), system)])
            return
        runs = list(ARABIC_RUN_RE.finditer(tgt))
        if runs:
            yield self.flag(seg_id, system, [m.group() for m in runs],
                            "Arabic script in the translation: " + " … ".join(m.group() for m in runs),
                            [SpanRef(seg_id, "tgt", m.start(), m.end(), system) for m in runs])


_CITED_RE = re.compile(r"\((?:[A-Z][a-z]+:\s*)?$")


def _cited(text: str, start: int) -> bool:
    """Is the run at ``start`` a name quoted in brackets ("Huo-Yan" (Chinese: 火眼))?"""
    return _CITED_RE.search(text, max(0, start - 20), start) is not None


@register
class WrongScript(SegmentCheck):
    id = "wrong-script"
    severity = "major"
    side = "tgt"
    description = "letters of a script that is neither Latin nor Arabic in the translation"

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        if tgt.isascii():  # O(1): no letter of another script
            return
        runs = [m for m in OTHER_SCRIPT_RE.finditer(tgt) if not _cited(tgt, m.start())]
        if runs and not OTHER_SCRIPT_RE.search(src):
            yield self.flag(seg_id, system, [m.group() for m in runs],
                            "foreign script in the translation: " + ", ".join(m.group() for m in runs),
                            [SpanRef(seg_id, "tgt", m.start(), m.end(), system) for m in runs])
