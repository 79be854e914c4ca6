"""Name mentions and variant groups (mtreview.arabic.names)."""

from __future__ import annotations

import pytest

from mtreview.arabic.names import (
    NameFinder,
    align,
    arabic_keys,
    english_names,
    group_stems,
    latin_key,
    rendering_key,
)
from mtreview.arabic.normalize import analyse
from mtreview.arabic.sentences import split_article
from mtreview.paths import SAMPLE_REFERENCE, SAMPLE_SOURCE


def _stem(word: str) -> str:
    return analyse(word).stem


@pytest.mark.parametrize("a, b", [("الهاشمي", "هاشيمي"), ("العبادي", "العبادى"),
                                  ("بارزاني", "بارزانى"), ("كارولاينا", "كارولينا"),
                                  ("مونتيفيديو", "مونتفيديو")])
def test_variants_merge(a, b):
    groups = group_stems([_stem(a), _stem(b)])
    assert groups[_stem(a)] == groups[_stem(b)]


@pytest.mark.parametrize("a, b", [("هشام", "هاشم"), ("محمد", "محمود"), ("عمر", "عمرو"),
                                  ("سعد", "سعيد"), ("سلمان", "سليمان"), ("حسن", "حسين")])
def test_different_names_do_not_merge(a, b):
    groups = group_stems([_stem(a), _stem(b)])
    assert groups[_stem(a)] != groups[_stem(b)]


def test_english_evidence_vetoes_a_merge():
    stems = [_stem("هاربر"), _stem("هاربور")]
    assert len(set(group_stems(stems).values())) == 1
    evidence = {stems[0]: {"harper"}, stems[1]: {"harbor"}}
    assert len(set(group_stems(stems, evidence).values())) == 2


def test_grouping_many_unique_forms_is_blocked_by_skeleton():
    stems = [f"{_stem('هاشمي')}{i}" for i in range(3)] + [_stem("هاشيمي"), _stem("هاشمي")]
    groups = group_stems(stems)
    assert groups[_stem("هاشيمي")] == groups[_stem("هاشمي")]
    assert len(set(groups.values())) == 4


def test_transliteration_keys_meet():
    assert latin_key("al-Hashimi") == latin_key("Hashemi") == arabic_keys(_stem("هاشيمي"))[0]
    assert latin_key("Hawija") in arabic_keys(_stem("الحويجة"))
    assert latin_key("Barazani") == latin_key("Barzani") == arabic_keys(_stem("بارزاني"))[0]
    assert rendering_key("al-Hashimi's") == rendering_key("Hashimi") == "hashimi"


def _sample():
    return [(i, s.text) for i, s in enumerate(split_article(SAMPLE_SOURCE.read_text("utf-8")), 1)]


def test_sample_article_mentions_without_english():
    mentions = NameFinder().find(_sample())
    forms = {m.form for m in mentions}
    assert {"الهاشمي", "هاشيمي", "هشام", "أبو بكر"} <= forms
    for m in mentions:
        text = dict(_sample())[m.seg_id]
        assert text[m.start:m.end] == m.form
    assert not forms & {"المسؤول", "الاسبوع", "الأسبوع", "في"}


def test_sample_article_mentions_with_reference():
    segs = _sample()
    ref = SAMPLE_REFERENCE.read_text("utf-8").splitlines()
    mentions = NameFinder().find(segs, {i: [r] for i, r in enumerate(ref, 1)})
    forms = {m.form for m in mentions}
    assert {"الهاشمي", "هاشيمي", "الحويجة", "إيران", "ايران"} <= forms
    assert "سوريا" in forms and "وسوريا" not in forms  # و split because Syria aligns


def test_align_gives_each_word_to_one_mention():
    segs = [(1, "وقال هشام الهاشمي إن التقرير مهم.")]
    mentions = NameFinder().find(segs, {1: ["Hisham al-Hashimi said the report was important."]})
    assert [m.form for m in mentions] == ["هشام", "الهاشمي"]
    words = align(mentions, english_names("Hisham al-Hashimi said the report was important."))
    assert [w[2] for w in words] == ["Hisham", "al-Hashimi"]
    only_one = align(mentions, english_names("Al-Hashimi said the report was important."))
    assert only_one[1] is not None and only_one[1][2] == "Al-Hashimi" and only_one[0] is None


@pytest.mark.parametrize("text", ["قال ،ـبكر ومبكرا بكر", "بكرُ بكر، ـًبكر", "ومُحَمَّد محمد مُحَمَّدٌ",
                                  "a بكر-بكر ـ بكر"])
def test_word_spans_agree_with_the_tokeniser(text):
    from mtreview.arabic.names import _nth_span
    from mtreview.arabic.normalize import ARABIC_WORD_RE

    words = ARABIC_WORD_RE.findall(text)
    assert [_nth_span(text, words, i) for i in range(len(words))] == \
        [m.span() for m in ARABIC_WORD_RE.finditer(text)]


def test_english_names_place_words_exactly():
    text = "Hashimite forces met al-Hashimi; McDonald and Donald saw Hashimi."
    names = english_names(text)
    for spans in names.values():
        for start, end, word in spans:
            assert text[start:end] == word
    assert [w for _, _, w in names[latin_key("Hashimi")]] == ["al-Hashimi", "Hashimi"]
    only = english_names(text, keys={latin_key("Donald")})
    assert list(only) == [latin_key("Donald")] and only[latin_key("Donald")][0][2] == "Donald"
