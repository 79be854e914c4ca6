"""``number-mismatch``: numbers of the source and of a translation differ.

Both sides are reduced to values: digits in any script (Eastern Arabic and Persian digits and
the ٫ ٬ separators are folded, see :mod:`mtreview.arabic.normalize`), a comma before exactly
three digits is a thousands separator, a following multiplier (ألف، مليون، مليار / thousand,
million, billion) multiplies, and number words (خمسة وسبعون / seventy-five, ordinals, duals)
give values too. A value written in *digits* on one side must be found among all values of
the other side: ١٬٢٠٠ → 1,200 and 45 ألف → 45,000 pass, 1000 → 100 is flagged. Number words
only ever satisfy a match; they never raise a flag on their own (واحد and "one" are too often
not numbers), which keeps the check precise.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from mtreview.arabic.normalize import ARABIC_WORD_RE, analyse, fold_digits, normalize
from mtreview.checks.base import SegmentCheck, register
from mtreview.core.types import Flag, SpanRef

_NUM = r"\d+(?:[.,]\d+)*"
AR_NUM_RE = re.compile(r"\d+(?:(?:[.,]|،(?=\d{3}(?!\d)))\d+)*" + r"(?:\s*(?P<mult>ألف|الف|آلاف|الاف|ألفا|الفا|مليون|ملايين|مليونا|مليار|مليارات|بليون))?")
EN_NUM_RE = re.compile(_NUM + r"(?:\s*\+?\s*(?P<mult>thousand|million|billion|bn)\b)?", re.IGNORECASE)

TIME_RE = re.compile(r"\b([01]?\d|2[0-3])[:،] ?([0-5]\d)\b")  # 15:00, and 15،00 in Arabic
AR_MULT_RE = re.compile(r"[\d٠-٩۰-۹]\s*(?:ألف|الف|آلاف|الاف|مليون|ملايين|مليار|بليون)")
EN_MULT_RE = re.compile(r"thousand|million|billion|bn\b", re.IGNORECASE)
_RUN_RE = re.compile(r"\d+(?:[.,،]\d{3}(?!\d))*")  # thousands groups joined: 1,000 = 1000


def _runs(text: str) -> tuple[str, ...]:
    """The digit runs of a text (any script, thousands separators dropped), sorted."""
    if _EASTERN_RE.search(text):
        text = fold_digits(text)
    runs = _RUN_RE.findall(text)
    return tuple(sorted(r if r.isdigit() else _SEP_RE.sub("", r) for r in runs))


_SEP_RE = re.compile("[.,،]")


def _has_en_multiplier(text: str) -> bool:
    low = text.lower() if not text.islower() else text
    return ("illion" in low or "thousand" in low or "bn" in low) and EN_MULT_RE.search(text) is not None
AR_MULT = {"الف": 1e3, "الاف": 1e3, "الفا": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليونا": 1e6,
           "مليار": 1e9, "مليارات": 1e9, "بليون": 1e9}
EN_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}

_AR_UNITS = {
    "صفر": 0, "حادي": 1, "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1, "اثنا": 2, "اثنتا": 2, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثه": 3,
    "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7,
    "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
    "مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتين": 200, "مائتان": 200,
    "الف": 1000, "الفين": 2000, "الفان": 2000, "مليون": 1e6, "مليار": 1e9,
    # ordinals and duals count for matching only, like every number word
    "اول": 1, "اولي": 1, "ثاني": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3, "رابع": 4, "رابعه": 4,
    "خامس": 5, "خامسه": 5, "سادس": 6, "سادسه": 6, "سابع": 7, "سابعه": 7, "ثامن": 8, "ثامنه": 8,
    "تاسع": 9, "تاسعه": 9, "عاشر": 10, "عاشره": 10, "نصف": 0.5, "ربع": 0.25, "ثلث": 1 / 3,
    "يومين": 2, "اسبوعين": 2, "شهرين": 2, "عامين": 2, "سنتين": 2, "ساعتين": 2, "دقيقتين": 2,
    "مرتين": 2, "ليلتين": 2,
}
_AR_TENS = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
            "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
            "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90}
_AR_DECADES = {normalize(k): v for k, v in (
    ("عشرينيات", 20), ("ثلاثينيات", 30), ("أربعينيات", 40), ("خمسينيات", 50), ("ستينيات", 60),
    ("سبعينيات", 70), ("ثمانينيات", 80), ("تسعينيات", 90))}
_EN_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_EN_WORDS.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                  "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1e6,
                  "billion": 1e9, "dozen": 12, "half": 0.5, "quarter": 0.25, "once": 1, "twice": 2,
                  "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                  "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "both": 2, "pair": 2,
                  "single": 1, "a": 1, "an": 1, "couple": 2})
_DIGIT_RE = re.compile(r"\d")


class Number(NamedTuple):
    value: float
    start: int
    end: int
    form: str
    glued: bool = False  # right after a Latin letter (ACE2, B0AT1): matches, never flags
    alts: tuple[float, ...] = ()  # every value the digits may mean (360.000: 360 or 360000)


def _values(digits: str) -> tuple[float, ...]:
    """Readings of a digit string: 1,200 → 1200; 3.5 → 3.5; 360.000 → 360 or 360000
    (a dot before three digits is a thousands separator in much Arabic text); 2,25 → 2.25
    (a comma before one or two digits is a decimal comma); 1,2,3 → no reading (a list)."""
    if "," not in digits and "." not in digits and "،" not in digits:
        return (float(digits),)
    parts = re.split(r"([.,])", digits.replace("،", ","))
    groups, seps = parts[0::2], parts[1::2]
    if not seps:
        return (float(digits),)
    out = []
    if all(len(g) == 3 for g in groups[1:]) and len(set(seps)) == 1:
        out.append(float("".join(groups)))  # thousands separators
    if len(seps) == 1:
        out.append(float(f"{groups[0]}.{groups[1]}"))  # a decimal point or comma
    elif seps[-1] == "." and all(x == "," for x in seps[:-1]) and \
            all(len(g) == 3 for g in groups[1:-1]):
        out.append(float("".join(groups[:-1]) + "." + groups[-1]))  # 1,234.5
    return tuple(dict.fromkeys(out))


def digit_numbers(text: str, arabic: bool) -> list[Number]:
    """Numbers written in digits (any script), with a following multiplier word."""
    folded = fold_digits(text) if _EASTERN_RE.search(text) else text
    pattern, mults = (AR_NUM_RE, AR_MULT) if arabic else (EN_NUM_RE, EN_MULT)
    out = []
    if ":" in folded or "،" in folded:
        for m in TIME_RE.finditer(folded):  # 17:00 → the hour (minutes ":00" say nothing)
            out.append(Number(float(m.group(1)), m.start(1), m.end(1), text[m.start(1):m.end(1)]))
            if m.group(2) != "00":
                out.append(Number(float(m.group(2)), m.start(2), m.end(2), text[m.start(2):m.end(2)]))
        if out:
            folded = TIME_RE.sub(lambda m: " " * len(m.group()), folded)
    for m in pattern.finditer(folded):
        mult = m.group("mult")
        num = m.group()[: m.start("mult") - m.start()].rstrip(" +") if mult else m.group()
        values = _values(num)
        if not values:  # 1,2,3: a list, each number on its own
            out.extend(Number(float(g), m.start() + g_start, m.start() + g_start + len(g), g)
                       for g, g_start in _groups(num))
            continue
        code = m.start() > 0 and folded[m.start() - 1] in "-‐‑"  # كوفيد-19 ألف: no multiplier
        if mult:
            factor = mults[normalize(mult) if arabic else mult.lower()]
            values = tuple(v * factor for v in values) + (values if code else ())
        glued = m.start() > 0 and folded[m.start() - 1] in _LATIN
        alts = tuple(round(v, 6) for v in values)
        out.append(Number(alts[0], m.start(), m.end(), text[m.start():m.end()], glued, alts))
    return out


def _groups(num: str) -> Iterable[tuple[str, int]]:
    for g in re.finditer(r"\d+", num):
        yield g.group(), g.start()


_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


_EN_LETTERS_RE = re.compile(r"[a-z]+")
_EASTERN_RE = re.compile("[\u0660-\u066c\u06f0-\u06f9]")
_DECADE = object()


def _ar_word_value(word: str) -> float | tuple | None:
    """Value of one Arabic word (with clitics, article, accusative alef), a decade marker, or
    None."""
    n = normalize(word)
    for cand in (n, n[1:] if n[:1] in "وفبل" else "", analyse(word).stem):
        if not cand:
            continue
        base = cand[:-1] if cand.endswith("ا") and cand[:-1] in _AR_UNITS else cand
        v = _AR_UNITS.get(base, _AR_TENS.get(base))
        if v is not None:
            return float(v)
        if base in _AR_DECADES:
            return (_DECADE, _AR_DECADES[base])
    return None


def arabic_word_values(text: str, cache: dict[str, object] | None = None) -> set[float]:
    """Values of Arabic number words: units, tens, 'five and seventy', 'three thousand'.
    ``cache`` (word → value) makes a run cost one dictionary look-up per word."""
    cache = {} if cache is None else cache
    values: set[float] = set()
    prev: float | None = None
    for word in ARABIC_WORD_RE.findall(text):
        v = cache.get(word, _DECADE)
        if v is _DECADE:
            v = cache[word] = _ar_word_value(word)
        if v is None:
            prev = None
            continue
        if isinstance(v, tuple):  # الستينيات: the sixties, 1960s
            d = v[1]
            values.update((d, 1800 + d, 1900 + d, 2000 + d))
            prev = None
            continue
        values.add(v)
        if prev is not None:
            if v == 10 and prev < 10:  # ثلاثة عشر, الثانية عشرة
                values.add(prev + 10)
            elif v in _TENS and prev < 10:  # خمسة وسبعون
                values.add(prev + v)
            elif v >= 100:  # ثلاثة آلاف
                values.add(prev * v)
        prev = v
    return values


_TENS = set(map(float, _AR_TENS.values()))


def english_word_values(text: str) -> set[float]:
    """Values of English number words: 'seventy-five', 'two hundred', 'a thousand'."""
    values: set[float] = set()
    prev: float | None = None
    for word in _EN_LETTERS_RE.findall(text.lower()):
        v = _EN_WORDS.get(word)
        if v is None:
            if word != "and":
                prev = None
            continue
        if word not in ("a", "an"):
            values.add(v)
        if prev is not None:
            values.add(prev * v if v >= 100 else prev + v if prev >= 20 and v < 10 else v)
        prev = v
    for m in _ORDINAL_RE.finditer(text):
        values.add(float(m.group(1)))
    values.update(_ROMAN[m] for m in _ROMAN_RE.findall(text))
    return values


_ROMAN = {r: float(i) for i, r in enumerate(
    "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split(), 1)}
_ROMAN_RE = re.compile(r"\b(" + "|".join(sorted(_ROMAN, key=len, reverse=True)) + r")\b")


_ORDINAL_RE = re.compile(r"(\d+)(?:st|nd|rd|th)\b")


# a fraction word also stands for its minutes (ربع ساعة = 15 minutes, half an hour = 30)
_MINUTES = {0.5: 30.0, 0.25: 15.0, round(1 / 3, 6): 20.0}


def matchable(values: set[float]) -> set[float]:
    """``values`` plus the equivalents a translation may legitimately use: 12-hour clock
    hours for 24-hour ones (17 ↔ 5) and minutes for fractions of an hour."""
    out = {round(v, 6) for v in values}
    out |= {_MINUTES[v] for v in out if v in _MINUTES}
    out |= {v - 12 for v in out if 13 <= v <= 23 and v == int(v)}
    out |= {v + 12 for v in out if 1 <= v <= 11 and v == int(v)}
    return out


def _missing(nums: list[Number], values: set[float]) -> list[Number]:
    values = matchable(values)
    return [n for n in nums if not n.glued and values.isdisjoint(n.alts or (n.value,))]


def _all_values(nums: list[Number]) -> set[float]:
    return {v for n in nums for v in (n.alts or (n.value,))}


@register
class NumberMismatch(SegmentCheck):
    id = "number-mismatch"
    severity = "major"
    side = "tgt"
    description = "a number of the source is missing in the translation, or one is added"

    def __init__(self) -> None:
        self._src_cache: dict[str, tuple[list[Number], set[float]]] = {}
        self._words: dict[str, object] = {}
        self._src_words: dict[str, set[float]] = {}
        self._src_plain: dict[str, tuple[str, ...] | None] = {}

    def _plain(self, src: str) -> tuple[str, ...] | None:
        """The source's digit runs, sorted, when no multiplier word scales them: a
        translation with the same runs and no multiplier of its own has every number."""
        hit = self._src_plain.get(src, False)
        if hit is False:
            hit = self._src_plain[src] = None if AR_MULT_RE.search(src) else _runs(src)
        return hit

    def _source(self, src: str) -> tuple[list[Number], set[float]]:
        hit = self._src_cache.get(src)
        if hit is None:
            nums = digit_numbers(src, arabic=True)
            hit = self._src_cache[src] = (nums, _all_values(nums))
        return hit

    def _source_words(self, src: str) -> set[float]:
        hit = self._src_words.get(src)
        if hit is None:
            hit = self._src_words[src] = arabic_word_values(src, self._words)
        return hit

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        plain = self._plain(src)
        runs = _runs(tgt)
        if not runs and plain == ():
            return  # no digits on either side
        if plain is not None and runs == plain and not _has_en_multiplier(tgt):
            return  # the same digits, nothing scales them
        src_nums, src_values = self._source(src)
        has_digit = bool(runs)
        if not src_nums and not has_digit:
            return
        tgt_nums = digit_numbers(tgt, arabic=False) if has_digit else []
        tgt_values = _all_values(tgt_nums)
        # number words are read only when digits alone leave something unmatched
        lost = _missing(src_nums, tgt_values)
        if lost:
            lost = _missing(lost, tgt_values | english_word_values(tgt))
        added = _missing(tgt_nums, src_values)
        if added:
            added = _missing(added, src_values | self._source_words(src))
        if not lost and not added:
            return
        parts = []
        if lost:
            parts.append("missing in the translation: " + ", ".join(n.form for n in lost))
        if added:
            parts.append("not in the source: " + ", ".join(n.form for n in added))
        spans = [SpanRef(seg_id, "src", n.start, n.end) for n in lost]
        spans += [SpanRef(seg_id, "tgt", n.start, n.end, system) for n in added]
        yield self.flag(seg_id, system, [n.form for n in lost + added], "; ".join(parts), spans)
