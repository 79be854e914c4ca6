"""``number-mismatch``: numbers of the source and of a translation differ.

Both sides are reduced to values: digits in any script (Eastern Arabic and Persian digits and
the ٫ ٬ separators are folded, see :mod:`mtreview.arabic.normalize`), a comma before exactly
three digits is a thousands separator, spaced groups (116 123) are one number, a following
whole-word multiplier (ألف، مليون، مليار / thousand, million, billion, and £125m, $2bn, 5k)
multiplies, a range's short end is read in the century of its start (1950-53 → 1953), and
number words (:mod:`mtreview.checks.number_words`: أحد عشر مليون, مليوني, بهدفين, half,
a decade) give values too. Markup (``<seg id="1">``) is ignored. A value written in *digits*
on one side must be found among all values of the other side: ١٬٢٠٠ → 1,200 and 45 ألف →
45,000 pass, 1000 → 100 is flagged. Number words only ever satisfy a match; they never raise
a flag on their own (واحد and "one" are too often not numbers), which keeps the check precise.
The message shows whole expressions on both sides: ``10:08 → 10:18``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from mtreview.arabic.normalize import fold_digits, normalize
from mtreview.checks.base import SegmentCheck, register
from mtreview.checks.number_words import arabic_word_values, english_word_values
from mtreview.core.types import Flag, SpanRef

_NOT_AR_LETTER = r"(?![\u0621-\u064a])"  # a multiplier is a whole word (not ألف in الفردية)
_AR_MULTS = "ألفا|الفا|ألف|الف|آلاف|الاف|مليونا|مليون|ملايين|مليارات|مليار|بليون|تريليون"
_SPACED = r"(?:[ \u00a0\u202f\u2009]\d{3}(?!\d|[.,]\d))*"  # 116 123: thousands groups by spaces
AR_NUM_RE = re.compile(r"\d+(?:(?:[.,]|،(?=\d{3}(?!\d)))\d+)*" + _SPACED +
                       rf"(?:\s*(?P<mult>{_AR_MULTS}){_NOT_AR_LETTER})?")
EN_NUM_RE = re.compile(r"\d+(?:[.,]\d+)*" + _SPACED +
                       r"(?:\s*\+?\s*(?P<mult>thousand|million|billion|trillion|bn)\b"
                       r"|(?P<abbr>m|bn|k|tn)\b)?", re.IGNORECASE)
TIME_RE = re.compile(r"\b([01]?\d|2[0-3])[:،] ?([0-5]\d)\b")  # 15:00, and 15،00 in Arabic
FRACTION_RE = re.compile(r"(?<![\d/])([1-9])/([2-9]|10)(?![\d/])")  # 2/3 (not 24/7, 9/11)
AR_MULT_RE = re.compile(rf"[\d٠-٩۰-۹]\s*(?:{_AR_MULTS}){_NOT_AR_LETTER}")
_ABBR_RE = re.compile(r"\d(?:bn|tn|[mkMK])\b")  # £125m, $2bn, 5k
_RUN_RE = re.compile(r"\d+(?:[.,،]\d{3}(?!\d))*")  # thousands groups joined: 1,000 = 1000
_SEP_RE = re.compile("[.,،  \u00a0\u202f\u2009]")
_MARKUP_RE = re.compile(r"</?[A-Za-z][^<>\n]{0,80}>")
_RANGE_RE = re.compile(r"((?:1[0-9]|20)\d\d)\s?[-–—]\s?$")  # "1950-" before a two-digit end
_EASTERN_RE = re.compile("[\u0660-\u066c\u06f0-\u06f9]")
_CURRENCY = frozenset("£$€¥")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
AR_MULT = {"الف": 1e3, "الاف": 1e3, "الفا": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليونا": 1e6,
           "مليار": 1e9, "مليارات": 1e9, "بليون": 1e9, "تريليون": 1e12}
EN_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9,
           "m": 1e6, "k": 1e3, "tn": 1e12}


def _runs(text: str) -> tuple[str, ...]:
    """The digit runs of a text (any script, thousands separators dropped), sorted."""
    runs = _RUN_RE.findall(text)  # \d is a digit of any script: none here, none once folded
    if not runs:
        return ()
    if not text.isascii() and _EASTERN_RE.search(text):
        runs = _RUN_RE.findall(fold_digits(text))
    return tuple(sorted(r if r.isdigit() else _SEP_RE.sub("", r) for r in runs))


def _has_en_multiplier(text: str) -> bool:
    low = text.lower() if not text.islower() else text
    return "illion" in low or "thousand" in low or _ABBR_RE.search(text) is not None


class Number(NamedTuple):
    value: float
    start: int  # the whole expression (10:08, 1950-53, 125 مليون, £125m)
    end: int
    form: str
    glued: bool = False  # right after a Latin letter (ACE2, B0AT1): matches, never flags
    alts: tuple[float, ...] = ()  # every value the digits may mean (360.000: 360 or 360000)


def _values(digits: str) -> tuple[float, ...]:
    """Readings of a digit string: 1,200 → 1200; 3.5 → 3.5; 360.000 → 360 or 360000
    (a dot before three digits is a thousands separator in much Arabic text); 2,25 → 2.25
    (a comma before one or two digits is a decimal comma); 116 123 → 116123; 1,2,3 → no
    reading (a list)."""
    digits = re.sub(r"[ \u00a0\u202f\u2009]", "", digits)
    if "," not in digits and "." not in digits and "،" not in digits:
        return (float(digits),)
    parts = re.split(r"([.,])", digits.replace("،", ","))
    groups, seps = parts[0::2], parts[1::2]
    out = []
    if all(len(g) == 3 for g in groups[1:]) and len(set(seps)) == 1:
        out.append(float("".join(groups)))  # thousands separators
    if len(seps) == 1:
        out.append(float(f"{groups[0]}.{groups[1]}"))  # a decimal point or comma
    elif seps[-1] == "." and all(x == "," for x in seps[:-1]) and \
            all(len(g) == 3 for g in groups[1:-1]):
        out.append(float("".join(groups[:-1]) + "." + groups[-1]))  # 1,234.5
    return tuple(dict.fromkeys(out))


def strip_markup(text: str) -> str:
    """``text`` with markup tags (``<seg id="1">``) blanked out (offsets kept)."""
    if "<" not in text:
        return text
    return _MARKUP_RE.sub(lambda m: " " * len(m.group()), text)


def digit_numbers(text: str, arabic: bool) -> list[Number]:
    """Numbers written in digits (any script), with a following multiplier word; a clock
    time gives its hour and its minutes, each shown as the whole time."""
    folded = strip_markup(fold_digits(text) if _EASTERN_RE.search(text) else text)
    out = []
    if ":" in folded or "،" in folded:
        for m in TIME_RE.finditer(folded):  # 17:00 → the hour (minutes ":00" say nothing)
            whole = (m.start(), m.end(), text[m.start():m.end()])
            out.append(Number(float(m.group(1)), *whole))
            if m.group(2) != "00":
                out.append(Number(float(m.group(2)), *whole))
        if out:
            folded = TIME_RE.sub(lambda m: " " * len(m.group()), folded)
    if "/" in folded:
        for m in FRACTION_RE.finditer(folded):
            a, b = int(m.group(1)), int(m.group(2))
            if a < b:
                out.append(Number(round(a / b, 6), m.start(), m.end(), text[m.start():m.end()]))
                folded = folded[:m.start()] + " " * (m.end() - m.start()) + folded[m.end():]
    for m in (AR_NUM_RE if arabic else EN_NUM_RE).finditer(folded):
        out.extend(_number(m, text, folded, arabic))
    return out


def _number(m: re.Match[str], text: str, folded: str, arabic: bool) -> Iterable[Number]:
    mult = m.group("mult") or (None if arabic else m.group("abbr"))
    num = m.group()[: m.start("mult" if m.group("mult") else "abbr") - m.start()].rstrip(" +") \
        if mult else m.group()
    values = _values(num)
    if not values:  # 1,2,3: a list, each number on its own
        for g in re.finditer(r"\d+", num):
            s = m.start() + g.start()
            yield Number(float(g.group()), s, s + len(g.group()), g.group())
        return
    before = folded[m.start() - 1] if m.start() > 0 else ""
    start = m.start()
    if mult:
        factor = AR_MULT[normalize(mult)] if arabic else EN_MULT[mult.lower()]
        code = before in "-‐‑"  # كوفيد-19 ألف: no multiplier
        loose = not arabic and m.group("abbr") and before not in _CURRENCY  # 100m: metres?
        values = tuple(v * factor for v in values) + (values if code or loose else ())
    if before in _CURRENCY:
        start -= 1
    if len(num) == 2 and (r := _RANGE_RE.search(folded, 0, m.start())):
        values += (float(r.group(1)[:2] + num),)  # 1950-53: 53 is 1953
        start = r.start()
    alts = tuple(round(v, 6) for v in values)
    yield Number(alts[0], start, m.end(), text[start:m.end()], before in _LATIN, alts)


# a fraction word also stands for its minutes (ربع ساعة = 15 minutes, half an hour = 30) and
# its percentage (النصف = 50 percent)
_MINUTES = {0.5: 30.0, 0.25: 15.0, round(1 / 3, 6): 20.0, round(2 / 3, 6): 40.0}


def matchable(values: set[float]) -> set[float]:
    """``values`` plus the equivalents a translation may legitimately use: 12-hour clock
    hours for 24-hour ones (17 ↔ 5), minutes and percentages for fractions."""
    out = {round(v, 6) for v in values}
    fractions = [v for v in out if 0 < v < 1]
    out |= {_MINUTES[v] for v in fractions if v in _MINUTES}
    out |= {float(round(v * 100)) for v in fractions}
    out |= {v - 12 for v in out if 13 <= v <= 23 and v == int(v)}
    out |= {v + 12 for v in out if 1 <= v <= 11 and v == int(v)}
    return out


def _missing(nums: list[Number], values: set[float]) -> list[Number]:
    values = matchable(values)
    return [n for n in nums if not n.glued and values.isdisjoint(n.alts or (n.value,))]


def _all_values(nums: list[Number]) -> set[float]:
    return {v for n in nums for v in (n.alts or (n.value,))}


def _expressions(nums: list[Number]) -> list[Number]:
    """One number per expression (a time's hour and minutes are one), in text order."""
    return sorted({(n.start, n.end): n for n in nums}.values(), key=lambda n: n.start)


def _times(nums: list[Number], like: list[Number] | None = None) -> list[Number]:
    """The clock times among ``nums`` (those with the hour of a time of ``like``, if any)."""
    times = [n for n in nums if ":" in n.form or "،" in n.form.strip("، ")]
    if like:
        hours = {_hour(n) for n in _times(like)}
        times = [n for n in times if _hour(n) in hours] or times
    return times


def _hour(n: Number) -> int:
    m = TIME_RE.search(fold_digits(n.form))
    return int(m.group(1)) % 12 if m else -1


@register
class NumberMismatch(SegmentCheck):
    id = "number-mismatch"
    severity = "major"
    side = "tgt"
    description = "a number of the source is missing in the translation, or one is added"

    def __init__(self) -> None:
        self._src_cache: dict[str, tuple[list[Number], set[float]]] = {}
        self._words: dict[str, tuple[int, float] | None] = {}
        self._src_words: dict[str, set[float]] = {}
        self._src_plain: dict[str, tuple[str, ...] | None] = {}

    def _plain(self, src: str) -> tuple[str, ...] | None:
        """The source's digit runs, sorted, when no multiplier word scales them: a
        translation with the same runs and no multiplier of its own has every number."""
        if src in self._src_plain:
            return self._src_plain[src]
        runs = _runs(src)  # no digit: no multiplier after one either
        hit = self._src_plain[src] = None if runs and AR_MULT_RE.search(src) else runs
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
        lost, added = _expressions(lost), _expressions(added)
        if _times(added) and not _times(lost):  # show the clock time it replaces
            lost = _expressions(lost + _times(src_nums, added))
        elif _times(lost) and not _times(added):
            added = _expressions(added + _times(tgt_nums, lost))
        src_side = ", ".join(n.form for n in lost)
        tgt_side = ", ".join(n.form for n in added)
        if lost and added:
            message = f"{src_side} → {tgt_side}"
        elif lost:
            message = f"missing in the translation: {src_side}"
        else:
            message = f"not in the source: {tgt_side}"
        spans = [SpanRef(seg_id, "src", n.start, n.end) for n in lost]
        spans += [SpanRef(seg_id, "tgt", n.start, n.end, system) for n in added]
        yield self.flag(seg_id, system, [n.form for n in lost + added], message, spans)
