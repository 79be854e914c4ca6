"""Flags → suggested spans without any UI, on hand-made flags, FLORES + BLOOM and the sample
article."""

from __future__ import annotations

from pathlib import Path

from mtreview.arabic.sentences import split_article
from mtreview.checks.base import CheckInput, run_checks
from mtreview.core.types import ErrorSpan, Flag, Review, SpanRef
from mtreview.tui.suggest import edited_origin, pick, suggestions
from tests.conftest import FLORES, need_shared

REPO = Path(__file__).resolve().parents[2]


def flag(check, severity, system, *refs):
    return Flag(check, severity, system, (1,), (), "msg", tuple(refs))


def test_flag_spans_become_suggestions_until_marked_or_dismissed():
    flags = [flag("number-mismatch", "major", "A", SpanRef(1, "tgt", 10, 12, "A"),
                  SpanRef(1, "src", 3, 5, "A")),
             flag("name-rendering", "minor", "A", SpanRef(1, "tgt", 0, 4, "A")),
             flag("name-rendering", "minor", "B", SpanRef(1, "tgt", 0, 4, "B")),
             flag("length-ratio", "minor", "A", SpanRef(1, "tgt", 0, 40, "A")),
             flag("numbers", "major", "A", SpanRef(2, "tgt", 0, 2, "A")),
             flag("name-variant", "minor", None, SpanRef(1, "src", 7, 9, None))]
    got = suggestions(flags, 1, "A", None)
    assert [(s.side, s.start, s.end, s.severity, s.check) for s in got] == [
        ("tgt", 0, 4, "minor", "name-rendering"), ("tgt", 10, 12, "major", "number-mismatch"),
        ("src", 3, 5, "major", "number-mismatch")]
    mqm = suggestions(flags, 1, "A", None, protocol="mqm")
    assert [(s.start, s.category) for s in mqm if s.check == "name-variant"] == [
        (7, "Source error")]
    marked = Review(1, "A", "r", "esa", spans=(ErrorSpan(0, 4, "major"),))
    left = suggestions(flags, 1, "A", marked, dismissed={got[2].key})
    assert [s.start for s in left] == [10]
    assert pick(got, "tgt", 11, 12) is got[1] and pick(got, "tgt", 30, 31) is got[0]
    assert pick(got, "src", 0, 1) is got[2] and pick([], "tgt", 0, 1) is None


def test_accepted_suggestions_carry_their_origin():
    (sug,) = suggestions([flag("untranslated", "major", "A", SpanRef(1, "tgt", 2, 9, "A"))],
                         1, "A", None)
    assert sug.accept() == ErrorSpan(2, 9, "major", "", "tgt", origin="check:untranslated")
    assert sug.accept(protocol="mqm").category == "Accuracy/Untranslated text"
    assert sug.accept(severity="minor").origin == "check:untranslated:edited"
    assert sug.accept(category="Other", protocol="mqm").origin == "check:untranslated:edited"
    assert edited_origin("check:x") == "check:x:edited"
    assert edited_origin("check:x:edited") == "check:x:edited"
    assert edited_origin("reviewer") == "reviewer"


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def _suggested(flags, system, protocol):
    segs = {r.seg_id for f in flags for r in f.spans}
    return [s for seg in sorted(segs)
            for s in suggestions(flags, seg, system, None, protocol=protocol)]


def test_flores_bloom_flags_give_suggestions_on_words():
    root = need_shared(FLORES)
    src = _lines(root / "ara_flores101.devtest")
    bloom = _lines(root / "systems" / "bloom-176b-1shot.en")
    flags = run_checks(CheckInput.from_lists(src, {"bloom": bloom}, _lines(
        root / "eng_Latn.devtest")))
    got = _suggested(flags, "bloom", "esa")
    assert got, "the checks flag words of BLOOM's output"
    for s in got:
        text = (src if s.side == "src" else bloom)[s.seg_id - 1]
        assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end].strip()
        assert s.end - s.start < len(text)  # words, not the whole translation
    assert {s.check for s in got} <= {"number-mismatch", "name-rendering", "name-dropped",
                                     "untranslated", "repetition", "quote-balance",
                                     "glossary"}


def test_sample_article_source_errors_are_suggested_in_mqm():
    sentences = [s.text for s in split_article(
        (REPO / "corpora" / "hawija-surrender.ar.txt").read_text(encoding="utf-8"))]
    english = _lines(REPO / "corpora" / "hawija-surrender.en.txt")
    flags = run_checks(CheckInput.from_lists(sentences, {"ours": english}))
    mqm = _suggested(flags, "ours", "mqm")
    assert mqm and all(s.category == "Source error" and s.side == "src" for s in mqm)
    assert {sentences[s.seg_id - 1][s.start:s.end] for s in mqm} >= {"هاشيمي"}
    assert _suggested(flags, "ours", "esa") == []  # in ESA a source span means an omission
