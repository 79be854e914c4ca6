"""Proper-name mentions in Arabic text and their variant groups, without NER.

A word is taken as a name (precision first) when one of these holds:

* **context**: it follows a quoting verb or a title (قال، أضاف، الرئيس، زعيم، الشيخ …), or it
  is an ``ال``-nisba (الهاشمي، البغدادي) right after another name;
* **kunya / compound**: أبو، أم، ابن، بن، عبد + the next word form one name (أبو بكر);
* **alignment**: its consonant skeleton, transliterated (:func:`arabic_keys`), equals the
  skeleton of a capitalised word of an English side of the same segment (a reference or a
  system output, :func:`latin_key`): هاشيمي ↔ Hashimi, الحويجة ↔ Hawija.

Function words, common words after quoting verbs and demonym adjectives (عراقي، كردي) are
never names. Once a stem is known as a name, its other occurrences count too.

A bare clitic (و ف ب ل ك) comes off a word only when the word itself does not align with
the English, the rest does (the shortest cut first: وبراين → و + براين "Bryan", not وب +
راين), and the rest is attested on its own in the corpus (ووهان stays ووهان). Another
occurrence of a known stem behind a clitic counts only where the English of its segment
(if any) has that name (فرادى "singles" is not رادي "Rady").

Variant groups: :mod:`mtreview.arabic.name_groups`; the English side and the alignment of
mentions with renderings: :mod:`mtreview.arabic.name_align`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from mtreview.arabic.name_align import (  # noqa: F401  (re-exported: one import for callers)
    EN_CAPITAL_RE,
    _en_word,
    align,
    aligned,
    arabic_keys,
    english_names,
    latin_key,
    probe,
    rendering_key,
    romanize,
)
from mtreview.arabic.name_groups import DISTINCT, group_stems, respelled  # noqa: F401
from mtreview.arabic.normalize import (
    ARABIC_CHAR_RE,
    ARABIC_WORD_CHAR_RE,
    ARABIC_WORD_RE,
    Analysis,
    analyse,
    normalize,
    split_clitics,
    strip_diacritics,
)

# words after which a person's (or a place's) name follows; normalised, without و/ف
TRIGGERS = frozenset(normalize(w) for w in """
قال قالت يقول تقول أضاف أضافت وأضاف أكد أكدت صرح صرحت أوضح أوضحت أعلن أعلنت ذكر ذكرت
الرئيس الرئيسة رئيس زعيم الزعيم السيد السيدة الشيخ الشيخة الأمير الأميرة الملك الملكة
الوزير الوزيرة وزير النائب الخبير الخبيرة المحلل الباحث الكاتب الصحفي الدكتور الدكتورة
العقيد اللواء العميد الجنرال المقدم الرائد النقيب المدرب اللاعب الفنان الفنانة المطرب
الإمام المرشد القائد الحاكم المحافظ السفير البابا مدينة بلدة قرية ولاية محافظة إقليم
""".split())

# compound-name heads: the head and the next word are one name
COMPOUND_HEADS = frozenset(normalize(w) for w in "أبو أبي ابن بن بنت عبد".split())

STOPWORDS = frozenset(normalize(w) for w in """
في فى من إلى الى على عن مع عند حتى بين بعد قبل خلال منذ حول ضد دون نحو لدى لدي تحت فوق أمام
امام وراء عبر إن أن ان إنه أنه انه إنها أنها انها لكن لكنه لكن كما لأن لان هذا هذه ذلك تلك هؤلاء
التي الذي الذين اللذين اللتين ما ماذا لماذا متى أين كيف هل لا لم لن قد كان كانت يكون تكون
كانوا ليس ليست هو هي هم هن نحن أنا انا أنت انت له لها لهم به بها بهم فيه فيها منه منها عليه
عليها إليه اليه ايضا أيضا كل بعض غير جميع عدة عدد أكثر اكثر أقل اقل أول اول آخر اخر الآخر الاخر
اليوم أمس امس غدا الآن الان يوم عام العام سنة السنة شهر الشهر الأسبوع الاسبوع مساء صباح
المسؤول المسؤولة مسؤول مسؤولون المسؤولين المتحدث متحدث مصدر مصادر المصدر بيان البيان
إنه تقرير التقرير الحكومة حكومة الجيش جيش القوات قوات الشرطة المجلس مجلس الرئاسة الوزراء
وزارة الوزارة الدولة دولة الولايات المتحدة الأمم الشعب الناس رجل رجال امرأة نساء أطفال الأطفال
وكالة الوكالة صحيفة الصحيفة لرويترز للصحفيين للصحافة للتلفزيون للوكالة أمني الأمني امني الامني
المسلحين المسلحون المقاتلين مقاتلي مقاتلين الجماعة جماعة تنظيم التنظيم الخبراء خبير
اوسط الاوسط وسط فريق الفريق مطار المطار سوق السوق اول اولي ثاني ثانيه ثالث ثالثه رابع خامس اخير اخيره فعلي فعلا شهود سكان مسؤولون ناشطون مراسل مراسلنا نعم شكرا شكراً من فضلك لو إذا اذا ثم أو او أم بل إلا الا سوف يجب يمكن وفق وفقا حسب
""".split())

# demonym / relational adjectives: capitalised in English but not names
DEMONYMS = frozenset(normalize(w) for w in """
عراقي سوري كردي أمريكي امريكي أميركي اميركي إيراني ايراني روسي تركي عربي إسلامي اسلامي مصري
سعودي لبناني فلسطيني إسرائيلي اسرائيلي أردني اردني يمني ليبي تونسي مغربي جزائري سوداني قطري
كويتي إماراتي اماراتي بحريني عماني بريطاني فرنسي ألماني الماني إيطالي ايطالي إسباني صيني ياباني
هندي باكستاني أفغاني افغاني أوروبي اوروبي أفريقي افريقي آسيوي غربي شرقي شمالي جنوبي دولي وطني
شيعي سني مسيحي يهودي مسلم إنجليزي انجليزي كندي أسترالي استرالي تركماني أمازيغي
""".split())

class Mention(NamedTuple):
    """One name mention in a source segment; ``form`` is ``text[start:end]`` (a named tuple:
    a corpus has hundreds of thousands, made fast and kept small)."""

    seg_id: int
    start: int
    end: int
    form: str  # the surface without و/ف/ب/ك/ل clitics, article kept
    stem: str  # normalised stem (the grouping key)
    article: bool
    strong: bool  # found by context (title, quoting verb, kunya), not only by alignment


def _bare(norm: str) -> str:
    """A normalised word without a leading و/ف conjunction."""
    return norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm


class _Word:
    """Everything the finder needs about one surface word (cached per unique word)."""

    __slots__ = ("a", "bare", "keys", "head", "trigger", "eligible", "alts")

    def __init__(self, word: str) -> None:
        self.a = a = analyse(word)
        self.bare = bare = _bare(normalize(word))
        self.head = bare in COMPOUND_HEADS
        self.trigger = bare in TRIGGERS
        self.eligible = _eligible(a.stem)
        keys: set[str] = set(arabic_keys(a.stem)) if self.eligible else set()
        alts = []
        if not a.article and a.stem[:1] in "وفبلك":  # a bare clitic may hide a name
            for n in (1, 2):
                rest = a.stem[n:]
                if len(rest) >= 3 and _eligible(rest):
                    keys.update(arabic_keys(rest))
                    alts.append(rest)
        if self.head:
            keys.add(_HEAD)
        self.keys = frozenset(keys)
        self.alts = tuple(alts)


_HEAD = "*"  # a pseudo key every segment with English has: compound heads are candidates


class _Caps(dict[str, set[str]]):
    """Consonant key → rendering keys of the capitalised English words of one segment;
    remembers what :func:`aligned` answered for it (a stem is asked about more than once)."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        super().__init__()
        self._memo: dict[str, str | None] = {}

    def aligned(self, stem: str) -> str | None:
        """:func:`aligned` of ``stem`` with these words."""
        memo = self._memo
        if stem in memo:
            return memo[stem]
        w = memo[stem] = aligned(stem, self)
        return w


@lru_cache(maxsize=1 << 16)
def _eligible(stem: str) -> bool:
    return not (len(stem) < 3 or stem in STOPWORDS or stem in TRIGGERS or _is_demonym(stem))


class NameFinder:
    """Finds mentions over a corpus; caches per-word analyses (one instance per run)."""

    def __init__(self) -> None:
        self._words: dict[str, _Word] = {}
        self._by_key: dict[str, set[str]] = defaultdict(set)  # consonant key → words
        self.english_cache: dict[str, tuple[str, str] | None] = {}
        self._caps_of: tuple[int, _Caps] = (0, _Caps())
        # stem → English words (rendering keys) it aligned with: evidence for grouping
        self.evidence: dict[str, set[str]] = defaultdict(set)

    def word(self, w: str) -> _Word:
        info = self._words.get(w)
        if info is None:
            info = self._words[w] = _Word(w)
            for k in info.keys:
                self._by_key[k].add(w)
        return info

    def _caps(self, texts: Sequence[str]) -> _Caps:
        """Consonant key → rendering keys of the capitalised words of ``texts``."""
        caps = _Caps()
        cache = self.english_cache
        for t in texts if len(texts) < 2 else dict.fromkeys(texts):  # systems often agree
            for word in EN_CAPITAL_RE.findall(t):
                if word in cache:
                    kr = cache[word]
                else:
                    kr = cache[word] = _en_word(word)
                if kr is not None:
                    caps.setdefault(kr[0], set()).add(kr[1])
        if caps:
            caps[_HEAD] = set()
        return caps

    def find(self, segments: Iterable[tuple[int, str]],
             english: Mapping[int, Sequence[str]] | None = None) -> list[Mention]:
        """All name mentions of ``segments`` (seg_id, text); ``english``: seg_id → texts.

        Where a segment has English sides, a word must align with a capitalised English word
        to be a name (context alone is not enough); without English, context decides. Other
        occurrences of a stem found as a name are mentions too.
        """
        english = english or {}
        segments = list(segments)
        found: list[Mention] = []
        for seg_id, text in segments:
            texts = english.get(seg_id, ())
            caps = self._caps(texts)
            if texts and not caps:
                continue  # English without a capitalised word: no name to find here
            found.extend(self._scan(seg_id, text, caps))
        attested = {info.a.stem for info in self._words.values()}
        source_of = dict(segments)
        found = [m for m in found if m.article or m.stem in attested
                 or not _glued(source_of[m.seg_id], m.start)]
        found = _resplit(found, self.evidence)
        found += self._others(segments, english, found)
        found.sort(key=attrgetter("seg_id", "start"))
        return found

    def _others(self, segments: list[tuple[int, str]], english: Mapping[int, Sequence[str]],
                found: list[Mention]) -> list[Mention]:
        """The other occurrences of the stems of ``found`` (those not in ``found``)."""
        known = {m.stem for m in found} - STOPWORDS
        seen = {(m.seg_id, m.start) for m in found}
        spelled = {strip_diacritics(m.form[2:] if m.article else m.form) for m in found}
        # word → (its analysis as a known stem, whether that stem is spelled so in a mention)
        hit: dict[str, tuple[Analysis, bool]] = {}
        for w, info in self._words.items():
            if info.a.stem in known or any(r in known for r in info.alts):
                a = info.a if info.a.stem in known else split_clitics(w, known=known.__contains__)
                if a.stem in known:
                    hit[w] = (a, strip_diacritics(a.stem_surface) in spelled)
        out = []
        for seg_id, text in segments:
            words = hit.keys() & ARABIC_WORD_RE.findall(text)
            texts = english.get(seg_id) if words else None
            for word in words:
                a, as_spelled = hit[word]
                if not as_spelled and texts and not self._in_english(a.stem, texts):
                    continue  # فرادى "singles" is not فـ + رادي "Rady", أدين "convicted" not Eden
                cut = a.article_start
                for start, end in word_spans(text, word):
                    if (seg_id, start + cut) not in seen:
                        out.append(Mention(seg_id, start + cut, end, text[start + cut:end],
                                           a.stem, a.article, False))
        return out

    def _scan(self, seg_id: int, text: str, caps: _Caps) -> list[Mention]:
        known = self._words
        ws = ARABIC_WORD_RE.findall(text)
        present = set(ws)
        for w in present.difference(known):
            self.word(w)

        if caps:  # only words whose key meets an English capitalised word can be names
            by_key = self._by_key
            cand = set().union(*(present.intersection(by_key[k]) for k in caps if k in by_key))
            if not cand:
                return []
            todo: Sequence[int] = [i for i, w in enumerate(ws) if w in cand]
        else:
            todo = range(len(ws))
        infos = list(map(known.__getitem__, ws))
        out: list[Mention] = []
        last = skip = -2
        for i in todo:
            if i <= skip:
                continue
            info = infos[i]
            prev_trigger = i > 0 and infos[i - 1].trigger
            mention = None
            if info.head and i + 1 < len(ws):
                nxt = infos[i + 1].a
                tail = "ال" + nxt.stem if nxt.article else nxt.stem
                if nxt.stem not in STOPWORDS and len(nxt.stem) >= 2 and (
                        not caps or caps.aligned(nxt.stem) or caps.aligned(info.bare + tail)):
                    start, end = _nth_span(text, ws, i)
                    end = next(e for s_, e in word_spans(text, ws[i + 1], end))
                    mention = _mention(seg_id, text, start, end, info.a,
                                       f"{info.bare} {tail}", True)
                    skip = i + 1
            else:
                a = self._clitic_split(ws[i], info, caps)
                if self._is_name(a, prev_trigger, last == i - 1, caps):
                    strong = (prev_trigger and not a.article) or (last == i - 1 and a.article)
                    start, end = _nth_span(text, ws, i)
                    mention = _mention(seg_id, text, start, end, a, a.stem, strong)
            if mention is not None:
                out.append(mention)
                last = skip if skip > i else i
        return self._claim(out, caps) if caps else out

    def _in_english(self, stem: str, texts: Sequence[str]) -> bool:
        """Does the English of a segment have the name ``stem`` (aligned, or a word that
        starts like a word the stem aligned with elsewhere: Iranian-backed for ايران)?"""
        key = id(texts)
        if self._caps_of[0] != key:  # the segment's capitalised words, once per segment
            self._caps_of = (key, self._caps(texts))
        caps = self._caps_of[1]
        if caps.aligned(stem) is not None:
            return True
        seen = self.evidence.get(stem, ())
        return any(w.startswith(e[:4]) for e in seen if len(e) >= 4
                   for words in caps.values() for w in words)

    def _claim(self, out: list[Mention], caps: _Caps) -> list[Mention]:
        """Each English word names one stem of the segment, the most alike (ساتورو, not
        الستار, is "Satoru"); the others are not names here. Records the evidence."""
        from rapidfuzz.fuzz import ratio

        best: dict[str, tuple[float, str]] = {}
        words: dict[str, str | None] = {}
        for m in out:
            if m.stem not in words:
                w = words[m.stem] = caps.aligned(m.stem.rsplit(" ", 1)[-1])
                if w is not None:
                    score = ratio(romanize(m.stem), w)
                    if score > best.get(w, (-1.0, ""))[0]:
                        best[w] = (score, m.stem)
        kept = []
        for m in out:
            w = words[m.stem]
            if w is None or best[w][1] == m.stem or respelled(best[w][1], m.stem):
                kept.append(m)
                if w is not None:
                    self.evidence[m.stem].add(w)
        return kept

    @staticmethod
    def _clitic_split(word: str, info: _Word, caps: _Caps) -> Analysis:
        """Split a bare و/ف/ب/ل/ك when the rest aligns with an English name (لرويترز) and
        the whole word does not (ووهان "Wuhan" keeps its و): the shortest cut first."""
        if not caps or not info.alts or caps.aligned(info.a.stem) is not None:
            return info.a
        for rest in info.alts:  # one letter cut, then two
            if caps.aligned(rest) is not None:
                return split_clitics(word, known=rest.__eq__)
        return info.a

    def _is_name(self, a: Analysis, prev_trigger: bool, prev_name: bool,
                 caps: _Caps) -> bool:
        stem = a.stem
        if not _eligible(stem):
            return False
        if caps:
            return caps.aligned(stem) is not None
        if prev_trigger and not a.article:
            return True
        return prev_name and a.article and stem.endswith("ي")




def _resplit(found: list[Mention], evidence: dict[str, set[str]]) -> list[Mention]:
    """A mention whose stem is a clitic + the stem of another mention found on its own
    (وترامب, ببريطانيا) is that name: its clitic comes off, and its English evidence goes
    to the stem."""
    alone = {m.stem for m in found}
    out = []
    for m in found:
        s = m.stem
        for n in (1, 2):
            rest = s[n:]
            if not m.article and len(rest) >= 3 and rest in alone and \
                    all(ch in "وفبلك" for ch in s[:n]) and " " not in s:
                m = Mention(m.seg_id, m.start + n, m.end, m.form[n:], rest, False, m.strong)
                if s in evidence:
                    evidence[rest] = evidence.get(rest, set()) | evidence.pop(s)
                break
        out.append(m)
    return out


def _glued(text: str, start: int) -> bool:
    """Is a letter (a clitic cut off) right before ``start``?"""
    return start > 0 and ARABIC_CHAR_RE.match(text, start - 1) is not None


def word_spans(text: str, word: str, start: int = 0) -> Iterable[tuple[int, int]]:
    """(start, end) of each whole-word occurrence of ``word`` (an :data:`ARABIC_WORD_RE`
    token) in ``text`` from ``start``: the cheap way to place a few known words. (A token
    right after a stray mark, e.g. a tatweel after punctuation, is not found here.)"""
    n = len(text)
    while (i := text.find(word, start)) >= 0:
        j = i + len(word)  # a space on either side is the common case: no regex needed
        if (j == n or text[j].isspace() or not ARABIC_WORD_CHAR_RE.match(text, j)) and (
                i == 0 or text[i - 1].isspace() or not _inside_token(text, i)):
            yield i, j
        start = j


def _inside_token(text: str, i: int) -> bool:
    """Does a token run through position ``i - 1``? (marks before ``i`` continue a token
    only if a letter precedes them)"""
    k = i - 1
    while k >= 0 and ARABIC_WORD_CHAR_RE.match(text, k):
        if ARABIC_CHAR_RE.match(text, k):
            return True
        k -= 1
    return False


def _nth_span(text: str, words: list[str], i: int) -> tuple[int, int]:
    """The span of ``words[i]`` (the tokens of ``text`` in order)."""
    k = words[:i].count(words[i])
    for n, span in enumerate(word_spans(text, words[i])):
        if n == k:
            return span
    raise ValueError(f"token {i} of {text!r} not found")  # word_spans mirrors ARABIC_WORD_RE


def _is_demonym(stem: str) -> bool:
    return stem in DEMONYMS or (stem.endswith("ه") and stem[:-1] in DEMONYMS) or \
        (stem.endswith("ين") and stem[:-2] in DEMONYMS) or (stem.endswith("ون") and stem[:-2] in DEMONYMS)


def _mention(seg_id: int, text: str, start: int, end: int, a: Analysis, stem: str,
             strong: bool) -> Mention:
    cut = a.article_start
    return Mention(seg_id, start + cut, end, text[start + cut:end], stem, a.article, strong)


@lru_cache(maxsize=1 << 16)
def display_form(form: str) -> str:
    """The comparison key of a surface form: diacritics and tatweel removed (names repeat:
    remembered)."""
    return strip_diacritics(form)


