"""The progress bar: done/total, sentences per second and ETA, on the stream it is given."""

from __future__ import annotations

import io
import re

from mtreview.translate.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_bar_redraws_one_line():
    out = Terminal()
    bar = Progress(10, label="sys", stream=out)
    for _ in range(10):
        bar.update(1)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    last = text.rstrip("\n").split("\r")[-1]
    assert re.match(r"sys \[#{24}\] 10/10 \d+\.\d sent/s ETA 00:00", last), last


def test_log_output_is_throttled_and_eta_counts_down():
    out = io.StringIO()
    bar = Progress(1000, label="sys", stream=out, interval=3600)
    bar.update(1)  # the first update is written, then at most one line per interval
    for _ in range(498):
        bar.update(1)
    bar.start -= 10.0  # as if 499 sentences took 10 s
    bar.update(1)
    assert out.getvalue().count("\n") == 1
    line = bar.line()
    assert "500/1000" in line and "[############............]" in line
    rate = float(re.search(r"(\d+\.\d) sent/s", line).group(1))
    assert 45 < rate < 51
    assert re.search(r"ETA 00:(09|10|11)", line), line
    bar.update(500)
    assert out.getvalue().count("\n") == 2  # the final state is always written


def test_disabled_bar_writes_nothing():
    out = io.StringIO()
    bar = Progress(5, stream=out, enabled=False)
    bar.update(5)
    bar.close()
    assert out.getvalue() == ""
