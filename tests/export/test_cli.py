"""`mtreview export` from the command line: bad inputs, overwrite, the DIR/dataset snapshot,
import isolation, and a new user's first export of the sample article."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import datasets

from mtreview import paths
from mtreview.core.project import Project
from mtreview.export import schema
from mtreview.export.snapshot import write_snapshot
from tests.conftest import REPO, run_cli
from tests.export.reviews import derive_review

datasets.disable_progress_bars()


def _tree(path: Path) -> dict[str, str]:
    """Every file under path (or the file itself) → sha256: to check nothing changed."""
    if path.is_file():
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def _refused(r, *words):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("mtreview"), r.stderr
    assert "error:" in r.stderr, r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def test_bad_inputs_are_refused_and_change_nothing(project_dir, tmp_path):
    before = _tree(project_dir)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    afile = tmp_path / "x.parquet"
    afile.write_text("old", encoding="utf-8")
    cases = [
        (("export", tmp_path / "nowhere", tmp_path / "o"), "not an mtreview project"),
        (("export", project_dir, tmp_path / "o", "--system", "nope"), "no system 'nope'"),
        (("export", project_dir, tmp_path / "o", "--reviewer", "nobody"), "no reviews by"),
        (("export", project_dir, busy), "not empty"),
        (("export", project_dir, afile), "already exists"),
        (("export", project_dir, project_dir / "dataset"), "own snapshot"),
        (("export", project_dir, project_dir, "--overwrite"), "the project"),
        (("export", project_dir, project_dir.parent, "--overwrite"), "the project"),
        (("export", project_dir, "--reviewer", "rev-a"), "needs an OUT"),
        (("export", project_dir, busy, "--format", "csv", "--overwrite"), "is a directory"),
        (("export", project_dir, tmp_path / "o", "--format", "xml"), "unknown export format"),
    ]
    for args, words in cases:
        _refused(run_cli(*args), words)
    assert _tree(project_dir) == before
    assert _tree(busy) == {"keep.txt": hashlib.sha256(b"mine").hexdigest()}
    assert afile.read_text(encoding="utf-8") == "old"
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_nothing_to_export_without_reviews(tmp_path):
    src = tmp_path / "s.txt"
    src.write_text("جملة أولى\nجملة ثانية\n", encoding="utf-8")
    assert run_cli("init", tmp_path / "p", "--source", src).returncode == 0
    _refused(run_cli("export", tmp_path / "p", tmp_path / "o"), "nothing to export")


def test_snapshot_of_a_project_without_reviews_loads_back_empty(tmp_path):
    src = tmp_path / "s.txt"
    src.write_text("جملة أولى\nجملة ثانية\n", encoding="utf-8")
    assert run_cli("init", tmp_path / "p", "--source", src).returncode == 0
    r = run_cli("export", tmp_path / "p")
    assert r.returncode == 0, r.stderr
    ds = datasets.load_from_disk(str(tmp_path / "p" / "dataset"))
    assert ds.num_rows == 0 and ds.features == schema.features()


def test_overwrite_replaces_the_output(project_dir, tmp_path):
    out = tmp_path / "ds"
    assert run_cli("export", project_dir, out, "--reviewer", "rev-a").returncode == 0
    first = datasets.load_from_disk(str(out)).num_rows
    _refused(run_cli("export", project_dir, out), "--overwrite")
    r = run_cli("export", project_dir, out, "--overwrite")
    assert r.returncode == 0, r.stderr
    ds = datasets.load_from_disk(str(out))
    assert ds.num_rows > first and set(ds["reviewer"]) == {"rev-a", "rev-b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds", "project"]


def test_export_over_the_file_the_project_was_imported_from_is_refused(project_dir, tmp_path):
    tsv = tmp_path / "mqm.tsv"
    assert run_cli("export", project_dir, tsv).returncode == 0
    assert run_cli("init", "--from", "wmt-mqm", "--source", tsv,
                   tmp_path / "imp").returncode == 0
    before = tsv.read_bytes()
    _refused(run_cli("export", tmp_path / "imp", tsv, "--overwrite"), "created from")
    assert tsv.read_bytes() == before


def test_export_dir_alone_refreshes_the_snapshot(project_dir):
    r = run_cli("export", project_dir)
    assert r.returncode == 0, r.stderr
    ds = datasets.load_from_disk(str(project_dir / "dataset"))
    with Project.open(project_dir) as project:
        n = len(project.store.reviews())
        seg = project.store.segment(40)
        tgt = project.store.translations("opus-mt-2021")[40]
        project.store.save_review(derive_review(40, "opus-mt-2021", "rev-c", seg.source, tgt,
                                                project.store.references()[40][0], "esa"))
    assert ds.num_rows == n and ds.features == schema.features()
    assert (project_dir / "dataset" / "README.md").is_file()
    assert run_cli("export", project_dir).returncode == 0
    ds = datasets.load_from_disk(str(project_dir / "dataset"))
    assert ds.num_rows == n + 1 and "rev-c" in ds["reviewer"]


CRASH = """
import os, sys, datasets
from mtreview.core.project import Project
from mtreview.export.snapshot import write_snapshot
def crash(self, path, *a, **k):
    os.makedirs(path, exist_ok=True)
    open(os.path.join(path, "data-00000-of-00001.arrow"), "wb").write(b"partial")
    os._exit(3)
datasets.Dataset.save_to_disk = crash
write_snapshot(Project.open(sys.argv[1]))
"""


def test_a_crash_while_writing_leaves_the_previous_snapshot(project_dir):
    with Project.open(project_dir) as project:
        write_snapshot(project)
        n = len(project.store.reviews())
    before = _tree(project_dir / "dataset")
    r = subprocess.run([sys.executable, "-c", CRASH, str(project_dir)], cwd=REPO,
                       capture_output=True, text=True)
    assert r.returncode == 3
    assert _tree(project_dir / "dataset") == before
    assert datasets.load_from_disk(str(project_dir / "dataset")).num_rows == n
    assert list(project_dir.glob(".dataset.tmp-*"))  # the crash's leftovers …
    with Project.open(project_dir) as project:
        write_snapshot(project)
    assert not [p for p in project_dir.glob(".dataset.*") if p.name != ".dataset.lock"]  # … are cleaned by the next snapshot
    assert datasets.load_from_disk(str(project_dir / "dataset")).num_rows == n


def test_an_interrupted_swap_is_recovered(project_dir):
    with Project.open(project_dir) as project:
        write_snapshot(project)
        before = _tree(project_dir / "dataset")
        # a crash between the two renames: the old snapshot moved aside, no new one yet
        (project_dir / "dataset").rename(project_dir / ".dataset.old-x1")
        from mtreview.export.snapshot import recover

        recover(project)
        assert _tree(project_dir / "dataset") == before
        (project_dir / "dataset").rename(project_dir / ".dataset.old-x2")
        write_snapshot(project)
    assert not [p for p in project_dir.glob(".dataset.*") if p.name != ".dataset.lock"]
    assert datasets.load_from_disk(str(project_dir / "dataset")).num_rows > 0


def test_export_never_imports_torch_transformers_textual(project_dir, tmp_path):
    code = ("import sys\nfrom mtreview.cli import main\n"
            f"assert main(['export', {str(project_dir)!r}, {str(tmp_path / 'o')!r}]) == 0\n"
            f"assert main(['export', {str(project_dir)!r}, {str(tmp_path / 'm.tsv')!r}]) == 0\n"
            f"assert main(['export', {str(project_dir)!r}]) == 0\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    loaded = set(r.stdout.split())
    assert "datasets" in loaded  # it did export
    for heavy in ("torch", "transformers", "textual"):
        assert heavy not in loaded, heavy


def test_new_user_reviews_the_sample_and_loads_the_export(tmp_path):
    """init the sample article, add a system, review a few segments, export, load."""
    project_dir = tmp_path / "hawija"
    r = run_cli("init", project_dir, "--source", paths.SAMPLE_SOURCE, "--split-sentences",
                "--reference", paths.SAMPLE_REFERENCE)
    assert r.returncode == 0, r.stderr
    # the reference translation reviewed as a system (as WMT scores its human references)
    r = run_cli("add-system", project_dir, "human-ref", paths.SAMPLE_REFERENCE)
    assert r.returncode == 0, r.stderr
    with Project.open(project_dir) as project:
        store = project.store
        segs = store.segments()[:5]
        tgt = store.translations("human-ref")
        refs = store.references()
        for s in segs:
            store.save_review(derive_review(s.id, "human-ref", "new-user", s.source,
                                            tgt[s.id], refs[s.id][0], "esa"))
        saved = store.reviews()
    r = run_cli("export", project_dir, tmp_path / "out", "--format", "hf")
    assert r.returncode == 0, r.stderr
    assert "exported 5 rows" in r.stdout
    ds = datasets.load_from_disk(str(tmp_path / "out"))
    assert ds.features == schema.features()
    assert ds["seg_id"] == [s.id for s in segs]
    assert ds["src"] == [s.source for s in segs]
    assert ds["score"] == [rv.score for rv in saved]
    assert set(ds["doc_id"]) == {"hawija-surrender"}
    assert ds["lp"] == ["ar-en"] * 5
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "new-user" in card and "human-ref" in card


def test_help_lists_every_registered_format():
    from mtreview.commands.export import FORMAT_NAMES
    from mtreview.export.formats import FORMATS

    assert FORMAT_NAMES == tuple(FORMATS)
    r = run_cli("export", "--help")
    assert all(name in " ".join(r.stdout.split()) for name in FORMATS)
