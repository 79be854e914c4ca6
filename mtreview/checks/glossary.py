"""``glossary``: a glossary term of the source is not rendered with an allowed English term.

The glossary is a UTF-8 TSV file, one entry a line::

    # comments and blank lines are ignored; an optional header "ar<TAB>en" too
    الدولة الإسلامية<TAB>Islamic State|IS|ISIL
    الحشد الشعبي<TAB>Popular Mobilisation<TAB>Popular Mobilization Forces

Column 1 is the Arabic term, the other columns (or ``|``-separated alternatives) the allowed
renderings. Terms match on normalised words (:mod:`mtreview.arabic.normalize`), so
الاسلامية and الإسلامية both match, and so do clitic forms (والدولة الإسلامية). Renderings
match case-insensitively on word boundaries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from mtreview.arabic.normalize import ARABIC_WORD_RE, analyse
from mtreview.checks.base import Check, CheckInput, register
from mtreview.checks.glossary_file import GlossaryEntry, read_glossary  # noqa: F401 (re-exported)
from mtreview.core.types import Flag, SpanRef


def _stems(text: str) -> list[tuple[int, int, str]]:
    return [(m.start() + a.article_start, m.end(), a.stem)
            for m in ARABIC_WORD_RE.finditer(text) for a in (analyse(m.group()),)]


@register
class Glossary(Check):
    id = "glossary"
    severity = "minor"
    side = "tgt"
    needs_glossary = True
    description = "a glossary term rendered without any of its allowed English renderings"

    def run(self, data: CheckInput) -> Iterable[Flag]:
        index: dict[str, list[tuple[list[str], GlossaryEntry, re.Pattern]]] = defaultdict(list)
        for e in data.glossary or []:
            stems = [s for _, _, s in _stems(e.term)]
            allowed = re.compile(r"\b(?:" + "|".join(re.escape(r) for r in e.renderings) + r")\b",
                                 re.IGNORECASE)
            index[stems[0]].append((stems, e, allowed))
        for seg in data.segments:
            words = _stems(seg.source)
            for i, (start, _, stem) in enumerate(words):
                for stems, entry, allowed in index.get(stem, ()):
                    if [w[2] for w in words[i:i + len(stems)]] != stems:
                        continue
                    end = words[i + len(stems) - 1][1]
                    yield from self._judge(data, seg.id, seg.source[start:end], start, end,
                                           entry, allowed)

    def _judge(self, data: CheckInput, seg_id: int, form: str, start: int, end: int,
               entry: GlossaryEntry, allowed: re.Pattern) -> Iterable[Flag]:
        for system, outputs in data.systems.items():
            text = outputs.get(seg_id)
            if text and not allowed.search(text):
                yield Flag(self.id, self.severity, system, (seg_id,), (form,),
                           f"{form} is not rendered as {' / '.join(entry.renderings)} "
                           f"(glossary line {entry.line})",
                           (SpanRef(seg_id, "src", start, end),))
