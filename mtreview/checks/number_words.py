"""Number words for ``number-mismatch`` (no check here): the values Arabic and English words
stand for. Words only ever *satisfy* a match (واحد and "one" are too often not numbers), so
every plausible reading is returned.

Arabic: units, 11–19 (أحد عشر، اثنتا عشرة), 21–99 (خمسة وسبعون), hundreds (ثلاثمائة، ثلاث
مئة), multipliers up to the billions applied to the whole run before them (أحد عشر مليون =
11,000,000; مائة وخمسون ألفا = 150,000), duals (مليوني = 2,000,000; ألفين; بهدفين, يومين,
دقيقتين = 2: a feminine ـتين/ـتان or a three-letter noun + ـين), ordinals, fractions (نصف،
ثلثي), decades (الستينيات → 60, 1960) and centuries (القرن الواحد والعشرين → 2000).
English: the same ideas ("eleven million", "a decade", "half", ordinals, Roman numerals).
"""

from __future__ import annotations

import re

from mtreview.arabic.normalize import ARABIC_WORD_RE, analyse, normalize

_UNITS: dict[str, float] = {
    "صفر": 0, "حادي": 1, "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1, "اثنا": 2, "اثنتا": 2,
    "اثني": 2, "اثنتي": 2, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3,
    "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7,
    "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
    # ordinals count for matching only, like every number word
    "اول": 1, "اولي": 1, "ثاني": 2, "ثان": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3, "رابع": 4,
    "رابعه": 4, "خامس": 5, "خامسه": 5, "سادس": 6, "سادسه": 6, "سابع": 7, "سابعه": 7,
    "ثامن": 8, "ثامنه": 8, "تاسع": 9, "تاسعه": 9, "عاشر": 10, "عاشره": 10,
    "نصف": 0.5, "ربع": 0.25, "ثلث": 1 / 3, "ثلثي": 2 / 3, "ثلثا": 2 / 3, "عقد": 10,
}
_TENS: dict[str, float] = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
         "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
         "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90}
_HUNDREDS: dict[str, float] = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتين": 200,
             "مائتان": 200, "مئتي": 200, "مائتي": 200}
_HUNDREDS.update({normalize(u) + h: n * 100 for u, n in (
    ("ثلاث", 3), ("أربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9))
    for h in ("مئه", "مائه")})
# multipliers (plural forms too) and their duals (ألفين = 2,000, مليوني = 2,000,000)
_MULTS: dict[str, float] = {"الف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
          "بليون": 1e9, "تريليون": 1e12}
_DUALS: dict[str, float] = {"الفين": 2e3, "الفان": 2e3, "الفي": 2e3, "مليونين": 2e6, "مليونان": 2e6,
          "مليوني": 2e6, "مليارين": 2e9, "ملياران": 2e9, "ملياري": 2e9}
_DECADES = {normalize(k): v for k, v in (
    ("عشرينيات", 20), ("ثلاثينيات", 30), ("أربعينيات", 40), ("خمسينيات", 50), ("ستينيات", 60),
    ("سبعينيات", 70), ("ثمانينيات", 80), ("تسعينيات", 90))}
_UNITS, _TENS, _HUNDREDS, _MULTS, _DUALS = (
    {normalize(k): v for k, v in t.items()} for t in (_UNITS, _TENS, _HUNDREDS, _MULTS, _DUALS))
_TABLES = ((_UNITS, 0), (_TENS, 0), (_HUNDREDS, 0), (_DUALS, 0), (_MULTS, 1), (_DECADES, 2))
_CENTURY = "قرن"
# a word glued to the next after a tanwin (الثانٍالذي): the tanwin ends a word
_TANWIN_GLUE_RE = re.compile("([\u064b-\u064d])(?=[\u0621-\u064a])")

_NUMBER, _MULT, _DECADE, _CENT = 0, 1, 2, 3


def _reading(cand: str) -> tuple[int, float] | None:
    for base in (cand, cand[:-1]) if cand.endswith("ا") else (cand,):  # accusative ثلاثا، ألفا
        for table, kind in _TABLES:
            v = table.get(base)
            if v is not None:
                return kind, float(v)
    if cand == _CENTURY:
        return _CENT, 0.0
    return None


def _is_dual(cand: str) -> bool:
    """A dual noun: a feminine ـتين/ـتان (دقيقتين), a three-letter noun + ـين (هدفين،
    يومين) or a common one (أسبوعين)."""
    return (cand.endswith(("تين", "تان")) and len(cand) >= 5) or cand in _DUAL_NOUNS or \
        (cand.endswith("ين") and len(cand) == 5 and not cand.endswith("يين"))


_DUAL_NOUNS = frozenset(normalize(w) for w in """أسبوعين أسبوعان شهرين شهران عامين عامان
يومين يومان ضعفين جزأين فريقين طرفين شخصين رجلين طفلين بلدين مليونين قرنين عقدين شوطين
هدفين مركزين نوعين""".split())


def _word_reading(word: str) -> tuple[int, float] | None:
    """The reading of one Arabic word (clitics, article, accusative alef allowed)."""
    n = normalize(word)
    cands = [c for c in (n, n[1:] if n[:1] in "وفبل" else "", analyse(word).stem,
                         n[2:] if n[:2] in ("وب", "ول", "فب", "فل") else "") if c]
    for cand in cands:
        r = _reading(cand)
        if r is not None:
            return r
    return (_NUMBER, 2.0) if any(_is_dual(c) for c in cands[1:] or cands) else None


def arabic_word_values(text: str, cache: dict[str, tuple[int, float] | None] | None = None,
                       ) -> set[float]:
    """Every value the Arabic number words of ``text`` may stand for. ``cache`` (word →
    reading) makes a run cost one dictionary look-up per word."""
    cache = {} if cache is None else cache
    if ("\u064b" in text or "\u064c" in text or "\u064d" in text) and \
            _TANWIN_GLUE_RE.search(text):
        text = _TANWIN_GLUE_RE.sub(r"\1 ", text)
    values: set[float] = set()
    run: list[float] = []
    century = False
    for word in ARABIC_WORD_RE.findall(text):
        if word in cache:
            r = cache[word]
        else:
            r = cache[word] = _word_reading(word)
        if r is None or r[0] == _CENT:
            _close(run, values, century)
            run, century = [], r is not None
            continue
        kind, v = r
        if kind == _DECADE:
            values.update((v, 1800 + v, 1900 + v, 2000 + v))
            continue
        if kind == _MULT and not run:
            values.add(v)
        run.append(v)
    _close(run, values, century)
    return values


def _close(run: list[float], values: set[float], century: bool) -> None:
    """Add the values of one run of number words (and its partial sums)."""
    if not run:
        return
    values.update(run)
    for p, v in zip(run, run[1:]):  # pairs: الحادي عشر والثاني عشر → 11, 12
        if p < 10 and (v == 10 or v in _TENS_VALUES):
            values.add(p + v)
        elif v >= 100 and p < 1000:
            values.add(p * v)
    total = cur = 0.0
    for v in run:
        if v >= 1000 and v in _MULT_VALUES:
            cur = (cur or 1.0) * v
            total += cur
            cur = 0.0
        elif v == 100 and 0 < cur < 10:
            cur *= 100
        elif v == 10 and 0 < cur % 100 < 10:  # أحد عشر، الثانية عشرة
            cur += 10
        else:
            cur += v
        values.add(total + cur)
    whole = total + cur
    if century and 1 <= whole <= 21:
        values.add((whole - 1) * 100)  # القرن العشرين → the 1900s


_MULT_VALUES = frozenset(_MULTS.values())
_TENS_VALUES = frozenset(_TENS.values())

_EN_WORDS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_EN_WORDS.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                  "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1e3,
                  "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12, "half": 0.5,
                  "quarter": 0.25, "once": 1, "twice": 2, "first": 1, "second": 2, "third": 3,
                  "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
                  "tenth": 10, "both": 2, "pair": 2, "single": 1, "a": 1, "an": 1, "couple": 2,
                  "decade": 10, "century": 100, "twelfth": 12, "eleventh": 11, "thirds": 2 / 3})
_EN_LETTERS_RE = re.compile(r"[a-z]+")
_ORDINAL_RE = re.compile(r"(\d+)(?:st|nd|rd|th)\b")
_ROMAN = {r: float(i) for i, r in enumerate(
    "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split(), 1)}
_ROMAN_RE = re.compile(r"\b(" + "|".join(sorted(_ROMAN, key=len, reverse=True)) + r")\b")


def english_word_values(text: str) -> set[float]:
    """Values of English number words: 'seventy-five', 'two hundred', 'eleven million'."""
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
