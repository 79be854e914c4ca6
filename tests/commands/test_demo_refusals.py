"""`mtreview demo` checks everything before it creates anything, and never touches a
project that is not its own (issue 12, item 5). No model runs: every case is refused."""

from __future__ import annotations

import pytest

from tests.commands.tiny import make_project
from tests.conftest import run_main, store_dump


@pytest.mark.parametrize("args, message", [
    (["--device", "bogus"], "invalid --device"),
    (["--device", "cpu:1"], "invalid --device"),
    (["--reviewer", ""], "--reviewer cannot be empty"),
    (["--reviewer", "amal\x1b]0;x\x07"], "invalid reviewer name"),
])
def test_a_bad_option_creates_nothing(tmp_path, args, message):
    d = tmp_path / "demo"
    rc, _, err = run_main("demo", "--dir", d, "--no-review", *args)
    assert rc == 2 and message in err and err.count("\n") == 1, err
    assert not d.exists() and list(tmp_path.iterdir()) == []


def test_an_unrelated_project_is_refused_and_unchanged(tmp_path):
    project = make_project(tmp_path / "mine")
    before = store_dump(project)
    rc, _, err = run_main("demo", "--dir", project, "--no-review")
    assert rc == 2 and "not the demo's" in err and err.count("\n") == 1
    assert store_dump(project) == before


def test_a_non_empty_directory_or_a_file_is_refused(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    for d, message in ((tmp_path / "busy", "not empty"), (tmp_path / "afile", "not a directory")):
        rc, _, err = run_main("demo", "--dir", d, "--no-review")
        assert rc == 2 and message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "busy"]
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]
