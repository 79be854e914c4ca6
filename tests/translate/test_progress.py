"""The progress bar: done/total, sentences per second and ETA, on the stream it is given."""

from __future__ import annotations

import io
import re

import tqdm.std

from mtreview.translate.progress import progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    """A clock for tqdm that reads ``now``: a machine booted ``now`` seconds ago."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_terminal_bar_redraws_one_line():
    out = Terminal()
    bar = progress_bar(10, label="sys", stream=out)
    for _ in range(10):
        bar.update(1)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    last = text.rstrip("\n").split("\r")[-1]
    assert re.search(r"^sys: 100%.*\| 10/10 \[\d\d:\d\d<00:00, +[\d.]+sent/s\]", last), last


def test_log_lines_are_throttled_from_the_bar_start_on_a_fresh_machine(monkeypatch):
    clock = Clock(1.0)  # booted one second ago: less than the interval (issue 13)
    monkeypatch.setattr(tqdm.std, "time", clock)
    out = io.StringIO()
    bar = progress_bar(1000, label="sys", stream=out, interval=10)
    assert out.getvalue().count("\n") == 1  # the start line
    for i in range(1, 500):
        clock.now = 1.0 + 0.02 * i
        bar.update(1)
    assert out.getvalue().count("\n") == 1  # 9.98 s since the start: nothing yet
    clock.now = 11.0
    bar.update(1)  # 10 s after the bar started: a line, whatever the uptime
    lines = out.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert re.fullmatch(r"sys 500/1000 \(50%\) 50\.00sent/s elapsed 00:10 ETA 00:10",
                        lines[1]), lines[1]
    clock.now += 1.0
    bar.update(10)
    assert out.getvalue().count("\n") == 2  # throttled
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[2].startswith("sys 510/1000 (51%)"), lines
    assert "\r" not in out.getvalue()


def test_final_state_is_written_once():
    out = io.StringIO()
    bar = progress_bar(3, label="sys", stream=out, interval=3600)
    bar.update(3)  # not yet an interval since the start
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("sys 3/3 (100%)"), lines


def test_disabled_bar_writes_nothing():
    out = io.StringIO()
    bar = progress_bar(5, stream=out, enabled=False)
    bar.update(5)
    bar.close()
    assert out.getvalue() == ""
