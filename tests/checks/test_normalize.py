"""Arabic normalisation, on its own (mtreview.arabic.normalize)."""

from __future__ import annotations

import pytest

from mtreview.arabic.normalize import (
    fold_digits,
    is_vowel_variant,
    normalize,
    skeleton,
    split_clitics,
    strip_diacritics,
    tokens,
)


@pytest.mark.parametrize("a, b", [
    ("مُحَمَّدٌ", "محمد"),            # harakat, shadda, tanwin
    ("الـــعـراق", "العراق"),         # tatweel
    ("أحمد", "احمد"), ("إيران", "ايران"), ("آمال", "امال"), ("ٱلله", "الله"),  # alef forms
    ("العبادى", "العبادي"), ("بارزانى", "بارزاني"),  # alef maqsura
    ("الدولة", "الدوله"),             # ta marbuta
    ("مسؤول", "مسوول"), ("هيئة", "هييه"), ("سماء", "سما"),  # hamza carriers, bare hamza
    ("فارسی", "فارسي"),               # Persian yeh
])
def test_orthographic_variants_normalise_equal(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize("a, b", [("هشام", "هاشم"), ("محمد", "محمود"), ("عمر", "عمرو"),
                                  ("سعد", "سعيد"), ("الاسبوع", "الاسبوعين")])
def test_different_words_stay_different(a, b):
    assert normalize(a) != normalize(b)


def test_digits_and_separators_fold_one_to_one():
    assert fold_digits("١٬٢٠٠ و٣٫٥ و۲۰۲۳") == "1,200 و3.5 و2023"
    text = "قتل ١٢ شخصا"
    assert len(fold_digits(text)) == len(text)
    assert normalize("٤٥ ألف") == "45 الف"


def test_strip_diacritics_keeps_letters():
    assert strip_diacritics("إِيرَانُ") == "إيران"


@pytest.mark.parametrize("word, prefix, article, stem", [
    ("الهاشمي", "ال", True, "هاشمي"),
    ("والهاشمي", "وال", True, "هاشمي"),
    ("بالعراق", "بال", True, "عراق"),
    ("للحكومة", "لل", True, "حكومه"),
    ("وللحكومة", "ولل", True, "حكومه"),
    ("فالدولة", "فال", True, "دوله"),
    ("بارزاني", "", False, "بارزاني"),  # ب is part of the name: no article, nothing known
    ("ال", "", False, "ال"),            # too short to be article + stem
])
def test_split_clitics(word, prefix, article, stem):
    a = split_clitics(word)
    assert (a.prefix, a.article, a.stem) == (prefix, article, stem)
    assert word == a.prefix + a.stem_surface


def test_bare_clitic_split_only_for_known_stems():
    assert split_clitics("لرويترز").stem == "لرويترز"
    assert split_clitics("لرويترز", known={"رويترز"}.__contains__).stem == "رويترز"
    assert split_clitics("وسوريا", known={"سوريا"}.__contains__).prefix == "و"
    assert split_clitics("بارزاني", known={"ارزاني"}.__contains__).stem == "ارزاني"  # caller's word


def test_prefix_keeps_diacritics_of_the_surface():
    a = split_clitics("وَالْهَاشِمِيُّ")
    assert a.article and a.stem == "هاشمي"
    assert "وَالْهَاشِمِيُّ".startswith(a.prefix) and a.stem_surface.startswith("هَ")


def test_tokens_carry_original_offsets():
    text = "قال هشامُ الهاشمي: 1000 رجل"
    toks = list(tokens(text))
    assert [t.surface for t in toks] == ["قال", "هشامُ", "الهاشمي", "رجل"]
    assert all(text[t.start:t.end] == t.surface for t in toks)


def test_skeleton_and_vowel_variants():
    assert skeleton("هاشمي") == skeleton("هاشيمي")
    assert is_vowel_variant("هاشمي", "هاشيمي")
    assert is_vowel_variant("برزاني", "بارزاني")
    assert not is_vowel_variant("هشام", "هاشم")      # the vowel moved: another name
    assert not is_vowel_variant("محمد", "محمود")     # too short to judge
    assert not is_vowel_variant("عمر", "عمرو")       # final و
    assert not is_vowel_variant("سعد", "سعيد")
    assert not is_vowel_variant("هاشمي", "هاشمية")   # ه is no long vowel


@pytest.mark.parametrize("word, form", [("والهاشمي", "الهاشمي"), ("للحكومة", "حكومة"),
                                        ("وَالْهَاشِمِي", "الْهَاشِمِي"), ("الهاشمي", "الهاشمي"),
                                        ("هاشيمي", "هاشيمي")])
def test_article_surface(word, form):
    assert split_clitics(word).article_surface == form
