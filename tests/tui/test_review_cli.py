"""`mtreview review` as a program: bad inputs, two reviewers at once, and the real app in
tmux (what a terminal really shows)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from arabic_reshaper import ArabicReshaper
from bidi import get_display

from mtreview import paths
from mtreview.core import ingest
from mtreview.core.project import Project

from .conftest import SYSTEMS

REPO = Path(__file__).resolve().parents[2]


def test_not_a_project_is_one_line_and_exit_2(cli, tmp_path):
    r = cli("review", tmp_path)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "not an mtreview project" in r.stderr


def test_bad_inputs_change_nothing(cli, project_dir, tmp_path):
    before = (project_dir / "store.sqlite").read_bytes()
    r = cli("review", project_dir, "--protocol", "bleu")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "invalid choice" in r.stderr
    r = cli("review", project_dir, "--reviewer", "  ")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "reviewer" in r.stderr
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\nnext_sgement = "j"\n', encoding="utf-8")
    r = cli("review", project_dir, "--reviewer", "x", env={"MTREVIEW_KEYMAP": str(keys)})
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "next_sgement" in r.stderr
    config = project_dir / "mtreview.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'protocol = "esa"', 'protocol = "rank"'), encoding="utf-8")
    r = cli("review", project_dir, "--reviewer", "x")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "'rank'" in r.stderr
    assert (project_dir / "store.sqlite").read_bytes() == before


WRITER = r"""
import sys, time
from pathlib import Path
from mtreview.core.project import Project
from mtreview.core.types import ErrorSpan
from mtreview.tui.session import ReviewSession
path, reviewer, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
with Project.open(path) as project:
    session = ReviewSession(project, reviewer)
    session.load_index()
    while not go.exists():
        time.sleep(0.01)
    for seg_id in session.ids:
        view = session.view(seg_id)
        for card in view.cards:
            session.set_score(seg_id, card.system, (seg_id * 7) % 101)
            session.add_span(seg_id, card.system, ErrorSpan(0, 1, "minor"))
            session.set_comment(seg_id, card.system, reviewer)
"""


def test_two_reviewers_in_two_processes_lose_nothing(project_dir, tmp_path):
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(project_dir), who, str(go)],
                              stderr=subprocess.PIPE, text=True) for who in ("ana", "ben")]
    time.sleep(0.5)
    go.touch()
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    with Project.open(project_dir) as project:
        rows = project.store.reviews()
        n = project.store.count_segments()
    assert len(rows) == 2 * n * len(SYSTEMS)
    for r in rows:
        assert r.score == (r.seg_id * 7) % 101 and r.comment == r.reviewer
        assert len(r.spans) == 1 and r.start_time <= r.end_time


# -- the real app in a real terminal (tmux) ----------------------------------------------
class Tmux:
    def __init__(self, tmp: Path, width: int = 150, height: int = 45):
        if shutil.which("tmux") is None:
            if os.environ.get("CI") == "true":
                pytest.fail("tmux is missing (.ci/run installs it)")
            pytest.skip("tmux is not installed")
        self.socket = str(tmp / "tmux.sock")
        self.size = (width, height)
        self.env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                    "TERM": "xterm-256color"}

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-u", "-S", self.socket, *args], env=self.env,
                              capture_output=True, text=True, timeout=30).stdout

    def start(self, command: str) -> None:
        self.tmux("new-session", "-d", "-s", "t", "-x", str(self.size[0]),
                  "-y", str(self.size[1]), command)

    def capture(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        end = time.time() + timeout
        while time.time() < end:
            screen = self.capture()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared:\n{self.capture()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "t", key)
            time.sleep(0.1)

    def close(self) -> None:
        self.tmux("kill-server")


def review_command(project: Path, done: Path, *extra: str) -> str:
    args = " ".join([sys.executable, "-m", "mtreview", "review", str(project), *extra])
    return f"cd {REPO} && {args}; echo $? > {done}"


def wait_exit(done: Path, timeout: float = 120) -> int:
    end = time.time() + timeout
    while time.time() < end:
        if done.exists() and done.read_text().strip():
            return int(done.read_text())
        time.sleep(0.2)
    raise AssertionError("mtreview review did not exit")


def test_tmux_smoke_score_with_keys_then_quit(project_dir, tmp_path):
    term = Tmux(tmp_path)
    done = tmp_path / "rc"
    try:
        term.start(review_command(project_dir, done, "--reviewer", "tmux"))
        term.wait_for("segment 1 ·")
        term.keys("Tab", "s", "7", "5", "Enter")
        term.wait_for("score 75")
        term.keys("q")
        assert wait_exit(done) == 0
    finally:
        term.close()
    with Project.open(project_dir) as project:
        (r,) = project.store.reviews(reviewer="tmux")
    assert (r.seg_id, r.system, r.score) == (1, SYSTEMS[1], 75.0)


def is_form(ch: str) -> bool:  # Arabic presentation forms: a joined or isolated glyph
    return "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"


def is_letter(ch: str) -> bool:  # stored Arabic letters (logical, unshaped)
    return "\u0621" <= ch <= "\u064a"


def test_tmux_sample_article_reads_right_to_left_with_joined_letters(tmp_path):
    corpus = ingest.read_source(paths.SAMPLE_SOURCE, ingest.SourceOptions(split_sentences=True))
    refs = ingest.read_reference_file(paths.SAMPLE_REFERENCE, corpus.segments, 0)
    Project.create(tmp_path / "sample", corpus.documents, corpus.segments, refs).close()
    first = corpus.segments[0].source
    term = Tmux(tmp_path, width=120)
    done = tmp_path / "rc"
    try:
        term.start(review_command(tmp_path / "sample", done, "--reviewer", "r",
                                  "--display", "shaped"))
        screen = term.wait_for("source 1")
        term.keys("q")
        assert wait_exit(done) == 0
    finally:
        term.close()
    print(screen)  # look at it: pytest -s
    arabic = [line for line in screen.splitlines() if any(is_form(c) for c in line)]
    assert arabic, screen
    assert not any(is_letter(c) for line in arabic for c in line)  # every letter is shaped
    # right to left: the sentence's first word (shaped and reordered by the libraries
    # themselves) ends the first line, at the right edge of the panel
    reshaper = ArabicReshaper({"delete_harakat": False, "ARABIC LIGATURE ALLAH": False})
    word = first.split()[0]
    expected = get_display(reshaper.reshape(word), base_dir="R")
    assert arabic[0].rstrip().rstrip("│║").rstrip().endswith(expected), arabic[0]
    # and the second word sits to its left
    second = get_display(reshaper.reshape(first.split()[1]), base_dir="R")
    line = arabic[0]
    assert line.rindex(second) < line.rindex(expected)


def test_snapshot_on_quit_and_a_failing_snapshot_loses_nothing(project_dir, capsys):
    from mtreview.commands.review import refresh_snapshot
    from mtreview.tui.session import ReviewSession

    with Project.open(project_dir) as project:
        session = ReviewSession(project, "snap")
        session.load_index()
        session.set_score(1, SYSTEMS[0], 60)
        (project_dir / ".dataset.lock").mkdir()  # the snapshot cannot take its lock
        refresh_snapshot(project)
        err = capsys.readouterr().err
        assert "warning: dataset snapshot not refreshed" in err
        assert [r.score for r in project.store.reviews()] == [60.0]
        (project_dir / ".dataset.lock").rmdir()
        refresh_snapshot(project)
        assert "warning" not in capsys.readouterr().err
        assert project.dataset_dir.is_dir()


def test_bad_reviewer_names_and_no_terminal_are_one_line_exit_2(cli, project_dir):
    before = (project_dir / "store.sqlite").read_bytes()
    for name, why in (("", "reviewer name is empty"), ("eve\u202e", "U+202E"),
                      ("a\x1b]0;pwned\x07", "control or bidi")):
        r = cli("review", project_dir, "--reviewer", name)
        assert r.returncode == 2, (name, r.stderr)
        assert r.stderr.count("\n") == 1 and why in r.stderr, r.stderr
        assert "\x1b" not in r.stderr and "\u202e" not in r.stderr
    # no terminal (a pipe, a script, CI): one line instead of a hang or a garbled screen
    r = subprocess.run([sys.executable, "-m", "mtreview", "review", str(project_dir),
                        "--reviewer", "x", "--blind"], stdin=subprocess.DEVNULL, check=False,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "needs a terminal" in r.stderr and "Traceback" not in r.stderr
    assert (project_dir / "store.sqlite").read_bytes() == before


def test_tmux_keys_in_one_burst_all_land_in_order(project_dir, tmp_path):
    term = Tmux(tmp_path)
    done = tmp_path / "rc"
    try:
        term.start(review_command(project_dir, done, "--reviewer", "burst"))
        term.wait_for("segment 1 ·")
        # one send-keys call: the terminal gets every key in one write, as from a paste
        term.tmux("send-keys", "-t", "t", "s77", "Enter", "Tab", "s66", "Enter", "Tab",
                  "s5", "Enter", "n", "s9", "Enter")
        term.wait_for("segment 2 ·")
        term.wait_for("score 9")
        term.keys("q")
        assert wait_exit(done) == 0
    finally:
        term.close()
    with Project.open(project_dir) as project:
        got = {(r.seg_id, r.system): r.score for r in project.store.reviews(reviewer="burst")}
    assert got == {(1, SYSTEMS[0]): 77.0, (1, SYSTEMS[1]): 66.0, (1, SYSTEMS[2]): 5.0,
                   (2, SYSTEMS[0]): 9.0}


def test_tmux_blind_review_shows_no_system_name_on_any_screen(project_dir, tmp_path):
    from mtreview.core.types import Flag

    with Project.open(project_dir) as project:
        project.store.replace_flags("t", [Flag(
            "numbers", "major", name, (1,), (), f"{name} drops a number; {other} keeps it")
            for name, other in zip(SYSTEMS, SYSTEMS[1:] + SYSTEMS[:1])])
    names = [n for s in SYSTEMS for n in (s, s[:8])]  # a cut name is a name too
    screens: dict[str, str] = {}
    term = Tmux(tmp_path)
    done = tmp_path / "rc"

    def look(name: str, wait: str) -> None:
        screens[name] = term.wait_for(wait)

    def escape() -> None:  # alone: a key right after ESC would read as alt+key
        term.keys("Escape")
        time.sleep(0.6)

    try:
        term.start(review_command(project_dir, done, "--reviewer", "b", "--blind"))
        look("review", "System C")
        term.keys("Enter")
        look("needs a score", "needs a score")
        term.keys("s")
        look("score prompt", "score System A")
        term.keys("7", "0", "Enter")
        look("scored", "score 70")
        term.keys("c")
        look("comment prompt", "comment on System A")
        term.keys("o", "k", "Enter", "u")
        look("undo", "undone")
        term.keys("t")
        look("context", "System A")
        term.keys("D")
        look("document", "segments (enter: go)")
        escape()
        term.keys("?")
        look("help", "all keys")
        escape()
        term.keys("S")
        look("summary", "hidden in blind review")
        time.sleep(1.0)
        look("summary", "hidden in blind review")
        escape()
        term.keys("/", "z", "q", "x", "Enter")
        look("search", "is not in the project")
        term.keys("q")
        assert wait_exit(done) == 0
        done.unlink()
        term.close()
        term = Tmux(tmp_path)
        term.start(review_command(project_dir, done, "--reviewer", "b", "--blind",
                                  "--protocol", "mqm"))
        look("mqm review", "System C")
        term.keys("M")
        look("category picker", "MQM category")
        escape()
        term.keys("Enter")
        look("no error", "saved with no error")
        term.keys("q")
        assert wait_exit(done) == 0
    finally:
        term.close()
    for name, screen in screens.items():
        leaked = [n for n in names if n in screen]
        assert not leaked, f"{name} shows {leaked}:\n{screen}"
    assert "System" in screens["review"] and "drops a number" in screens["review"]
