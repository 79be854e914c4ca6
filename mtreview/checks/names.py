"""Name checks: ``name-variant`` (source side), ``name-rendering`` (one system, several
spellings of one name) and ``name-dropped`` (one system drops a name all others keep).

Mentions and variant groups come from :mod:`mtreview.arabic.names` (computed once per run
on :class:`~mtreview.checks.base.CheckInput`).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Iterable

from mtreview.arabic.names import (
    Mention, align, display_form, english_names, probe, rendering_key,
)
from mtreview.checks.base import MAX_SPANS, Check, CheckInput, register
from mtreview.core.types import Flag, SpanRef


def _groups(data: CheckInput) -> dict[str, list[int]]:
    """Group representative → indices into ``data.mentions``."""
    groups: dict[str, list[int]] = defaultdict(list)
    rep = data.name_groups
    for i, m in enumerate(data.mentions):
        groups[rep[m.stem]].append(i)
    return groups


def _core(m: Mention) -> str:
    """A mention's written form without diacritics and without its article."""
    form = display_form(m.form)
    return form[2:] if m.article and form.startswith(("ال", "أل", "ٱل")) else form


# a hamza seat against a plain letter (ئ/ي, ؤ/و) tells words apart; alef forms do not
_HAMZA_SEATS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def _has_article(m: Mention) -> bool:
    return display_form(m.form).startswith(("ال", "أل", "ٱل"))


def _forms(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    """Distinct written forms (diacritics ignored) → their mentions, first seen first."""
    out: dict[str, list[Mention]] = {}
    for m in mentions:
        out.setdefault(display_form(m.form), []).append(m)
    return out


@register
class NameVariant(Check):
    id = "name-variant"
    severity = "minor"
    side = "src"
    uses_names = True
    description = ("one proper name written several ways in the source (a long vowel, a "
                   "consonant of transliteration ج/غ, ت/ط …, hamza/alef, ى/ي, ة/ه, article); "
                   "minor within a document, info across documents")

    def run(self, data: CheckInput) -> Iterable[Flag]:
        mentions = data.mentions
        for idx in _groups(data).values():
            if len(idx) < 2 or len({mentions[i].form for i in idx}) < 2:
                continue  # one mention, or one written form: nothing to compare
            ms = [mentions[i] for i in idx]
            forms = _forms(ms)
            if len(forms) < 2:
                continue
            kind, severity = self.classify(ms)
            if kind == "hamza seat":  # ئ/ي, ؤ/و: another word unless the English agrees
                kind = "orthography" if _same_english(data, idx) else None
            if kind is None:
                continue
            if kind == "spelling" and not _in_one_document(data, ms):
                severity, kind = "info", "spelling, across documents"
            listing = ", ".join(f"{v[0].form} ({len(v)}×)" for v in forms.values())
            yield Flag(self.id, severity, None, tuple(sorted({m.seg_id for m in ms})),
                       tuple(v[0].form for v in forms.values()),
                       f"one name written {len(forms)} ways ({kind}): {listing}",
                       tuple(SpanRef(m.seg_id, "src", m.start, m.end) for m in ms[:MAX_SPANS]))

    @staticmethod
    def classify(ms: list[Mention]) -> tuple[str | None, str]:
        if len({m.stem for m in ms}) > 1:
            return "spelling", "minor"
        cores = {_core(m) for m in ms}
        if len(cores) > 1:
            if len({c.translate(_HAMZA_SEATS) for c in cores}) > 1:
                return "hamza seat", "info"  # بادئة / بادية, or الجزائر / الجزاير
            return "orthography", "info"
        # only the article differs: a finding for a nisba family name (الهاشمي / هاشمي),
        # not for place names and common words, whose article comes and goes with grammar
        stem = ms[0].stem
        bare = [m for m in ms if not _has_article(m)]
        full = [m for m in ms if _has_article(m)]
        if stem.endswith("ي") and bare and full and any(m.strong for m in bare) \
                and any(m.strong for m in full):
            return "article", "info"
        return None, "info"


def _in_one_document(data: CheckInput, ms: list[Mention]) -> bool:
    """Do two different written forms of the group meet in one document?"""
    doc = data.cache.get("doc_of")
    if doc is None:
        doc = data.cache["doc_of"] = {s.id: s.doc_id for s in data.segments}
    forms: dict[str, set[str]] = defaultdict(set)
    for m in ms:
        forms[doc.get(m.seg_id, "")].add(display_form(m.form))
    return any(len(f) > 1 for f in forms.values())


def _by_segment(data: CheckInput) -> dict[int, tuple[list[int], set[str]]]:
    """seg_id → (its mentions as indices into ``data.mentions``, their consonant keys),
    computed once per run."""
    cached = data.cache.get("mentions_by_segment")
    if cached is None:
        by_seg: dict[int, list[int]] = defaultdict(list)
        for i, m in enumerate(data.mentions):
            by_seg[m.seg_id].append(i)
        cached = data.cache["mentions_by_segment"] = {
            seg_id: (idx, {k for i in idx for k in probe(data.mentions[i].stem)[0]})
            for seg_id, idx in by_seg.items()}
    return cached


def _aligned(data: CheckInput, seg_id: int, text: str) -> list[tuple[int, int, str] | None]:
    """The English word of ``text`` that each mention of segment ``seg_id`` aligns with (in
    :func:`_by_segment`'s order; all of the segment's mentions compete for the words)."""
    idx, keys = _by_segment(data)[seg_id]
    cache = data.cache.setdefault("english_words", {})
    return align([data.mentions[i] for i in idx], english_names(text, cache, keys))


def _same_english(data: CheckInput, idx: list[int]) -> bool:
    """Whether every written form among mentions ``idx`` is aligned, in some reference or
    system output of its segment, to one same English word (الجزائر and الجزاير both
    "Algeria"; البادئة "Start-up" but بادية "Badya")."""
    mentions, wanted = data.mentions, set(idx)
    words: dict[str, set[str]] = defaultdict(set)  # written form → English words
    for seg_id in {mentions[i].seg_id for i in idx}:
        present = _by_segment(data)[seg_id][0]
        for text in data.english.get(seg_id, []):
            for i, w in zip(present, _aligned(data, seg_id, text)):
                if w is not None and i in wanted:
                    words[display_form(mentions[i].form)].add(w[2].lower())
    forms = {display_form(mentions[i].form) for i in idx}
    return len(words) == len(forms) and bool(set.intersection(*words.values()))


def renderings(data: CheckInput) -> dict[str, list[tuple[int, int, str] | None]]:
    """system → for each mention (index into ``data.mentions``) its English word or None."""
    if "renderings" in data.cache:
        return data.cache["renderings"]
    out: dict[str, list] = {}
    segments = _by_segment(data)
    for system, outputs in data.systems.items():
        found: list = [None] * len(data.mentions)
        for seg_id, (idx, _) in segments.items():
            text = outputs.get(seg_id)
            if text:
                for i, w in zip(idx, _aligned(data, seg_id, text)):
                    found[i] = w
        out[system] = found
    data.cache["renderings"] = out
    return out


SIMILAR = 70.0  # renderings at least this alike (rapidfuzz ratio) are spellings of one name


@register
class NameRendering(Check):
    id = "name-rendering"
    severity = "minor"
    side = "tgt"
    uses_names = True
    description = ("one source name spelled differently by one system (Hashimi / Hashemi); "
                   "dropping al- is house style and not flagged")

    def run(self, data: CheckInput) -> Iterable[Flag]:
        from rapidfuzz.fuzz import ratio

        doc = {s.id: s.doc_id for s in data.segments}
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for rep, idx in _groups(data).items():  # one person per name and document
            for i in idx:
                groups[(doc[data.mentions[i].seg_id], rep)].append(i)
        mentions = data.mentions
        for system, found in renderings(data).items():
            for idx in groups.values():
                if len(idx) < 2:
                    continue
                seen: dict[str, list[tuple[Mention, tuple[int, int, str]]]] = {}
                for i in idx:
                    if found[i] is not None:
                        seen.setdefault(rendering_key(found[i][2]), []).append((mentions[i], found[i]))
                if len(seen) < 2:
                    continue
                # spelling variants: alike, and not one the other plus a suffix (Iraq/Iraqi)
                clash = {k for a, b in combinations(seen, 2)
                         if not (a.startswith(b) or b.startswith(a)) and ratio(a, b) >= SIMILAR
                         for k in (a, b)}
                if not clash:
                    continue
                keys = [k for k in seen if k in clash]
                hits = [h for k in keys for h in seen[k]]
                listing = ", ".join(f"{seen[k][0][1][2]} ({len(seen[k])}×)" for k in keys)
                yield Flag(self.id, self.severity, system, tuple(sorted({m.seg_id for m, _ in hits})),
                           tuple(seen[k][0][1][2] for k in keys) + (hits[0][0].form,),
                           f"{system} spells the name {hits[0][0].form} {len(keys)} ways: {listing}",
                           tuple(SpanRef(m.seg_id, "tgt", w[0], w[1], system)
                                 for m, w in hits[:MAX_SPANS]))


@register
class NameDropped(Check):
    id = "name-dropped"
    severity = "minor"
    side = "cross"
    uses_names = True
    description = "a name that every other system (at least two) renders is missing in one system"

    def run(self, data: CheckInput) -> Iterable[Flag]:
        found = renderings(data)
        if len(found) < 3:
            return
        for i, m in enumerate(data.mentions):
            present = {s: f[i] for s, f in found.items() if f[i] is not None}
            missing = [s for s in found if s not in present]
            if len(missing) != 1 or len(present) < 2:
                continue
            system = missing[0]
            text = data.systems[system].get(m.seg_id) or ""
            others = {w[2] for w in present.values()}
            low = text.lower()
            if not text.strip() or any(rendering_key(w) in low for w in others):
                continue
            yield Flag(self.id, self.severity, system, (m.seg_id,), (m.form, *sorted(others)),
                       f"{system} drops the name {m.form}, which the other systems render as "
                       f"{' / '.join(sorted(others))}",
                       (SpanRef(m.seg_id, "src", m.start, m.end),))
