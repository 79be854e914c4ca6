"""number-mismatch on the cases real human translations raise (NTREX-128, FLORES): duals,
whole-word multipliers, currency abbreviations, ranges, spaced groups, decades, fractions,
number words up to the millions, markup; and whole expressions in the message."""

from __future__ import annotations

import pytest

from mtreview.checks import CheckInput, run_checks
from mtreview.checks.number_words import arabic_word_values


def _flags(src: str, tgt: str):
    return run_checks(CheckInput.from_lists([src], {"A": [tgt]}), only=["number-mismatch"])


@pytest.mark.parametrize("src, tgt", [
    ("تعهدت بأنها لن تدخل السباق ما لم تجمع مليوني دولار.", "unless she raised $2 million."),
    ("حتى تحقق التعادل بهدفين مع فياريال.", "until the 2-2 draw with Villarreal."),
    ("بدء المباريات الـ 12 الفردية.", "starting the 12 singles matches."),
    ("مقابل 125 مليون جنيه إسترليني.", "for £125m, three years ago."),
    ("بلغت 3 مليارات دولار.", "reached $3bn."),
    ("الحرب الكورية التي استمرت من 1950 وحتى 1953.", "the 1950-53 Korea War."),
    ("اتصل على الرقم 116123 مجانا.", "call free on 116 123."),
    ("في بداية القرن الواحد والعشرين.", "in the early 2000s."),
    ("أكثر من النصف بصوت واحد.", "50 percent plus one vote."),
    ("مرت أكثر من 10 سنوات.", "It has been a decade."),
    ("يعيش فيها أحد عشر مليون شخص.", "11 million people live there."),
    ('<seg id="1">اعتقال مشتبه به.', "Arrest made."),
    ("عيد ميلاده الثالث والستين.", "his 63rd birthday."),
    ("يتبعها إحساس بالمرض لأسبوعين.", "an approximately 2-week illness."),
    ("خط نورد ستريم الثانٍالذي.", "the Nord Stream 2 pipeline."),
])
def test_equal_numbers_written_differently_are_not_flagged(src, tgt):
    assert _flags(src, tgt) == []


@pytest.mark.parametrize("src, tgt, message", [
    ("في الساعة ١٠:٠٨ صباحا.", "at 10:18 am.", "١٠:٠٨ → 10:18"),
    ("أكثر من 300 ألف تلميذ.", "upwards of 30,000 pupils.", "300 ألف → 30,000"),
    ("وقعت 1197 حالة.", "there had been 1,127 defections.", "1197 → 1,127"),
    ("مقابل 125 مليون جنيه.", "for £12m.", "125 مليون → £12m"),
    ("في 220 شوطا.", "in 220 2/3 innings.", "not in the source: 2/3"),
    ("بلغت 3 مليارات دولار.", "reached $3m.", "3 مليارات → $3m"),
])
def test_changed_numbers_show_whole_expressions(src, tgt, message):
    (f,) = _flags(src, tgt)
    assert f.message == message
    data = CheckInput.from_lists([src], {"A": [tgt]})
    for s in f.spans:
        text = src if s.side == "src" else data.systems["A"][1]
        assert text[s.start:s.end] in f.forms


def test_arabic_number_words_up_to_the_millions():
    assert 11e6 in arabic_word_values("أحد عشر مليون")
    assert 150e3 in arabic_word_values("مائة وخمسون ألفا")
    assert 75 in arabic_word_values("خمسة وسبعون")
    assert 12 in arabic_word_values("اثنتا عشرة")
    assert 300 in arabic_word_values("ثلاثمائة")
    assert 2e6 in arabic_word_values("مليونين")
    assert 2 not in arabic_word_values("الفلسطينيين والمسلمين")  # plurals are not duals
    assert 1000 not in arabic_word_values("المباريات الفردية")
