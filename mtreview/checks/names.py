"""Name checks: ``name-variant`` (source side), ``name-rendering`` (one system, several
spellings of one name) and ``name-dropped`` (one system drops a name all others keep).

Mentions and variant groups come from :mod:`mtreview.arabic.names` (computed once per run
on :class:`~mtreview.checks.base.CheckInput`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations
from operator import attrgetter

from mtreview.arabic.name_align import fold_latin
from mtreview.arabic.names import Mention, align, display_form, english_names, probe, rendering_key
from mtreview.checks.base import MAX_SPANS, Check, CheckInput, register
from mtreview.core.types import Flag, SpanRef


def _groups(data: CheckInput) -> dict[str, list[int]]:
    """Group representative → indices into ``data.mentions`` (once per run)."""
    groups: dict[str, list[int]] | None = data.cache.get("name_group_mentions")
    if groups is None:
        groups = data.cache["name_group_mentions"] = defaultdict(list)
        rep = data.name_groups
        for i, m in enumerate(data.mentions):
            groups[rep[m.stem]].append(i)
    return groups


def _core(written: str, article: bool) -> str:
    """A mention's written form without diacritics and without its article."""
    form = display_form(written)
    return form[2:] if article and form.startswith(("ال", "أل", "ٱل")) else form


_FORM, _STEM, _SEG = attrgetter("form"), attrgetter("stem"), attrgetter("seg_id")
_FORM_ARTICLE = attrgetter("form", "article")


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
            if len(idx) < 2:
                continue
            ms = list(map(mentions.__getitem__, idx))
            if len(set(map(_FORM, ms))) < 2:
                continue  # one written form: nothing to compare
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
        if len(set(map(_STEM, ms))) > 1:
            return "spelling", "minor"
        cores = {_core(form, article) for form, article in set(map(_FORM_ARTICLE, ms))}
        if len(cores) > 1:
            if len({c.translate(_HAMZA_SEATS) for c in cores}) > 1:
                return "hamza seat", "info"  # بادئة / بادية, or الجزائر / الجزاير
            return "orthography", "info"
        # only the article differs: a finding for a nisba family name (الهاشمي / هاشمي),
        # not for place names and common words, whose article comes and goes with grammar
        if not ms[0].stem.endswith("ي"):
            return None, "info"
        bare = [m for m in ms if not _has_article(m)]
        full = [m for m in ms if _has_article(m)]
        if bare and full and any(m.strong for m in bare) and any(m.strong for m in full):
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


_Segment = tuple[list[int], set[str], list[Mention]]


def _by_segment(data: CheckInput) -> dict[int, _Segment]:
    """seg_id → (its mentions as indices into ``data.mentions``, their consonant keys, the
    mentions), computed once per run."""
    cached = data.cache.get("mentions_by_segment")
    if cached is None:
        by_seg: dict[int, list[int]] = defaultdict(list)
        for i, m in enumerate(data.mentions):
            by_seg[m.seg_id].append(i)
        cached = data.cache["mentions_by_segment"] = {}
        for seg_id, idx in by_seg.items():
            ms = [data.mentions[i] for i in idx]
            cached[seg_id] = (idx, {k for m in ms for k in probe(m.stem)[0]}, ms)
    return cached


def _aligned(data: CheckInput, seg_id: int, text: str,
             segment: _Segment | None = None) -> list[tuple[int, int, str] | None]:
    """The English word of ``text`` that each mention of segment ``seg_id`` aligns with (in
    :func:`_by_segment`'s order, which ``segment`` is when given; all of the segment's
    mentions compete for the words)."""
    _, keys, ms = segment or _by_segment(data)[seg_id]
    return align(ms, english_names(text, data.cache.setdefault("english_words", {}), keys))


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
    out: dict[str, list] = {system: [None] * len(data.mentions) for system in data.systems}
    systems = [(out[system], outputs) for system, outputs in data.systems.items()]
    for seg_id, segment in _by_segment(data).items():
        idx = segment[0]
        done: dict[str, list[tuple[int, int, str] | None]] = {}  # systems often agree
        for found, outputs in systems:
            text = outputs.get(seg_id)
            if text:
                words = done.get(text)
                if words is None:
                    words = done[text] = _aligned(data, seg_id, text, segment)
                for i, w in zip(idx, words):
                    found[i] = w
    data.cache["renderings"] = out
    return out


def reference_renderings(data: CheckInput) -> list[tuple[int, int, str] | None]:
    """For each mention, the English word of the first reference it aligns with, or None."""
    if "reference_renderings" not in data.cache:
        found: list = [None] * len(data.mentions)
        for seg_id, segment in _by_segment(data).items():
            refs = data.references.get(seg_id)
            if refs:
                for i, w in zip(segment[0], _aligned(data, seg_id, refs[0], segment)):
                    found[i] = w
        data.cache["reference_renderings"] = found
    return data.cache["reference_renderings"]


_CAP_BEFORE_RE = re.compile(r"([A-Z][\w'’-]+)(\s+of)?\s+$")
_CAP_AFTER_RE = re.compile(r"\s+(?:of\s+)?([A-Z][\w'’-]+)")


def _neighbours(text: str, word: tuple[int, int, str]) -> tuple[set[str], bool]:
    """The capitalised words right next to a rendering (Stephen *Harper*), and whether it is
    part of an "X of Y" name (District of Columbia)."""
    out, of = set(), False
    before = _CAP_BEFORE_RE.search(text[max(0, word[0] - 40):word[0]])
    if before:
        out.add(before.group(1).lower())
        of = bool(before.group(2))
    after = _CAP_AFTER_RE.match(text, word[1])
    if after:
        out.add(after.group(1).lower())
        of = of or " of" in after.group(0)[:4] or after.group(0).lstrip().startswith("of ")
    return out, of


def _other_entities(data: CheckInput, system: str, a: list, b: list,
                    ref: list[tuple[int, int, str] | None]) -> bool:
    """Are two renderings of one Arabic name two entities? The reference renders them
    differently too, or the English names around them differ (Stephen Harper / Steven
    Tyler), or one is part of an "X of Y" name (District of Columbia / Colombia)."""
    mentions = data.cache.get("mention_index")
    if mentions is None:
        mentions = data.cache["mention_index"] = {id(m): i for i, m in enumerate(data.mentions)}
    ref_a = {rendering_key(ref[mentions[id(m)]][2]) for m, _ in a if ref[mentions[id(m)]]}
    ref_b = {rendering_key(ref[mentions[id(m)]][2]) for m, _ in b if ref[mentions[id(m)]]}
    if ref_a and ref_b and ref_a.isdisjoint(ref_b):
        return True
    outputs = data.systems[system]
    near_a: set[str] = set()
    near_b: set[str] = set()
    of = False
    for hits, near in ((a, near_a), (b, near_b)):
        for m, w in hits:
            words, in_of = _neighbours(outputs.get(m.seg_id, ""), w)
            near |= words
            of = of or in_of
    return of or bool(near_a and near_b and near_a.isdisjoint(near_b))


SIMILAR = 70.0  # renderings at least this alike (rapidfuzz ratio) are spellings of one name

_Hits = dict[str, list[tuple[Mention, tuple[int, int, str]]]]


def _people(data: CheckInput) -> tuple[list[int], Callable[[int], tuple[int, int]]]:
    """One person per name and document: (each mention's group, named by the index of its
    first mention, -1 for a group of one; the sort key that orders groups by their name
    group's first mention, then by their own first mention). Built with C-level maps."""
    doc = {s.id: s.doc_id for s in data.segments}
    reps = list(map(data.name_groups.__getitem__, map(_STEM, data.mentions)))
    keys = list(zip(map(doc.__getitem__, map(_SEG, data.mentions)), reps))
    backwards = range(len(keys) - 1, -1, -1)  # the first index wins: written last
    first = dict(zip(reversed(keys), backwards))
    name_first = dict(zip(reversed(reps), backwards))
    group_of = list(map(first.__getitem__, keys))
    size = Counter(group_of)
    return [g if size[g] > 1 else -1 for g in group_of], lambda g: (name_first[reps[g]], g)


def _renderings_by_group(mentions: list[Mention], found: list[tuple[int, int, str] | None],
                         group_of: list[int], order: Callable[[int], tuple[int, int]],
                         ) -> list[_Hits]:
    """For each group (in ``order``) that one system renders: rendering key → (mention,
    English word), mentions in order. Only the rendered mentions are visited (most are not)."""
    by_group: dict[int, _Hits] = {}
    for i in [i for i, hit in enumerate(found) if hit is not None and group_of[i] >= 0]:
        hit = found[i]
        assert hit is not None
        by_group.setdefault(group_of[i], {}).setdefault(rendering_key(hit[2]), []).append(
            (mentions[i], hit))
    return [by_group[g] for g in sorted(by_group, key=order)]


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

        group_of, order = _people(data)
        ref = reference_renderings(data)
        for system, found in renderings(data).items():
            for seen in _renderings_by_group(data.mentions, found, group_of, order):
                if len(seen) < 2:
                    continue
                # spelling variants: alike, and not one the other plus a suffix (Iraq/Iraqi)
                clash = {k for a, b in combinations(seen, 2)
                         if not (a.startswith(b) or b.startswith(a)) and ratio(a, b) >= SIMILAR
                         and abs(len(a) - len(b)) <= 1
                         and not _other_entities(data, system, seen[a], seen[b], ref)
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
        names = list(found)
        for i, hits in enumerate(zip(*found.values())):
            if hits.count(None) != 1:
                continue  # every system renders it, or two or more do not
            m = data.mentions[i]
            present = {s: hit for s, hit in zip(names, hits) if hit is not None}
            system = names[hits.index(None)]
            text = data.systems[system].get(m.seg_id) or ""
            others = {w[2] for w in present.values()}
            folded = fold_latin(text).lower()
            if not text.strip() or any(rendering_key(w) in folded for w in others):
                continue
            theirs = [data.systems[s].get(m.seg_id) or "" for s in present]
            instead = replacement(text, theirs, next(iter(present.values())), theirs[0],
                                  lambda run: sounds_like(run, others))  # noqa: B023 (called now)
            if instead is not None and not sounds_like(instead[2], others):
                instead = None  # another word there (Tuesday for Sarah): the name is dropped
            listing = " / ".join(sorted(others))
            if instead is None:
                message = (f"{system} drops the name {m.form}, which the other systems render "
                           f"as {listing}")
                spans: tuple[SpanRef, ...] = (SpanRef(m.seg_id, "src", m.start, m.end),)
            else:
                message = (f"{system} misspells the name {m.form} as {instead[2]}, the other "
                           f"systems write {listing}")
                spans = (SpanRef(m.seg_id, "src", m.start, m.end),
                         SpanRef(m.seg_id, "tgt", instead[0], instead[1], system))
            yield Flag(self.id, self.severity, system, (m.seg_id,), (m.form, *sorted(others)),
                       message, spans)


_CAP_RUN_RE = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]*))*")


def replacement(text: str, others: list[str], word: tuple[int, int, str], other: str,
                like: Callable[[str], bool] | None = None) -> tuple[int, int, str] | None:
    """What ``text`` has where the ``others`` have the name ``word`` (a span of ``other``):
    the run of capitalised words of ``text`` that none of the others has, nearest to the
    name's relative place (John F. Kennedy for John Nixon); None when there is none. A run
    that shares a word with the name's own run in ``other`` comes first, wherever it is
    (Adam Werritty for Adam Cuerden, not a later "House")."""
    from mtreview.arabic.name_align import EN_STOP

    seen = {fold_latin(w).lower() for o in others for w in _WORD_RE.findall(o)}
    where = word[0] / max(1, len(other))
    anchors = _anchors(other, word)
    best = None
    for run in _CAP_RUN_RE.finditer(text):
        new = [w for w in _WORD_RE.findall(run.group())
               if fold_latin(w).lower() not in seen and w.lower() not in EN_STOP and len(w) > 1
               and w.lower() not in _CALENDAR]
        initial = not text[:run.start()].strip() or text[:run.start()].rstrip()[-1] in ".!?\"“"
        if not new or (initial and " " not in run.group() and not (like and like(run.group()))):
            continue  # a capitalised first word of a sentence (According …) is no name
        lead = _LEAD_RE.match(run.group())
        if lead:  # The Eurythmics → Eurythmics
            run_start, group = run.start() + lead.end(), run.group()[lead.end():]
        else:
            run_start, group = run.start(), run.group()
        dist = abs(run_start / max(1, len(text)) - where)
        if anchors and anchors & {fold_latin(w).lower() for w in _WORD_RE.findall(group)}:
            dist -= 1.0  # the name's companion (a first name) is in this run
        if best is None or dist < best[0]:
            best = (dist, (run_start, run.end(), group))
    return best[1] if best and best[0] <= 0.35 else None


def _anchors(other: str, word: tuple[int, int, str]) -> set[str]:
    """The other words (folded, not stop words) of the capitalised run of ``other`` that
    holds ``word``: Adam for Cuerden in "Adam Cuerden"."""
    from mtreview.arabic.name_align import EN_STOP

    for run in _CAP_RUN_RE.finditer(other):
        if run.start() <= word[0] < run.end():
            own = {fold_latin(w).lower() for w in _WORD_RE.findall(word[2])}
            return {f for w in _WORD_RE.findall(run.group())
                    if (f := fold_latin(w).lower()) not in own and f not in EN_STOP
                    and len(f) > 1}
    return set()


_WORD_RE = re.compile(r"[^\W\d_]+")
_CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december""".split())


def sounds_like(run: str, others: set[str], threshold: float | None = None) -> bool:
    """Is a word of ``run`` the others' rendering misspelled (Iyod for Ehud, Dallasi for
    Dalhousie, not United for Donald)? Letters compared as they sound (e/i, o/u, g/j …),
    alike to at least ``threshold`` (rapidfuzz ratio; default :data:`MISSPELT`)."""
    from rapidfuzz.fuzz import ratio

    from mtreview.arabic.name_align import sounded

    least = MISSPELT if threshold is None else threshold
    return any(ratio(sounded(rendering_key(w)), sounded(rendering_key(o))) >= least
               for w in run.split() for o in others)


MISSPELT = 55.0
# against the reference, where another entity is a major error, only a close likeness is a
# misspelling: Iyod for Ehud (75) is; Boone for Butte (60), Ondrej for Oldrich (62) and
# Binningup for Peninsula (67) are other names
MISSPELT_OF_REFERENCE = 70.0


_LEAD_RE = re.compile(r"(?:The|A|An|In|On|At|Of|By)\s+")
