"""A table of hostile and mistaken inputs across every command (issue 12, "Done when").

Each case must be refused the way the README promises: exit status 2, exactly one line on
stderr (`mtreview: error: …`, no traceback, no raw control or bidi character), nothing on
stdout, the project's store and config byte-for-byte the same (``store_dump``), and no file
created or removed in the case's directory. The cases run in this process through
``mtreview.cli.main`` (one fresh copy of a tiny project each), so the table stays fast.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.commands.tiny import make_project
from tests.conftest import run_main, store_dump

ESC = "\x1b]0;pwned\x07\x1b[2J"
RLO = "\u202e"
SHOWN_RAW = ("\x1b", "\x07", RLO, "\x00")


def _inputs(root: Path) -> dict[str, Path]:
    """Input files, hostile and ordinary, shared by the cases (never written to)."""
    root.mkdir()
    f = {}

    def put(name: str, data: bytes) -> None:
        f[name] = root / name
        f[name].write_bytes(data)

    put("good", b"one\ntwo\nthree\n")
    put("ar", "مرحبا\nكيف حالك\nشكرا\n".encode())
    put("two_lines", b"one\ntwo\n")
    put("four_lines", b"a\nb\nc\nd\n")
    put("bad_utf8", b"one\n\xff\xfe two\nthree\n")
    put("latin1", "caf\xe9\nna\xefve\nx\n".encode("latin-1"))
    put("nul", b"one\ntw\x00o\nthree\n")
    put("empty", b"")
    put("blank", b"\n\n  \n")
    put("huge_line", b"a\n" + b"x" * 1_200_000 + b"\nc\n")
    put("bad.jsonl", b'{"translation": "a"}\n{bad json\n{"translation": "c"}\n')
    put("ids.jsonl", b'{"id": 1, "translation": "a"}\n{"id": 99, "translation": "b"}\n')
    put("notes.jsonl", b'{"note": "a"}\n{"note": "b"}\n{"note": "c"}\n')
    put("bad.gz", b"not gzip at all")
    put("mqm.tsv", b"system\tdoc\nonly two columns\tx\n")
    put("a\nb.txt", b"one\ntwo\nthree\n")  # a path with a line break in it
    f["dir"] = root / "adir"
    f["dir"].mkdir()
    f["loop"] = root / "loop"
    f["loop"].symlink_to(root / "loop")
    f["dangling"] = root / "dangling"
    f["dangling"].symlink_to(root / "nowhere")
    f["fifo"] = root / "fifo"
    os.mkfifo(f["fifo"])
    f["missing"] = root / "missing.txt"
    return f


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return {"template": make_project(root / "template"), "files": _inputs(root / "in")}


# (id, argv template, words the message must contain, setup(project) or None)
# In argv: {P} the project, {W} the case's directory, {F:name} an input file.
CASES: list[tuple[str, list[str], tuple[str, ...], object]] = [
    # -- init ---------------------------------------------------------------------------
    ("init-missing-source", ["init", "{W}/new", "--source", "{F:missing}"], ("no such file",), None),
    ("init-bad-utf8", ["init", "{W}/new", "--source", "{F:bad_utf8}"], ("invalid UTF-8",), None),
    ("init-latin1", ["init", "{W}/new", "--source", "{F:latin1}"], ("invalid UTF-8",), None),
    ("init-nul-bytes", ["init", "{W}/new", "--source", "{F:nul}"], ("NUL byte",), None),
    ("init-empty", ["init", "{W}/new", "--source", "{F:empty}"], ("empty",), None),
    ("init-blank", ["init", "{W}/new", "--source", "{F:blank}"], ("empty",), None),
    ("init-huge-line", ["init", "{W}/new", "--source", "{F:huge_line}"], ("characters",), None),
    ("init-fifo", ["init", "{W}/new", "--source", "{F:fifo}"], ("not a regular file",), None),
    ("init-symlink-loop", ["init", "{W}/new", "--source", "{F:loop}"], ("/loop",), None),
    ("init-dangling-link", ["init", "{W}/new", "--source", "{F:dangling}"], ("no such file",), None),
    ("init-bad-gzip", ["init", "{W}/new", "--source", "{F:bad.gz}"], ("gzip",), None),
    ("init-newline-path-missing", ["init", "{W}/new", "--source", "{W}/no\nsuch"], ("no such file",), None),
    ("init-over-project", ["init", "{P}", "--source", "{F:ar}"], ("already exists",), None),
    ("init-ref-line-count", ["init", "{W}/new", "--source", "{F:ar}", "--reference", "{F:two_lines}"], ("lines",), None),
    ("init-ref-bad-utf8", ["init", "{W}/new", "--source", "{F:ar}", "--reference", "{F:bad_utf8}"], ("UTF-8",), None),
    ("init-lang-traversal", ["init", "{W}/new", "--source", "{F:ar}", "--tgt-lang", "en/../../../victim"], ("BCP-47",), None),
    ("init-lang-empty", ["init", "{W}/new", "--source", "{F:ar}", "--src-lang", ""], ("BCP-47",), None),
    ("init-lang-escape", ["init", "{W}/new", "--source", "{F:ar}", "--tgt-lang", "en" + ESC], ("BCP-47",), None),
    ("init-no-source", ["init", "{W}/new"], ("--source",), None),
    ("init-from-unknown", ["init", "{W}/new", "--from", "xml", "{F:good}"], ("xml",), None),
    ("init-from-mqm-bad", ["init", "{W}/new", "--from", "wmt-mqm", "{F:mqm.tsv}"], ("column",), None),
    ("init-doc-ids-short", ["init", "{W}/new", "--source", "{F:ar}", "--doc-ids", "{F:two_lines}"], ("lines",), None),
    # -- add-system ---------------------------------------------------------------------
    ("add-name-escape", ["add-system", "{P}", "sys" + ESC, "{F:good}"], ("system name",), None),
    ("add-name-rlo", ["add-system", "{P}", RLO + "sys", "{F:good}"], ("system name",), None),
    ("add-name-isolate", ["add-system", "{P}", "a\u2067b", "{F:good}"], ("system name",), None),
    ("add-name-nul", ["add-system", "{P}", "a\x00b", "{F:good}"], ("system name",), None),
    ("add-name-newline", ["add-system", "{P}", "a\nb", "{F:good}"], ("system name",), None),
    ("add-name-empty", ["add-system", "{P}", "", "{F:good}"], ("empty",), None),
    ("add-name-blank", ["add-system", "{P}", "   ", "{F:good}"], ("empty",), None),
    ("add-name-slash", ["add-system", "{P}", "a/b", "{F:good}"], ("system name",), None),
    ("add-duplicate", ["add-system", "{P}", "sys-a", "{F:good}"], ("already exists",), None),
    ("add-line-count", ["add-system", "{P}", "new", "{F:four_lines}"], ("lines",), None),
    ("add-bad-utf8", ["add-system", "{P}", "new", "{F:bad_utf8}"], ("UTF-8",), None),
    ("add-nul-bytes", ["add-system", "{P}", "new", "{F:nul}"], ("NUL byte",), None),
    ("add-empty", ["add-system", "{P}", "new", "{F:empty}"], ("empty",), None),
    ("add-huge-line", ["add-system", "{P}", "new", "{F:huge_line}"], ("characters",), None),
    ("add-fifo", ["add-system", "{P}", "new", "{F:fifo}"], ("not a regular file",), None),
    ("add-directory", ["add-system", "{P}", "new", "{F:dir}"], ("directory",), None),
    ("add-symlink-loop", ["add-system", "{P}", "new", "{F:loop}"], ("cannot read",), None),
    ("add-newline-path", ["add-system", "{P}", "new", "{F:a\nb.txt}/x"], ("a\u240ab.txt",), None),
    ("add-bad-jsonl", ["add-system", "{P}", "new", "{F:bad.jsonl}"], ("line 2",), None),
    ("add-jsonl-unknown-id", ["add-system", "{P}", "new", "{F:ids.jsonl}"], ("99",), None),
    ("add-jsonl-no-column", ["add-system", "{P}", "new", "{F:notes.jsonl}"], ("translation",), None),
    ("add-not-a-project", ["add-system", "{W}", "new", "{F:good}"], ("not an mtreview project",), None),
    # -- report -------------------------------------------------------------------------
    ("report-over-store", ["report", "{P}", "--metrics", "none", "--output", "{P}/store.sqlite"], ("project",), None),
    ("report-over-config", ["report", "{P}", "--metrics", "none", "--output", "{P}/mtreview.toml"], ("project",), None),
    ("report-over-wal", ["report", "{P}", "--metrics", "none", "--output", "{P}/store.sqlite-wal"], ("project",), None),
    ("report-into-cache", ["report", "{P}", "--metrics", "none", "--output", "{P}/cache/r.txt"], ("project",), None),
    ("report-to-directory", ["report", "{P}", "--metrics", "none", "--output", "{F:dir}"], ("directory",), None),
    ("report-no-parent", ["report", "{P}", "--metrics", "none", "--output", "{W}/no/such/r.txt"], ("not a directory",), None),
    ("report-link-to-store", ["report", "{P}", "--metrics", "none", "--output", "{W}/link.txt"], ("project",), "link"),
    ("report-format", ["report", "{P}", "--format", "pdf"], ("unknown format",), None),
    ("report-metric", ["report", "{P}", "--metrics", "meteor"], ("meteor",), None),
    ("report-bootstrap", ["report", "{P}", "--bootstrap", "-1"], ("--bootstrap",), None),
    ("report-baseline-escape", ["report", "{P}", "--baseline", "x" + ESC], ("baseline",), None),
    ("report-raw-csv-json", ["report", "{P}", "--format", "json", "--raw-csv"], ("--raw-csv",), None),
    ("report-not-a-project", ["report", "{W}"], ("not an mtreview project",), None),
    # -- export -------------------------------------------------------------------------
    ("export-over-wal", ["export", "{P}", "{P}/store.sqlite-wal", "--format", "csv", "--all", "--overwrite"], ("project",), "wal"),
    ("export-over-shm", ["export", "{P}", "{P}/store.sqlite-shm", "--format", "csv", "--overwrite"], ("project",), None),
    ("export-over-journal", ["export", "{P}", "{P}/store.sqlite-journal", "--format", "csv"], ("project",), None),
    ("export-over-store", ["export", "{P}", "{P}/store.sqlite", "--format", "csv", "--overwrite"], ("project",), None),
    ("export-over-project", ["export", "{P}", "{P}", "--overwrite"], ("project",), None),
    ("export-over-parent", ["export", "{P}", "{W}", "--overwrite"], ("project",), None),
    ("export-over-snapshot", ["export", "{P}", "{P}/dataset"], ("snapshot",), None),
    ("export-inside-project", ["export", "{P}", "{P}/mine.csv"], ("project",), None),
    ("export-link-to-store", ["export", "{P}", "{W}/link.txt", "--format", "csv", "--overwrite"], ("project",), "link"),
    ("export-format", ["export", "{P}", "{W}/o", "--format", "xml"], ("unknown export format",), None),
    ("export-system", ["export", "{P}", "{W}/o", "--system", "nope" + ESC], ("no system",), None),
    ("export-reviewer", ["export", "{P}", "{W}/o", "--reviewer", RLO + "nobody"], ("no reviews by",), None),
    ("export-raw-csv-jsonl", ["export", "{P}", "{W}/o.jsonl", "--raw-csv"], ("--raw-csv",), None),
    ("export-filter-without-out", ["export", "{P}", "--all"], ("needs an OUT",), None),
    ("export-existing-file", ["export", "{P}", "{F:good}", "--format", "csv"], ("already exists",), None),
    ("export-dir-for-file-format", ["export", "{P}", "{F:dir}", "--format", "csv", "--overwrite"], ("is a directory",), None),
    ("export-esa-without-esa", ["export", "{P}", "{W}/esa.csv", "--format", "wmt-esa", "--reviewer", "dana"], ("no ESA",), None),
    ("export-mqm-without-mqm", ["export", "{P}", "{W}/m.tsv", "--reviewer", "dana"], ("no MQM",), None),
    ("export-bad-lang-in-config", ["export", "{P}", "{W}/mtme", "--format", "mt-metrics-eval"], ("BCP-47",), "lang"),
    # -- status, check, review, translate, demo, the parser -------------------------------
    ("status-not-a-project", ["status", "{W}"], ("not an mtreview project",), None),
    ("status-a-file", ["status", "{F:good}"], ("not an mtreview project",), None),
    ("status-bad-toml", ["status", "{P}"], ("TOML",), "toml"),
    ("check-not-a-project", ["check", "{W}"], ("not an mtreview project",), None),
    ("review-empty-reviewer", ["review", "{P}", "--reviewer", ""], ("reviewer",), None),
    ("review-escape-reviewer", ["review", "{P}", "--reviewer", "amal" + ESC], ("reviewer",), None),
    ("review-no-terminal", ["review", "{P}", "--reviewer", "amal"], ("terminal",), None),
    ("review-protocol", ["review", "{P}", "--protocol", "bleu"], ("protocol",), None),
    ("translate-no-model", ["translate", "{P}", "--model", "{W}/no-model"], ("model",), None),
    ("translate-bidi-name", ["translate", "{P}", "--model", "mtreview-ar-en-small", "--name",
                             "\u202ebloom"], ("system name",), None),
    ("assign-escape-reviewer", ["assign", "{P}", "--reviewers", "amal" + ESC], ("reviewer",),
     None),
    ("import-reviews-not-json", ["import-reviews", "{P}", "{F:bad.jsonl}"], ("JSON",), None),
    ("import-reviews-not-reviews", ["import-reviews", "{P}", "{F:notes.jsonl}"],
     ("not an mtreview review export",), None),
    ("import-reviews-latin1", ["import-reviews", "{P}", "{F:latin1}"], ("UTF-8",), None),
    ("serve-escape-reviewer", ["serve", "{P}", "--reviewers", "x" + ESC], ("reviewer",), None),
    ("demo-device", ["demo", "--dir", "{W}/demo", "--no-review", "--device", "tpu"], ("--device",), None),
    ("demo-unrelated-project", ["demo", "--dir", "{P}", "--no-review"], ("not the demo",), None),
    # -- a damaged store (every command: one line, the store file untouched) --------------
    ("status-truncated-store", ["status", "{P}"], ("truncated",), "truncated"),
    ("report-truncated-store", ["report", "{P}", "--metrics", "none"], ("truncated",), "truncated"),
    ("export-truncated-store", ["export", "{P}", "{W}/o.csv"], ("truncated",), "truncated"),
    ("add-system-empty-store", ["add-system", "{P}", "new", "{F:good}"], ("empty",), "empty-store"),
    ("check-empty-store", ["check", "{P}"], ("empty",), "empty-store"),
    ("status-random-store", ["status", "{P}"], ("store",), "random-store"),
    ("export-random-store", ["export", "{P}"], ("store",), "random-store"),
    ("review-random-store", ["review", "{P}", "--reviewer", "amal"], ("store",), "random-store"),
    ("unknown-command", ["frobnicate" + ESC], ("invalid choice",), None),
    ("unknown-option", ["status", "{P}", "--" + ESC], ("unrecognized",), None),
]


def _setup(kind, project: Path, work: Path) -> None:
    if kind == "link":
        (work / "link.txt").symlink_to(project / "store.sqlite")
    elif kind == "wal":  # a review open in another process keeps the -wal file
        (project / "store.sqlite-wal").touch()
    elif kind == "lang":
        config = project / "mtreview.toml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            'tgt_lang = "en"', 'tgt_lang = "en/../../../victim"'), encoding="utf-8")
    elif kind == "truncated":
        store = project / "store.sqlite"
        store.write_bytes(store.read_bytes()[:3000])
    elif kind == "empty-store":
        (project / "store.sqlite").write_bytes(b"")
    elif kind == "random-store":
        (project / "store.sqlite").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(8192)))
    elif kind == "toml":
        (project / "mtreview.toml").write_text("[project\nname = ", encoding="utf-8")


def _listing(root: Path) -> list[str]:
    """Every path under root, without SQLite's own -wal/-shm files (opening creates them)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if not p.name.endswith(("-wal", "-shm")))


def test_the_table_is_large_enough():
    assert len(CASES) >= 60 and len({c[0] for c in CASES}) == len(CASES)
    assert {c[1][0].split("\x1b")[0] for c in CASES} >= {
        "init", "add-system", "report", "export", "status", "check", "review", "translate",
        "demo"}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_and_changes_nothing(env, tmp_path, case):
    _, argv, words, setup = case
    work = tmp_path / "w"
    work.mkdir()
    project = work / "p"
    shutil.copytree(env["template"], project)
    _setup(setup, project, work)
    files = env["files"]

    def fill(a: str) -> str:
        a = a.replace("{P}", str(project)).replace("{W}", str(work))
        for name, path in files.items():
            a = a.replace("{F:" + name + "}", str(path))
        return a

    damaged = setup in ("toml", "truncated", "empty-store", "random-store")
    before, listing = (None if damaged else store_dump(project)), _listing(work)
    config = (project / "mtreview.toml").read_bytes()
    store_bytes = (project / "store.sqlite").read_bytes()
    rc, out, err = run_main(*[fill(a) for a in argv])
    assert rc == 2, (rc, out, err)
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("mtreview") and "error:" in err, err
    assert "Traceback" not in err
    for ch in SHOWN_RAW:
        assert ch not in err, err
    for w in words:
        assert w in err, err
    assert out == ""
    if before is not None:
        assert store_dump(project) == before
    assert (project / "store.sqlite").read_bytes() == store_bytes
    assert (project / "mtreview.toml").read_bytes() == config
    assert _listing(work) == listing
