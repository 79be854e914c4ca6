"""mtreview.arabic.display: logical → visual / shaped lines for terminals.

Oracles are the libraries themselves (python-bidi's reordering, arabic-reshaper's shaping)
and properties of the output, never strings produced by our own code.
"""

from __future__ import annotations

import unicodedata

import pytest
from arabic_reshaper import ArabicReshaper
from bidi import get_display

from mtreview import paths
from mtreview.arabic.display import (
    ELLIPSIS,
    MODES,
    cell_width,
    cut,
    display,
    display_line,
    display_lines,
    wrap,
)

MIRROR = str.maketrans("()[]{}<>", ")(][}{><")


def _marks(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) == "Mn"]


def test_brackets_are_mirrored_on_rtl_runs():
    text = "قال المتحدث (محمد الهاشمي) إن [القوات] دخلت {المدينة}"
    raw = get_display(text, base_dir="R")  # python-bidi reorders but does not mirror
    assert display(text, mode="visual") == raw.translate(MIRROR)
    shown = display(text, mode="visual")
    # the reversed name sits between an opening bracket on its left and a closing one
    name = "يمشاهلا دمحم"
    at = shown.index(name)
    assert shown[at - 1] == "(" and shown[at + len(name)] == ")"


def test_numbers_inside_arabic_keep_their_digit_order():
    text = "قتل 25 شخصا في عام 2017 وجرح 3.5 بالمئة"
    shown = display(text, mode="visual")
    for number in ("25", "2017", "3.5"):
        assert number in shown
    # right-to-left: the first number of the sentence is the rightmost
    assert shown.index("25") > shown.index("2017") > shown.index("3.5")


def test_mixed_arabic_and_latin():
    text = "استخدم Google Translate لترجمة النص"
    shown = display(text, mode="visual")
    assert "Google Translate" in shown
    first_word = "استخدم"[::-1]
    assert shown.rstrip().endswith(first_word)  # the first Arabic word is on the right
    assert shown.index("Google") < shown.index(first_word)
    # an English paragraph with an Arabic word stays left to right
    english = "He said (مرحبا) twice"
    line = display_line(english, mode="visual")
    assert not line.rtl
    assert line.text.startswith("He said (") and line.text.endswith(") twice")
    assert "ابحرم" in line.text


def test_marks_stay_on_their_letter():
    text = "مُحَمَّدٌ رَسُولُ اللَّهِ"
    for mode in ("visual", "shaped"):
        line = display_line(text, mode=mode)
        assert sorted(_marks(line.text)) == sorted(_marks(text))  # harakat kept
        for pos, ch in enumerate(line.text):
            if unicodedata.category(ch) != "Mn":
                continue
            # walk left over the marks of this cluster to the letter carrying them
            base = pos - 1
            while unicodedata.category(line.text[base]) == "Mn":
                base -= 1
            assert base >= 0 and line.text[base] != " "
            src_letter, src_mark = line.logical[base], line.logical[pos]
            assert src_letter < src_mark
            assert all(unicodedata.category(c) == "Mn" for c in text[src_letter + 1:src_mark + 1])


def test_shaped_matches_arabic_reshaper_then_python_bidi():
    reshaper = ArabicReshaper({"delete_harakat": False, "ARABIC LIGATURE ALLAH": False})
    text = "السلام عليكم، قالت الأمم المتحدة إن لا تفاوض مع إيران"
    expected = get_display(reshaper.reshape(text), base_dir="R")
    assert display(text, mode="shaped") == expected
    shown = display(text, mode="shaped")
    assert not any("\u0621" <= c <= "\u064a" for c in shown)  # every letter got a form
    assert "\ufefb" in shown  # lam-alef ligature of لا


def test_truncation_happens_before_reordering():
    text = "الأولى الثانية الثالثة الرابعة الخامسة السادسة"
    width = 24
    for mode in MODES:
        line = display_line(text, width, mode)
        assert cell_width(line.text) == width  # right-aligned to the column
        assert ELLIPSIS in line.text
    shown = display(text, width, "visual")
    # the logical start survives (on the right), the logical end is cut (ellipsis on the left)
    assert shown.rstrip().endswith("الأولى"[::-1])
    assert "السادسة"[::-1] not in shown
    assert shown.lstrip().startswith(ELLIPSIS)
    # cutting after reordering would have kept the end of the sentence instead
    assert "السادسة"[::-1] in get_display(text, base_dir="R")[:width]
    # a letter is never separated from its harakat by a cut
    assert _marks(cut("مُحَمَّدٌ", 3)) == _marks("مُحَ")


def test_logical_mode_keeps_the_text_and_right_aligns():
    text = "قال (محمد) 25"
    line = display_line(text, 20, "logical")
    assert line.text == " " * (20 - cell_width(text)) + text
    assert line.logical[-len(text):] == tuple(range(len(text)))
    assert display_line("plain English", 20, "logical").text == "plain English"
    with pytest.raises(ValueError):
        display_line(text, 20, "sideways")


def test_wrap_then_display_each_line_on_the_sample_article():
    source = paths.SAMPLE_SOURCE.read_text(encoding="utf-8")
    paragraph = max(source.splitlines(), key=len)
    width = 30
    ranges = wrap(paragraph, width)
    assert len(ranges) > 1
    covered = "".join(paragraph[a:b] for a, b in ranges)
    assert covered.replace(" ", "") == paragraph.replace(" ", "")
    lines = display_lines(paragraph, width, "shaped")
    assert all(cell_width(dl.text) == width for dl in lines)
    shown = {i for dl in lines for i in dl.logical if i >= 0}
    letters = {i for i, c in enumerate(paragraph) if c != " "}
    # every letter is shown, except the alef folded into a lam-alef ligature
    missing = letters - shown
    assert all(paragraph[i] in "اآأإ" and paragraph[i - 1] == "ل" for i in missing)


# -- issue 12, item 16 -------------------------------------------------------------------
def _unshaped_letters(text: str) -> list[str]:
    return [c for c in text if "\u0621" <= c <= "\u064a"]


def test_one_zero_width_joiner_keeps_the_rest_of_the_line_joined():
    text = "مرحبا\u200dبكم في المدينة القديمة"
    shown = display(text, mode="shaped")
    assert not _unshaped_letters(shown), shown
    # every word away from the joiner is shaped as the library shapes it without one
    reshaper = ArabicReshaper({"delete_harakat": False, "support_ligatures": False})
    for word in ("المدينة", "القديمة"):
        assert get_display(reshaper.reshape(word), base_dir="R") in shown


def test_emoji_zwj_sequences_stay_in_order_on_right_to_left_lines():
    coder, family = "👩\u200d💻", "👨\u200d👩\u200d👧"
    for mode in ("visual", "shaped"):
        shown = display(f"مبرمجة {coder} مع {family} اليوم", mode=mode)
        assert coder in shown and family in shown, shown
    flag = "\U0001f1f8\U0001f1e6"  # a flag is two letters that must not swap
    assert flag in display(f"العلم {flag} هنا", mode="visual")


def test_a_translation_starting_with_arabic_is_a_left_to_right_paragraph():
    from mtreview.tui.widgets.translation_card import card_block

    text = "مرحبا means hello in Arabic"
    _box, body = card_block(text, 60, "shaped", [], "System A", None, "esa", False)
    line = body.plain.split("\n")[0]
    assert line.endswith("means hello in Arabic"), line  # base direction left to right
    assert not line.startswith(" ")  # not right-aligned
    assert line.startswith(display("مرحبا", mode="shaped"))
    # the Arabic source stays a right-to-left paragraph
    from mtreview.tui.widgets.source_view import source_block

    _box, src = source_block("ذهب الولد إلى المدرسة", 60, "shaped", [], "source")
    assert src.plain.startswith(" ") and src.plain.rstrip().endswith(
        display("ذهب", mode="shaped"))


def test_arabic_typed_in_the_prompt_is_shown_shaped_in_reading_order():
    from mtreview.tui.widgets.prompt import PromptLine

    prompt = PromptLine()
    prompt.open("comment", "comment:", mode="shaped")
    for ch in "خطأ في الاسم":
        prompt.insert(ch)
    shown = prompt.shown().plain
    assert not _unshaped_letters(shown), shown
    assert display("خطأ في الاسم", mode="shaped") in shown
    prompt.edit("home")  # the cursor on the first letter typed: the rightmost one
    text = prompt.shown()
    cursor = [s for s in text.spans if s.style and getattr(s.style, "reverse", False)]
    assert cursor and cursor[0].start == len(text.plain.rstrip()) - 1
