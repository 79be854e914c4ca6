"""Outputs never land on the project's own files (issue 12, items 1, 2 and 6), and
add-system refuses names that would take over a terminal (item 12)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from tests.commands.tiny import make_project
from tests.conftest import REPO, run_main, store_dump


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p")


def _files(path):
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def _refused(args, *words):
    rc, out, err = run_main(*args)
    assert rc == 2, (args, out, err)
    assert err.count("\n") == 1 and err.startswith("mtreview: error:"), err
    assert "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize("target", ["store.sqlite", "mtreview.toml", "store.sqlite-wal",
                                    "store.sqlite-shm", "store.sqlite-journal", "cache/x.csv",
                                    "notes.md", "exports"])
def test_report_output_refuses_the_projects_own_files(project, target):
    before, files = store_dump(project), _files(project)
    _refused(["report", project, "--metrics", "none", "--format", "csv", "--output",
              project / target], "project")
    assert store_dump(project) == before and _files(project) == files


def test_report_output_to_a_directory_is_one_line(project, tmp_path):
    (tmp_path / "d").mkdir()
    _refused(["report", project, "--metrics", "none", "--output", tmp_path / "d"],
             "is a directory")


def test_report_output_through_a_symlink_to_the_store_is_refused(project, tmp_path):
    link = tmp_path / "innocent.csv"
    link.symlink_to(project / "store.sqlite")
    before = store_dump(project)
    _refused(["report", project, "--metrics", "none", "--output", link], "project")
    assert store_dump(project) == before


def test_report_output_in_the_exports_folder_is_allowed(project):
    out = project / "exports" / "report.md"
    out.parent.mkdir()
    rc, _, err = run_main("report", project, "--metrics", "none", "--format", "markdown",
                          "--output", out)
    assert rc == 0, err
    assert out.read_text(encoding="utf-8").startswith("# Evaluation report")


@pytest.mark.parametrize("target", ["store.sqlite-wal", "store.sqlite-shm",
                                    "store.sqlite-journal", "store.sqlite", "mtreview.toml",
                                    "cache", "other.csv", "sub/x.csv", "exports"])
def test_export_refuses_every_file_of_the_store_and_the_project(project, target):
    # a review open in another process keeps the -wal and -shm files alive
    (project / "store.sqlite-wal").touch()
    before, files = store_dump(project), _files(project)
    fmt = "hf" if target in ("cache", "exports") else "csv"
    _refused(["export", project, project / target, "--format", fmt, "--all", "--overwrite"],
             "project")
    assert store_dump(project) == before and _files(project) == files


def test_export_into_the_exports_folder_works(project):
    out = project / "exports" / "reviews.csv"
    rc, stdout, err = run_main("export", project, out, "--all")
    assert rc == 0, err
    assert out.read_text(encoding="utf-8").startswith('"lp"')


@pytest.mark.parametrize("name", ["evil\x1b]0;pwned\x07", "rtl\u202eovo", "a\u2066b", "",
                                  "   ", "tab\tname", "bell\x07", "nul\x00x"])
def test_add_system_refuses_control_and_bidi_names(project, tmp_path, name):
    f = tmp_path / "t.en"
    f.write_text("a\nb\nc\n", encoding="utf-8")
    before = store_dump(project)
    err = _refused(["add-system", project, name, f], "system name")
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    assert store_dump(project) == before


def _orphan_temporaries(out):
    """Make the temporaries of an export killed mid-write: a child process creates them the
    way ``publish`` does, then dies without cleaning up."""
    code = ("import os, sys\nfrom pathlib import Path\n"
            "from mtreview.export.place import make_temporary\n"
            "make_temporary(Path(sys.argv[1]), is_dir=True)\n"
            "make_temporary(Path(sys.argv[1]), is_dir=False).write_text('partial')\n"
            "os._exit(9)\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True,
                       text=True)
    assert r.returncode == 9, r.stderr


def test_stale_temporaries_of_a_killed_export_are_removed(project, tmp_path):
    out = tmp_path / "ds"
    _orphan_temporaries(out)
    ours = sorted(p.name for p in tmp_path.glob(".ds.tmp-*"))
    assert len(ours) == 2
    # look-alikes that are not ours stay: no marker, or another output's name
    (tmp_path / ".ds.tmp-foreign").mkdir()
    (tmp_path / ".ds.tmp-foreign" / "data").write_text("keep", encoding="utf-8")
    (tmp_path / ".ds.tmp-notes.txt").write_text("keep", encoding="utf-8")
    rc, _, err = run_main("export", project, out, "--format", "hf")
    assert rc == 0, err
    left = sorted(p.name for p in tmp_path.glob(".ds.tmp-*"))
    assert left == [".ds.tmp-foreign", ".ds.tmp-notes.txt"]
