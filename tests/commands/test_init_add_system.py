"""init / add-system / status through the real CLI, on FLORES + BLOOM and the sample."""

import json

import pytest

from mtreview import paths
from tests.conftest import FLORES, need_shared, run_cli, store_dump

dump = store_dump


@pytest.fixture
def flores_project(tmp_path):
    fl = need_shared(FLORES)
    d = tmp_path / "fl"
    r = run_cli("init", d, "--source", fl / "arb_Arab.devtest", "--reference",
                fl / "eng_Latn.devtest")
    assert r.returncode == 0, r.stderr
    r = run_cli("add-system", d, "bloom", fl / "systems" / "bloom-176b-1shot.en")
    assert r.returncode == 0, r.stderr
    return d


def test_flores_bloom_status(flores_project):
    r = run_cli("status", flores_project, "--json")
    info = json.loads(r.stdout)
    assert info["segments"] == 1012 and info["references"] == 1
    (bloom,) = info["systems"]
    assert bloom["name"] == "bloom" and bloom["translations"] == 1012 and bloom["complete"]
    assert len(bloom["provenance"]["sha256"]) == 64
    text = run_cli("status", flores_project).stdout
    assert "1012 translations" in text and "sha256" in text


def test_segment_id_is_line_number(flores_project):
    from mtreview.core.project import Project

    lines = (FLORES / "arb_Arab.devtest").read_text(encoding="utf-8").split("\n")
    hyps = (FLORES / "systems" / "bloom-176b-1shot.en").read_text(encoding="utf-8").split("\n")
    with Project.open(flores_project) as p:
        assert p.store.segment(777).source == lines[776]
        assert p.store.translations("bloom")[777] == hyps[776]


def test_split_sentences_records_documents_and_paragraphs(tmp_path):
    d = tmp_path / "sample"
    r = run_cli("init", d, "--source", paths.SAMPLE_SOURCE, "--split-sentences",
                "--reference", paths.SAMPLE_REFERENCE)
    assert r.returncode == 0, r.stderr
    from mtreview.core.project import Project

    with Project.open(d) as p:
        segs = p.store.segments()
        assert [s.id for s in segs] == list(range(1, 18))
        assert {s.doc_id for s in segs} == {"hawija-surrender"}
        assert [s.para_id for s in segs][:9] == [1, 2, 3, 4, 5, 6, 7, 7, 8]
        assert p.store.references()[6] == ['Hashimi told Reuters: "They no longer believe in '
                                           'the cause.']


BAD_CASES = {
    "line-count mismatch": lambda tmp: _write(tmp, "short.en", "only one line\n"),
    "invalid UTF-8": lambda tmp: _write_bytes(tmp, "bad.en", b"ok\n" * 1011 + b"\xc3\x28\n"),
    "empty file": lambda tmp: _write(tmp, "empty.en", ""),
    "missing file": lambda tmp: tmp / "nope.en",
}


def _write(tmp, name, text):
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def _write_bytes(tmp, name, data):
    p = tmp / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_add_system_bad_input_changes_nothing(flores_project, tmp_path, case):
    before = dump(flores_project)
    bad = BAD_CASES[case](tmp_path)
    r = run_cli("add-system", flores_project, "other", bad)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("mtreview: error:"), r.stderr
    assert dump(flores_project) == before


def test_duplicate_system_name_changes_nothing(flores_project):
    before = dump(flores_project)
    r = run_cli("add-system", flores_project, "bloom",
                FLORES / "systems" / "bloom-176b-1shot.en")
    assert r.returncode == 2 and "already exists" in r.stderr and r.stderr.count("\n") == 1
    assert dump(flores_project) == before


def test_not_a_project(tmp_path):
    (tmp_path / "plain").mkdir()
    r = run_cli("add-system", tmp_path / "plain", "x", paths.SAMPLE_REFERENCE)
    assert r.returncode == 2 and "not an mtreview project" in r.stderr
    assert r.stderr.count("\n") == 1
    assert list((tmp_path / "plain").iterdir()) == []
    r = run_cli("status", tmp_path / "missing")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_init_bad_inputs_leave_no_directory(tmp_path):
    bad = _write_bytes(tmp_path, "bad.ar", b"\xff\n")
    for args in (["--source", bad], ["--source", tmp_path / "nope.ar"],
                 ["--source", paths.SAMPLE_SOURCE, "--reference", paths.SAMPLE_REFERENCE],
                 []):
        r = run_cli("init", tmp_path / "proj", *args)
        assert r.returncode == 2, (args, r.stdout)
        assert r.stderr.count("\n") == 1, r.stderr
        assert not (tmp_path / "proj").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ar"]  # no temporary leftovers


def test_init_refuses_existing_project(tmp_path):
    d = tmp_path / "p"
    assert run_cli("init", d, "--source", paths.SAMPLE_REFERENCE).returncode == 0
    before = dump(d)
    r = run_cli("init", d, "--source", paths.SAMPLE_REFERENCE)
    assert r.returncode == 2 and "already exists" in r.stderr
    assert dump(d) == before


def test_usage_error_is_one_line():
    r = run_cli("add-system")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_python_m_and_console_script_agree():
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "mtreview"
    assert exe.exists(), "the mtreview console script is installed"
    a = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    b = run_cli("--version")
    assert a.stdout == b.stdout and "mtreview" in a.stdout


def test_init_from_wmt_mqm_positional_file(tmp_path):
    from mtreview.core.project import Project
    from mtreview.core.types import ErrorSpan, Review

    d = tmp_path / "p"
    assert run_cli("init", d, "--source", paths.SAMPLE_SOURCE, "--split-sentences").returncode == 0
    assert run_cli("add-system", d, "human", paths.SAMPLE_REFERENCE).returncode == 0
    with Project.open(d) as p:
        p.store.save_review(Review(6, "human", "amal", "mqm", None,
                                   (ErrorSpan(0, 7, "major", "Accuracy/Mistranslation"),)))
    tsv = tmp_path / "mqm.tsv"
    r = run_cli("export", d, tsv, "--format", "wmt-mqm")
    assert r.returncode == 0, r.stderr
    r = run_cli("init", tmp_path / "q", "--from", "wmt-mqm", tsv)
    assert r.returncode == 0, r.stderr
    with Project.open(tmp_path / "q") as q:
        (rev,) = [x for x in q.store.reviews() if x.spans]
        assert rev.spans[0].severity == "major" and rev.spans[0].end - rev.spans[0].start == 7
    r = run_cli("init", tmp_path / "z", "--from", "wmt-mqm", tsv, "extra")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
