"""The checks through the core API (run_checks on a CheckInput): what each flags, and that
spans and forms point at the text exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mtreview.checks import CHECKS, CheckInput, load_checks, run_checks
from mtreview.checks.base import GlossaryEntry
from mtreview.errors import UserError


def _run(sources, systems=None, refs=None, only=None, glossary=None):
    data = CheckInput.from_lists(sources, systems, refs, glossary)
    return data, run_checks(data, only=only)


def _assert_spans_match(data: CheckInput, flags) -> None:
    for f in flags:
        for s in f.spans:
            text = data.source[s.seg_id] if s.side == "src" else data.systems[s.system][s.seg_id]
            assert 0 <= s.start < s.end <= len(text), (f, s)
            if f.check in ("name-variant", "number-mismatch", "untranslated", "wrong-script",
                           "glossary", "name-rendering"):
                assert text[s.start:s.end] in f.forms, (f, s, text[s.start:s.end])


def test_registry_has_the_issue_ids():
    ids = set(load_checks())
    assert {"name-variant", "name-rendering", "number-mismatch", "untranslated", "length-ratio",
            "repetition", "empty", "quote-balance", "glossary", "name-dropped"} <= ids
    for cid, cls in CHECKS.items():
        assert cls.id == cid and cls.severity in ("info", "minor", "major")
        assert cls.side in ("src", "tgt", "cross") and cls.description


def test_name_variant_flag_carries_forms_and_spans():
    data, flags = _run(["وقال هشام الهاشمي الخبير إن التقرير مهم.", "وقال هاشيمي لرويترز إنهم فروا."],
                       only=["name-variant"])
    assert len(flags) == 1
    f = flags[0]
    assert (f.check, f.system, f.segments, set(f.forms)) == ("name-variant", None, (1, 2),
                                                              {"الهاشمي", "هاشيمي"})
    _assert_spans_match(data, flags)


@pytest.mark.parametrize("src, tgt, flagged", [
    ("بلغ عدد المشاركين ١٬٢٠٠ مشارك.", "The participants numbered 1,200.", False),
    ("نزح 45 ألف شخص.", "45,000 people were displaced.", False),
    ("استسلم حوالي 1000 رجل.", "About 100 men surrendered.", True),
    ("التعريفة خمسة وسبعون سنتا.", "The fare is seventy-five cents.", False),
    ("وصل ٣ أشخاص.", "Three people arrived.", False),
    ("وصل ٣ أشخاص.", "Four people arrived.", True),
])
def test_number_mismatch(src, tgt, flagged):
    data, flags = _run([src], {"A": [tgt]}, only=["number-mismatch"])
    assert bool(flags) is flagged
    _assert_spans_match(data, flags)


def test_hamza_seat_variant_needs_the_same_english():
    """ئ/ي inside a name (فائز / فايز) is one name when the English of both segments agrees;
    without English, or with different English, a hamza seat may make another word."""
    src = ["قال الرئيس فائز السراج إن الحكومة ستعمل.", "وأكد فايز السراج ذلك."]
    same = ["President Fayez al-Sarraj said the government would work.",
            "Fayez al-Sarraj confirmed that."]
    data, flags = _run(src, refs=same, only=["name-variant"])
    assert [(f.forms, f.severity) for f in flags] == [(("فائز", "فايز"), "info")]
    assert "orthography" in flags[0].message
    _assert_spans_match(data, flags)
    assert _run(src, only=["name-variant"])[1] == []
    other = ["President Faiz al-Sarraj said the government would work.", same[1]]
    assert _run(src, refs=other, only=["name-variant"])[1] == []
    # the same English from a system output counts as much as a reference
    assert len(_run(src, systems={"A": same}, only=["name-variant"])[1]) == 1


def test_number_flag_points_at_both_sides():
    data, flags = _run(["استسلم ١٠٠٠ رجل في ٥ ايام."], {"A": ["100 men surrendered in 5 days."]},
                       only=["number-mismatch"])
    (f,) = flags
    assert f.forms == ("١٠٠٠", "100") and f.system == "A"
    assert {s.side for s in f.spans} == {"src", "tgt"}
    _assert_spans_match(data, flags)


def test_target_checks_on_one_bad_system():
    src = ["أريد أن أحجز مائدة للعشاء الليلة.", "هل ستفحص الحقائب كل على حدة في الجمرك ؟",
           "وقال “لم يعودوا يؤمنون بالقضية”.", "أحب موسيقى الجاز."]
    good = ["I want to book a table for dinner tonight.", "Will you inspect each bag separately?",
            "He said “they no longer believe in the cause”.", "I love jazz music."]
    bad = ["I want table table table table.", "سا سا سا ساodania", "He said “they no longer believe.", ""]
    data, flags = _run(src, {"good": good, "bad": bad})
    assert not [f for f in flags if f.system == "good"]
    got = {(f.check, f.segments[0]) for f in flags if f.system == "bad"}
    assert {("repetition", 1), ("untranslated", 2), ("repetition", 2), ("quote-balance", 3),
            ("empty", 4)} <= got
    _assert_spans_match(data, flags)


def test_name_rendering_and_house_style():
    src = ["وقال هشام الهاشمي إن التقرير مهم.", "وقال الهاشمي لرويترز إنهم فروا."]
    data, flags = _run(src, {"A": ["Hisham al-Hashimi said the report was important.",
                                   "Hashemi told Reuters they had fled."],
                             "B": ["Hisham al-Hashimi said the report was important.",
                                   "Hashimi told Reuters they had fled."]},
                       only=["name-rendering"])
    assert [(f.system, f.forms[:2]) for f in flags] == [("A", ("al-Hashimi", "Hashemi"))]
    _assert_spans_match(data, flags)


def test_name_dropped_needs_three_systems():
    src = ["وقال مسعود بارزاني إن الاستفتاء سيجري في موعده."]
    systems = {"A": ["Masoud Barzani said the vote is on time."],
               "B": ["Massoud Barzani said the vote will be on time."],
               "C": ["Masoud said the vote is on time."]}
    _, flags = _run(src, systems, only=["name-dropped"])
    assert [(f.system, f.forms[0]) for f in flags] == [("C", "بارزاني")]
    _, flags = _run(src, {k: systems[k] for k in "AC"}, only=["name-dropped"])
    assert flags == []


def test_glossary_check():
    g = [GlossaryEntry("الدولة الإسلامية", ("Islamic State", "IS"), 1)]
    data, flags = _run(["أصدر تنظيم الدولة الاسلامية بيانا.", "وهاجمت الدولة الإسلامية المدينة."],
                       {"A": ["Daesh issued a statement.", "Islamic State attacked the city."]},
                       only=["glossary"], glossary=g)
    assert [(f.segments, f.forms) for f in flags] == [((1,), ("الدولة الاسلامية",))]
    _assert_spans_match(data, flags)


def test_unknown_or_glossary_without_glossary_is_a_user_error():
    data = CheckInput.from_lists(["نص"], {"A": ["text"]})
    with pytest.raises(UserError, match="unknown check id nope"):
        run_checks(data, only=["nope"])
    with pytest.raises(UserError, match="glossary"):
        run_checks(data, only=["glossary"])
    assert "glossary" not in {f.check for f in run_checks(data)}


def test_run_checks_accepts_a_project(tmp_path):
    from mtreview.core.project import Project
    from mtreview.core.types import Document, Segment, System, Translation

    segs = [Segment(1, "d", 1, "استسلم 1000 رجل."), Segment(2, "d", 1, "أحب موسيقى الجاز.")]
    with Project.create(tmp_path / "p", [Document("d", 0)], segs) as project:
        project.store.add_system(System("A", "file"), [Translation("A", 1, "100 men surrendered."),
                                                       Translation("A", 2, "I love jazz.")])
        flags = run_checks(project)
        assert [(f.check, f.segments) for f in flags] == [("number-mismatch", (1,))]
        assert run_checks(project.store) == flags


def _copy(lines: list[str]) -> list[str]:
    return ["".join(list(line)) for line in lines]  # equal texts, other objects


def test_systems_that_agree_get_the_same_flags():
    """Outputs shared by several systems are checked once (numbers, scripts, repetition,
    name alignment): each system still gets every flag of its own, under its name."""
    src = ["أريد أن أحجز مائدة للعشاء الليلة.", "هل ستفحص الحقائب كل على حدة في الجمرك ؟",
           "وقال هشام الهاشمي إن ٣ رجال فروا.", "وقال الهاشمي لرويترز إنهم فروا."]
    a = ["I want table table table table.", "سا سا سا ساodania",
         "Hisham al-Hashimi said 4 men fled.", "Hashemi told Reuters they had fled."]
    b = ["I want to book a table for dinner tonight.", "Will you inspect each bag separately?",
         "Hisham al-Hashimi said 3 men fled.", "Hashimi told Reuters they had fled."]
    data, flags = _run(src, {"A": a, "B": b, "A2": _copy(a), "B2": _copy(b)})
    _, alone = _run(src, {"A": a, "B": b})
    assert {f.check for f in alone if f.system == "A"} >= {"repetition", "untranslated",
                                                           "number-mismatch", "name-rendering"}

    def renamed(f, system):  # the flag as another system's ("A spells …" → "A2 spells …")
        message = f.message.replace(f"{f.system} ", f"{system} ", 1) \
            if f.message.startswith(f"{f.system} ") else f.message
        return replace(f, system=system, message=message, spans=tuple(
            replace(s, system=system) if s.system == f.system else s for s in f.spans))

    for system, twin in (("A", "A2"), ("B", "B2")):
        mine = [f for f in alone if f.system == system]
        assert [renamed(f, twin) for f in mine] == [f for f in flags if f.system == twin]
        assert mine == [f for f in flags if f.system == system]
    _assert_spans_match(data, flags)
