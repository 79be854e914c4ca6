"""`mtreview check` through the real CLI: the sample article, jsonl/table output, saved flags,
and bad input (one-line error, exit 2, nothing changed)."""

from __future__ import annotations

import json

import pytest

from mtreview import paths
from tests.conftest import run_cli, store_dump


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("check") / "sample"
    r = run_cli("init", d, "--source", paths.SAMPLE_SOURCE, "--split-sentences")
    assert r.returncode == 0, r.stderr
    return d


def _jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_sample_article_hashimi_is_flagged(sample):
    r = run_cli("check", sample, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    flags = _jsonl(r.stdout)
    hashimi = [f for f in flags if f["check"] == "name-variant" and "هاشيمي" in f["forms"]]
    assert len(hashimi) == 1
    f = hashimi[0]
    assert set(f["forms"]) == {"الهاشمي", "هاشيمي"} and f["system"] is None
    assert all(isinstance(s, int) for s in f["segments"]) and f["severity"] and f["message"]
    source = {i: line for i, line in enumerate(_sentences(), 1)}
    for span in f["spans"]:
        assert source[span["seg_id"]][span["start"]:span["end"]] in f["forms"]
    # no source-side flag merges different people or common words
    for g in flags:
        assert not {"هشام", "المسؤول", "الاسبوع"} & set(g["forms"]), g


def _sentences():
    from mtreview.arabic.sentences import split_article

    return [s.text for s in split_article(paths.SAMPLE_SOURCE.read_text("utf-8"))]


def test_flags_are_saved_and_only_replaces_its_own(sample, tmp_path):
    d = tmp_path / "s"
    assert run_cli("init", d, "--source", paths.SAMPLE_SOURCE, "--split-sentences").returncode == 0
    bad = tmp_path / "bad.en"
    lines = paths.SAMPLE_REFERENCE.read_text("utf-8").splitlines()
    lines[8] = lines[8].replace("1,000", "100")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cli("add-system", d, "bad", bad).returncode == 0
    assert run_cli("check", d).returncode == 0
    from mtreview.core.project import Project

    with Project.open(d) as p:
        checks = {f.check for f in p.store.flags()}
        assert {"name-variant", "number-mismatch"} <= checks
        assert [f.segments for f in p.store.flags() if f.check == "number-mismatch"] == [(9,)]
        assert p.store.flags(seg_id=9)
    r = run_cli("check", d, "--only", "number-mismatch", "--format", "jsonl")
    assert r.returncode == 0 and {f["check"] for f in _jsonl(r.stdout)} == {"number-mismatch"}
    with Project.open(d) as p:
        assert {"name-variant", "number-mismatch"} <= {f.check for f in p.store.flags()}


def test_table_output(sample):
    r = run_cli("check", sample)
    assert r.returncode == 0
    assert "name-variant" in r.stdout and "هاشيمي" in r.stdout
    assert r.stdout.strip().splitlines()[-1].startswith(tuple("0123456789"))


def _glossary(tmp_path, text):
    p = tmp_path / "g.tsv"
    p.write_text(text, encoding="utf-8")
    return p


BAD = {
    "unknown check": lambda tmp: ["--only", "name-variant,nope"],
    "empty --only": lambda tmp: ["--only", ","],
    "glossary check without a glossary": lambda tmp: ["--only", "glossary"],
    "missing glossary": lambda tmp: ["--glossary", str(tmp / "nope.tsv")],
    "glossary without a tab": lambda tmp: ["--glossary", str(_glossary(tmp, "الدولة الإسلامية Islamic State\n"))],
    "glossary with an empty rendering": lambda tmp: ["--glossary", str(_glossary(tmp, "الحشد\t \n"))],
    "glossary term not Arabic": lambda tmp: ["--glossary", str(_glossary(tmp, "الحشد\tPMF\nState\tIS\n"))],
    "empty glossary": lambda tmp: ["--glossary", str(_glossary(tmp, "# nothing\n"))],
    "glossary not UTF-8": lambda tmp: ["--glossary", str(_bytes(tmp, b"\xc3\x28\tx\n"))],
    "bad format": lambda tmp: ["--format", "xml"],
    "zero jobs": lambda tmp: ["--jobs", "0"],
}


def _bytes(tmp, data):
    p = tmp / "g.bin"
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_and_changes_nothing(sample, tmp_path, case):
    assert run_cli("check", sample).returncode == 0
    before = store_dump(sample)
    r = run_cli("check", sample, *BAD[case](tmp_path))
    assert r.returncode == 2, (case, r.stdout, r.stderr)
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert store_dump(sample) == before


def test_list_needs_no_project_and_no_dir_is_an_error():
    r = run_cli("check", "--list")
    assert r.returncode == 0 and "name-variant" in r.stdout
    r = run_cli("check")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_not_a_project(tmp_path):
    r = run_cli("check", tmp_path)
    assert r.returncode == 2 and "not an mtreview project" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_glossary_flags_through_the_cli(tmp_path):
    d = tmp_path / "g"
    src = tmp_path / "src.ar"
    src.write_text("أصدر تنظيم الدولة الإسلامية بيانا.\nقاتلت قوات الحشد الشعبي.\n", encoding="utf-8")
    hyp = tmp_path / "hyp.en"
    hyp.write_text("Daesh issued a statement.\nPopular Mobilization forces fought.\n", encoding="utf-8")
    assert run_cli("init", d, "--source", src).returncode == 0
    assert run_cli("add-system", d, "A", hyp).returncode == 0
    g = _glossary(tmp_path, "ar\ten\nالدولة الإسلامية\tIslamic State|IS\n"
                            "الحشد الشعبي\tPopular Mobilisation\tPopular Mobilization\n")
    r = run_cli("check", d, "--glossary", g, "--only", "glossary", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    flags = _jsonl(r.stdout)
    assert [(f["segments"], f["forms"], f["system"]) for f in flags] == [([1], ["الدولة الإسلامية"], "A")]


def test_check_imports_no_torch_or_textual(sample):
    import subprocess
    import sys

    code = ("import sys\nfrom mtreview import cli\n"
            f"cli.main(['check', {str(sample)!r}, '--format', 'jsonl'])\n"
            "print('MODULES', ' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {m.split(".")[0] for m in out.stdout.split("MODULES", 1)[1].split()}
    assert not loaded & {"torch", "transformers", "textual", "datasets"}
