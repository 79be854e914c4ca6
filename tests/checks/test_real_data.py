"""The checks on real data from ../shared/data through the CLI: MADAR with six LLMs (gemma's
lines 1, 2, 5 and 8 are garbage) and FLORES with BLOOM."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

GEMMA_GARBAGE = {1, 2, 5, 8}


def _flags(d, *extra):
    r = run_cli("check", d, "--format", "jsonl", *extra)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.fixture(scope="module")
def madar_project(tmp_path_factory):
    from tests.conftest import MADAR, need_shared

    m = need_shared(MADAR)
    d = tmp_path_factory.mktemp("madar") / "p"
    assert run_cli("init", d, "--source", m / "source.ar", "--reference", m / "reference.en").returncode == 0
    for f in sorted((m / "systems").glob("*.en")):
        assert run_cli("add-system", d, f.stem, f).returncode == 0
    return d


def test_madar_gemma_garbage_is_flagged(madar_project):
    flags = _flags(madar_project)
    gemma = {s for f in flags if f["system"] == "gemma-3-27b-it" and f["severity"] == "major"
             for s in f["segments"]}
    assert GEMMA_GARBAGE <= gemma
    checks = {f["check"] for f in flags if f["system"] == "gemma-3-27b-it"}
    assert {"wrong-script", "untranslated", "repetition"} <= checks
    # one problem, one item: each garbage line's flags share one group key
    for seg in GEMMA_GARBAGE:
        keys = {f["group"] for f in flags if f["system"] == "gemma-3-27b-it" and f["segments"] == [seg]}
        assert keys == {f"{seg}:gemma-3-27b-it"}
    # precision: the other five systems' outputs are fluent; at most a handful of flags
    others = [f for f in flags if f["system"] not in (None, "gemma-3-27b-it")]
    assert len(others) <= 3, others


@pytest.fixture(scope="module")
def flores_project(tmp_path_factory):
    from tests.conftest import FLORES, need_shared

    fl = need_shared(FLORES)
    d = tmp_path_factory.mktemp("flores") / "p"
    # BLOOM translated the FLORES-101 Arabic
    assert run_cli("init", d, "--source", fl / "ara_flores101.devtest",
                   "--reference", fl / "eng_Latn.devtest").returncode == 0
    assert run_cli("add-system", d, "bloom", fl / "systems" / "bloom-176b-1shot.en").returncode == 0
    return d


def test_flores_bloom_number_errors(flores_project):
    from tests.conftest import FLORES

    flags = _flags(flores_project, "--only", "number-mismatch")
    segs = {f["segments"][0] for f in flags}
    # BLOOM writes 10:18 for ١٠:٠٨ (line 182) and 9:39 for ٠٩:١٩ (line 307)
    hyp = (FLORES / "systems" / "bloom-176b-1shot.en").read_text("utf-8").splitlines()
    assert "10:18" in hyp[181] and "9:39" in hyp[306]
    assert {182, 307} <= segs
    assert len(flags) <= 10, [f["message"] for f in flags]  # 1012 segments: few, precise flags


def test_flores_name_variants_point_at_real_forms(flores_project):
    from tests.conftest import FLORES

    src = (FLORES / "ara_flores101.devtest").read_text("utf-8").splitlines()
    flags = _flags(flores_project, "--only", "name-variant")
    assert flags
    bishkek = [f for f in flags if "بيشكيك" in f["forms"]]
    assert bishkek and {"بيشكك", "بشكيك"} <= set(bishkek[0]["forms"])
    for f in flags:
        assert len(set(f["forms"])) >= 2
        for s in f["spans"]:
            assert src[s["seg_id"] - 1][s["start"]:s["end"]] in f["forms"]


def test_two_workers_give_the_same_flags(flores):
    from mtreview.checks import CheckInput, run_checks

    src = (flores / "ara_flores101.devtest").read_text("utf-8").splitlines()[:300]
    bloom = (flores / "systems" / "bloom-176b-1shot.en").read_text("utf-8").splitlines()[:300]
    ref = (flores / "eng_Latn.devtest").read_text("utf-8").splitlines()[:300]
    serial = run_checks(CheckInput.from_lists(src, {"bloom": bloom, "ref": ref}))
    forked = run_checks(CheckInput.from_lists(src, {"bloom": bloom, "ref": ref}), workers=2, min_size=0)
    assert serial and forked == serial


def test_word_spans_agree_with_the_tokeniser_on_flores(flores):
    from mtreview.arabic.names import _nth_span
    from mtreview.arabic.normalize import ARABIC_WORD_RE

    for text in (flores / "arb_Arab.devtest").read_text("utf-8").splitlines()[:400]:
        words = ARABIC_WORD_RE.findall(text)
        assert [_nth_span(text, words, i) for i in range(len(words))] == \
            [m.span() for m in ARABIC_WORD_RE.finditer(text)]


def test_flores_bloom_names_kennedy_for_nixon(flores_project):
    flags = _flags(flores_project, "--only", "name-reference")
    (nixon,) = [f for f in flags if f["segments"] == [571]]
    assert "Kennedy" in nixon["message"] and "Nixon" in nixon["message"]
    assert nixon["severity"] == "major" and nixon["system"] == "bloom"


def test_flores_bloom_replacement_is_the_run_of_the_first_name(flores_project):
    """The name that stands in is the one beside the name's companion word (Adam Werritty
    for Adam Cuerden, Maciej Krzysztof for Maciej Krezel), not the nearest capitalised word."""
    flags = {f["segments"][0]: f for f in _flags(flores_project, "--only", "name-reference")}
    assert "Werritty" in flags[86]["message"] and "House" not in flags[86]["message"]
    assert "Krzysztof" in flags[204]["message"] and "Anna" not in flags[204]["message"]


def test_flores40_a_misspelled_name_is_not_another_name(flores40, tmp_path):
    """OPUS-MT mul-eng writes "Iyod Or" for Ehud Ur (FLORES 2): a misspelling, which
    name-dropped reports as one; name-reference (another entity, major) stays silent there
    but still names Trump's replacement at 26."""
    d = tmp_path / "p"
    assert run_cli("init", d, "--source", flores40["src"], "--reference",
                   flores40["ref"]).returncode == 0
    for name in ("opus-mt-2021", "opus-mt-big-2022", "opus-mt-mul-2020"):
        assert run_cli("add-system", d, name, flores40[name]).returncode == 0
    flags = [f for f in _flags(d) if f["system"] == "opus-mt-mul-2020"]
    at2 = {(f["check"], f["message"].split(" as ")[-1].split(",")[0]) for f in flags
           if f["segments"] == [2]}
    assert ("name-dropped", "Iyod Or") in at2
    assert not any(check == "name-reference" for check, _ in at2), at2
    assert any(f["check"] == "name-reference" and "Trump" in f["message"] for f in flags
               if f["segments"] == [26])
