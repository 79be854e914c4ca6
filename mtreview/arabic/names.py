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

Variant groups (:func:`group_stems`): unique normalised stems are blocked by their
:func:`~mtreview.arabic.normalize.skeleton`; inside a block, ``rapidfuzz.process.cdist``
with the Indel distance finds pairs one insertion apart, and
:func:`~mtreview.arabic.normalize.is_vowel_variant` plus a list of look-alike names that
are different names (هشام/هاشم, سلمان/سليمان …) decide. Orthographic variants (أ/ا, ى/ي,
ة/ه, diacritics) share one normalised stem and need no fuzzy step.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from mtreview.arabic.normalize import (
    ARABIC_CHAR_RE, ARABIC_WORD_CHAR_RE, ARABIC_WORD_RE, Analysis, analyse, is_vowel_variant, normalize, skeleton, split_clitics,
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
اول اولي ثاني ثانيه ثالث ثالثه رابع خامس اخير اخيره فعلي فعلا شهود سكان مسؤولون ناشطون مراسل مراسلنا نعم شكرا شكراً من فضلك لو إذا اذا ثم أو او أم بل إلا الا سوف يجب يمكن وفق وفقا حسب
""".split())

# demonym / relational adjectives: capitalised in English but not names
DEMONYMS = frozenset(normalize(w) for w in """
عراقي سوري كردي أمريكي امريكي أميركي اميركي إيراني ايراني روسي تركي عربي إسلامي اسلامي مصري
سعودي لبناني فلسطيني إسرائيلي اسرائيلي أردني اردني يمني ليبي تونسي مغربي جزائري سوداني قطري
كويتي إماراتي اماراتي بحريني عماني بريطاني فرنسي ألماني الماني إيطالي ايطالي إسباني صيني ياباني
هندي باكستاني أفغاني افغاني أوروبي اوروبي أفريقي افريقي آسيوي غربي شرقي شمالي جنوبي دولي وطني
شيعي سني مسيحي يهودي مسلم إنجليزي انجليزي كندي أسترالي استرالي تركماني أمازيغي
""".split())

# look-alike names that are different names (normalised, unordered pairs)
DISTINCT = frozenset(frozenset((normalize(a), normalize(b))) for a, b in (
    ("هشام", "هاشم"), ("محمد", "محمود"), ("عمر", "عمرو"), ("سعد", "سعيد"), ("سلمان", "سليمان"),
    ("حامد", "حميد"), ("حمد", "حامد"), ("حسن", "حسين"), ("حسان", "حسين"), ("سعود", "سعد"),
    ("عثمان", "عثيمان"), ("مسعود", "مسعد"), ("كريم", "كريمة"), ("جميل", "جميلة"), ("نور", "نوري"),
    ("فاطمة", "فاطيمة"), ("سالم", "سليم"), ("ماجد", "مجيد"), ("راشد", "رشيد"), ("ناصر", "نصير"),
    ("عادل", "عدلي"), ("زياد", "زيد"), ("علي", "عالي"), ("جمال", "جميل"), ("حمدان", "حمدين"),
    ("عبيد", "عبد"), ("مروان", "مرواني"), ("خالد", "خليد"), ("سلمى", "سليمى"),
))

# Arabic letter → Latin consonant class; letters not listed (vowels, ع, hamza) are dropped
_AR_TO_LATIN = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "غ": "j", "ف": "f",
    "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "پ": "b", "چ": "s", "گ": "j",
}
_EN_DIGRAPHS = (("sh", "s"), ("kh", "k"), ("gh", "j"), ("th", "t"), ("dh", "d"), ("ph", "f"),
                ("ch", "s"), ("ck", "k"), ("dj", "j"))
_EN_MAP = str.maketrans({"q": "k", "c": "k", "g": "j", "v": "f", "p": "b", "x": "k"})
_EN_DROP_RE = re.compile(r"[^bdfhjklmnrstz]")
_EN_ARTICLE_RE = re.compile(r"^(?:al|el|ul|ad|ar|as|ash|at|az|an)[-‐‑]", re.IGNORECASE)
_REPEAT_RE = re.compile(r"(.)\1+")

EN_STOP = frozenset("""
the a an he she it they we i you in on at after before but and or so this that there these those
what when where why how who which please thank thanks yes no not do does did is are was were be
can could would will shall should may might must my your our his her their its if for from to
with as by of some all any each every one two three four five six seven eight nine ten also
however meanwhile then now today yesterday tomorrow here mr mrs ms dr sir madam let have has had
""".split())

# a capitalised word (Al-Hashimi, O'Neil); a lower-case "al-" before it is added back by
# english_names (a pattern that starts with a capital scans fast)
EN_CAPITAL_RE = re.compile(r"[A-Z][A-Za-z’'\-]*[A-Za-z]")
_LOWER_ARTICLES = ("al-", "el-", "al‐", "al‑")


@lru_cache(maxsize=1 << 18)
def latin_key(word: str) -> str:
    """Consonant skeleton of an English (transliterated) word: ``al-Hashimi`` → ``hsm``."""
    w = _EN_ARTICLE_RE.sub("", word.lower())
    w = re.sub(r"['’]s$", "", w)
    for a, b in _EN_DIGRAPHS:
        w = w.replace(a, b)
    return _REPEAT_RE.sub(r"\1", _EN_DROP_RE.sub("", w.translate(_EN_MAP)))


@lru_cache(maxsize=1 << 18)
def arabic_keys(stem: str) -> tuple[str, ...]:
    """Latin consonant skeletons of a normalised Arabic stem (with and without a final ه)."""
    key = _REPEAT_RE.sub(r"\1", "".join(_AR_TO_LATIN.get(ch, "") for ch in stem.replace(" ", "")))
    if stem.endswith("ه") and key.endswith("h"):
        return (key, key[:-1])
    return (key,)


def _en_word(word: str) -> tuple[str, str] | None:
    """(latin_key, rendering_key) of a capitalised English word, None for a stopword."""
    if word.lower() in EN_STOP:
        return None
    key = latin_key(word)
    return (key, rendering_key(word)) if len(key) >= 2 else None


def english_names(text: str, cache: dict[str, tuple[str, str] | None] | None = None,
                  keys: set[str] | None = None) -> dict[str, list[tuple[int, int, str]]]:
    """Capitalised words of an English text by :func:`latin_key`: key → [(start, end, word)]
    (only the ``keys`` asked for, when given: cheaper, words are placed with ``str.find``)."""
    cache = {} if cache is None else cache
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    pos = 0
    for word in EN_CAPITAL_RE.findall(text):
        start = text.find(word, pos)  # words come in order: the next occurrence is this one
        end = pos = start + len(word)
        kr = cache.get(word, False)
        if kr is False:
            kr = cache[word] = _en_word(word)
        if kr is None or (keys is not None and kr[0] not in keys):
            continue
        if start >= 3 and text[start - 3:start] in _LOWER_ARTICLES:
            start -= 3
        out[kr[0]].append((start, end, text[start:end]))
    return out


@dataclass(frozen=True)
class Mention:
    """One name mention in a source segment; ``form`` is ``text[start:end]``."""

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


def _eligible(stem: str) -> bool:
    return not (len(stem) < 3 or stem in STOPWORDS or stem in TRIGGERS or _is_demonym(stem))


class NameFinder:
    """Finds mentions over a corpus; caches per-word analyses (one instance per run)."""

    def __init__(self) -> None:
        self._words: dict[str, _Word] = {}
        self._by_key: dict[str, set[str]] = defaultdict(set)  # consonant key → words
        self.english_cache: dict[str, tuple[str, str] | None] = {}
        # stem → English words (rendering keys) it aligned with: evidence for grouping
        self.evidence: dict[str, set[str]] = defaultdict(set)

    def word(self, w: str) -> _Word:
        info = self._words.get(w)
        if info is None:
            info = self._words[w] = _Word(w)
            for k in info.keys:
                self._by_key[k].add(w)
        return info

    def _caps(self, texts: Sequence[str]) -> dict[str, set[str]]:
        """Consonant key → rendering keys of the capitalised words of ``texts``."""
        caps: dict[str, set[str]] = {}
        cache = self.english_cache
        for t in texts:
            for word in EN_CAPITAL_RE.findall(t):
                kr = cache.get(word, False)
                if kr is False:
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
        known = {m.stem for m in found} - STOPWORDS
        seen = {(m.seg_id, m.start) for m in found}
        hit = {w for w, info in self._words.items()
               if info.a.stem in known or any(r in known for r in info.alts)}
        for seg_id, text in segments:  # other occurrences of stems known as names
            words = hit.intersection(ARABIC_WORD_RE.findall(text))
            for word in words:
                a = self._words[word].a
                if a.stem not in known:
                    a = split_clitics(word, known=known.__contains__)
                    if a.stem not in known:
                        continue
                for start, end in word_spans(text, word):
                    if (seg_id, start + a.article_start) not in seen:
                        found.append(_mention(seg_id, text, start, end, a, a.stem, False))
        found.sort(key=lambda m: (m.seg_id, m.start))
        return found

    def _scan(self, seg_id: int, text: str, caps: Mapping[str, set[str]]) -> list[Mention]:
        known = self._words
        ws = ARABIC_WORD_RE.findall(text)
        for w in set(ws).difference(known):
            self.word(w)

        if caps:  # only words whose key meets an English capitalised word can be names
            present = set(ws)
            by_key = self._by_key
            cand = set().union(*(present.intersection(by_key[k]) for k in caps if k in by_key))
            if not cand:
                return []
            todo = [i for i, w in enumerate(ws) if w in cand]
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
                        not caps or aligned(nxt.stem, caps) or aligned(info.bare + tail, caps)):
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
        return out

    @staticmethod
    def _clitic_split(word: str, info: "_Word", caps: Mapping[str, set[str]]) -> Analysis:
        """Split a bare و/ف/ب/ل/ك when the rest aligns with an English name (لرويترز)."""
        if not caps or not info.alts or not any(aligned(r, caps) for r in info.alts):
            return info.a
        return split_clitics(word, known=lambda r: aligned(r, caps) is not None)

    def _is_name(self, a: Analysis, prev_trigger: bool, prev_name: bool,
                 caps: Mapping[str, set[str]]) -> bool:
        stem = a.stem
        if not _eligible(stem):
            return False
        if caps:
            word = aligned(stem, caps)
            if word is not None:
                self.evidence[stem].add(word)
            return word is not None
        if prev_trigger and not a.article:
            return True
        return prev_name and a.article and stem.endswith("ي")




def word_spans(text: str, word: str, start: int = 0) -> Iterable[tuple[int, int]]:
    """(start, end) of each whole-word occurrence of ``word`` (an :data:`ARABIC_WORD_RE`
    token) in ``text`` from ``start``: the cheap way to place a few known words. (A token
    right after a stray mark, e.g. a tatweel after punctuation, is not found here.)"""
    n = len(text)
    while (i := text.find(word, start)) >= 0:
        j = i + len(word)
        if (j == n or not ARABIC_WORD_CHAR_RE.match(text, j)) and not _inside_token(text, i):
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


def aligned(stem: str, caps: Mapping[str, set[str]]) -> str | None:
    """The capitalised English word ``stem`` matches (same consonant key, similar letters)."""
    keys = arabic_keys(stem)
    if len(keys[0]) < 2 or (len(keys[0]) == 2 and len(stem) < 4):
        return None
    from rapidfuzz.fuzz import ratio

    need = 65.0 if len(keys[0]) == 2 else 50.0
    roman = romanize(stem)
    best = max(((ratio(roman, w), w) for k in keys for w in caps.get(k, ())), default=None)
    return best[1] if best and best[0] >= need else None


def _is_demonym(stem: str) -> bool:
    return stem in DEMONYMS or (stem.endswith("ه") and stem[:-1] in DEMONYMS) or \
        (stem.endswith("ين") and stem[:-2] in DEMONYMS) or (stem.endswith("ون") and stem[:-2] in DEMONYMS)


def _mention(seg_id: int, text: str, start: int, end: int, a: Analysis, stem: str,
             strong: bool) -> Mention:
    cut = a.article_start
    return Mention(seg_id, start + cut, end, text[start + cut:end], stem, a.article, strong)


def group_stems(stems: Iterable[str],
                evidence: Mapping[str, set[str]] | None = None) -> dict[str, str]:
    """Map each unique stem to a group representative (union of vowel variants).

    ``evidence`` (stem → English words it aligned with) vetoes a merge when both stems have
    English renderings and none of them look alike (هاربر Harper / هاربور Harbor), and allows
    one for a 4-letter stem when both align with the same word (بوتن / بوتين: Putin)."""
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cdist

    evidence = evidence or {}

    unique = sorted(set(stems))
    parent = {s: s for s in unique}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    blocks: dict[str, list[str]] = defaultdict(list)
    for s in unique:
        blocks[skeleton(s)].append(s)
    for members in blocks.values():
        if len(members) < 2:
            continue
        dist = cdist(members, members, scorer=Indel.distance, score_cutoff=1, dtype="int32")
        for i, j in zip(*(dist == 1).nonzero()):
            a, b = members[i], members[j]
            if i > j or frozenset((a, b)) in DISTINCT:
                continue
            ev_a, ev_b = evidence.get(a), evidence.get(b)
            if (is_vowel_variant(a, b) and not _renderings_differ(ev_a, ev_b)) or \
                    (is_vowel_variant(a, b, min_len=4) and _renderings_same(ev_a, ev_b)):
                parent[find(a)] = find(b)
    return {s: find(s) for s in unique}


def _renderings_differ(a: set[str] | None, b: set[str] | None, threshold: float = 75.0) -> bool:
    if not a or not b:
        return False
    from rapidfuzz.fuzz import ratio

    return max(ratio(x, y) for x in a for y in b) < threshold


def _renderings_same(a: set[str] | None, b: set[str] | None) -> bool:
    """Both stems aligned with the same English word: evidence enough to merge a 4-letter
    stem with its long-vowel variant (بوتن / بوتين, both Putin; not الرومن Romani /
    الرومان Roman)."""
    return bool(a and b and not a.isdisjoint(b))


def display_form(form: str) -> str:
    """The comparison key of a surface form: diacritics and tatweel removed."""
    return strip_diacritics(form)


# -- aligning mentions with their English renderings -----------------------------------
_ROMAN = str.maketrans({
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u", "ي": "i",
    "ا": "a", "ى": "a", "ة": "a", "ء": "", " ": "",
})
_NOT_LETTER_RE = re.compile(r"[^a-z]")


@lru_cache(maxsize=1 << 18)
def romanize(stem: str) -> str:
    """A crude romanisation of a normalised stem, for ranking candidate renderings."""
    return stem.translate(_ROMAN)


@lru_cache(maxsize=1 << 18)
def rendering_key(word: str) -> str:
    """House-style-insensitive key of an English rendering: ``al-Hashimi's`` → ``hashimi``."""
    w = _EN_ARTICLE_RE.sub("", word.lower())
    return _NOT_LETTER_RE.sub("", re.sub(r"['’]s$", "", w))


@lru_cache(maxsize=1 << 18)
def probe(stem: str) -> tuple[tuple[str, ...], str]:
    """(consonant keys, romanisation) of a mention's stem (its last word for a compound)."""
    last = stem.rsplit(" ", 1)[-1]
    return arabic_keys(last), romanize(last)


def align(mentions: Sequence[Mention], names: Mapping[str, list[tuple[int, int, str]]],
          min_score: float = 50.0) -> list[tuple[int, int, str] | None]:
    """Assign each mention of one segment at most one English word of ``names`` (from
    :func:`english_names` of one translation), best romanisation similarity first; each
    word serves one mention."""
    from rapidfuzz.fuzz import ratio

    out: list[tuple[int, int, str] | None] = [None] * len(mentions)
    if not names:
        return out
    cands: list[tuple[float, int, tuple[int, int, str]]] = []
    for i, m in enumerate(mentions):
        keys, roman = probe(m.stem)
        for key in keys:
            for word in names.get(key, ()):
                score = ratio(roman, rendering_key(word[2]))
                if score >= min_score:
                    cands.append((score, i, word))
    used: set[int] = set()
    for score, i, word in sorted(cands, key=lambda c: -c[0]):
        if out[i] is None and word[0] not in used:
            out[i] = word
            used.add(word[0])
    return out
