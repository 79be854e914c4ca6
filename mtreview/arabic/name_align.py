"""Names across the two languages: consonant keys of Arabic stems and English words, the
capitalised words of an English text, and the alignment of Arabic name mentions with their
English renderings (:func:`align`). :func:`rendering_key` folds house style, case and Latin
diacritics (Erdoğan = Erdogan)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtreview.arabic.names import Mention

# Arabic letter → Latin consonant class; letters not listed (vowels, ع, hamza) are dropped
_AR_TO_LATIN = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "غ": "j", "ف": "f",
    "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "پ": "b", "چ": "s", "گ": "j",
}
_EN_DIGRAPHS = (("sh", "s"), ("kh", "k"), ("gh", "j"), ("th", "t"), ("dh", "d"), ("ph", "f"),
                ("ch", "s"), ("ck", "k"), ("dj", "j"))
_EN_MAP = str.maketrans({"q": "k", "c": "k", "g": "j", "v": "f", "p": "b", "x": "ks"})
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
EN_CAPITAL_RE = re.compile("[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f’'\\-]*[A-Za-z\u00c0-\u024f]")
_LOWER_ARTICLES = ("al-", "el-", "al‐", "al‑")


@lru_cache(maxsize=1 << 18)
def latin_key(word: str) -> str:
    """Consonant skeleton of an English (transliterated) word: ``al-Hashimi`` → ``hsm``."""
    w = _EN_ARTICLE_RE.sub("", fold_latin(word).lower())
    w = re.sub(r"['’]s$", "", w)
    for a, b in _EN_DIGRAPHS:
        w = w.replace(a, b)
    return _REPEAT_RE.sub(r"\1", _EN_DROP_RE.sub("", w.translate(_EN_MAP)))


@lru_cache(maxsize=1 << 18)
def arabic_keys(stem: str) -> tuple[str, ...]:
    """Latin consonant skeletons of a normalised Arabic stem (with and without a final ه; a
    final ز also as the English plural s: ليكرز, Lakers)."""
    key = _REPEAT_RE.sub(r"\1", "".join(_AR_TO_LATIN.get(ch, "") for ch in stem.replace(" ", "")))
    if stem.endswith("ه") and key.endswith("h"):
        return (key, key[:-1])
    if key.endswith("z") and len(key) >= 3:
        return (key, key[:-1] + "s")
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
        if word in cache:
            kr = cache[word]
        else:
            kr = cache[word] = _en_word(word)
        if kr is None or (keys is not None and kr[0] not in keys):
            continue
        if start >= 3 and text[start - 3:start] in _LOWER_ARTICLES:
            start -= 3
        out[kr[0]].append((start, end, text[start:end]))
    return out


def aligned(stem: str, caps: Mapping[str, set[str]]) -> str | None:
    """The capitalised English word ``stem`` matches (same consonant key, similar letters)."""
    keys = arabic_keys(stem)
    if len(keys[0]) < 2 or (len(keys[0]) == 2 and len(stem) < 4):
        return None
    roman, best, top = romanize(stem), None, -1.0
    for k in keys:
        for w in caps.get(k, ()):
            score = _likeness(roman, w)
            if score > top or (score == top and best is not None and w > best):
                best, top = w, score  # the highest score; of equals, the greatest word
    return best if top >= (65.0 if len(keys[0]) == 2 else 50.0) else None


@lru_cache(maxsize=1 << 16)
def _likeness(roman: str, word: str) -> float:
    """How alike a romanised stem and a rendering key sound (rapidfuzz ratio, 0–100): the
    same names meet the same English words all through a corpus."""
    from rapidfuzz.fuzz import ratio

    return float(ratio(roman, sounded(word)))


# -- aligning mentions with their English renderings -----------------------------------
_ROMAN = str.maketrans({
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u", "ي": "i",
    "ا": "a", "ى": "a", "ة": "a", "ء": "", " ": "",
})
_NOT_LETTER_RE = re.compile(r"[^a-z]")


_SOUND_EN = str.maketrans("gceoyvpqx", "jkiuifbkk")


@lru_cache(maxsize=1 << 18)
def sounded(word: str) -> str:
    """An English rendering spelled as :func:`romanize` would (Rangers → ranjirs)."""
    return word.translate(_SOUND_EN).replace("z", "s")


@lru_cache(maxsize=1 << 18)
def romanize(stem: str) -> str:
    """A crude romanisation of a normalised stem, for ranking candidate renderings (a first
    و is a w: وارين, Warren)."""
    roman = stem.translate(_ROMAN).replace("gh", "j").replace("z", "s")
    return "w" + roman[1:] if stem[:1] == "و" else roman


@lru_cache(maxsize=1 << 18)
def rendering_key(word: str) -> str:
    """House-style-insensitive key of an English rendering: ``al-Hashimi's`` → ``hashimi``."""
    w = _EN_ARTICLE_RE.sub("", fold_latin(word).lower())
    return _NOT_LETTER_RE.sub("", re.sub(r"['’]s$", "", w))


_LATIN_EXTRA = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss",
                              "đ": "d", "Đ": "D", "æ": "ae", "œ": "oe"})


def fold_latin(word: str) -> str:
    """``word`` without Latin diacritics: Erdoğan → Erdogan, Müller → Muller."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_LATIN_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
    out: list[tuple[int, int, str] | None] = [None] * len(mentions)
    if not names:
        return out
    cands: list[tuple[float, int, tuple[int, int, str]]] = []
    for i, m in enumerate(mentions):
        keys, roman = probe(m.stem)
        for key in keys:
            for word in names.get(key, ()):
                score = _likeness(roman, rendering_key(word[2]))
                if score >= min_score:
                    cands.append((score, i, word))
    used: set[int] = set()
    for score, i, word in sorted(cands, key=lambda c: -c[0]):
        if out[i] is None and word[0] not in used:
            out[i] = word
            used.add(word[0])
    return out
