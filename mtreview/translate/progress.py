"""Progress on stderr for long runs (translation): done/total, sentences per second, ETA.

Built on tqdm. On a terminal it is tqdm's one redrawn line; otherwise (a log file, a pipe)
it writes a plain line at most every ``interval`` seconds, measured from the bar's own start,
and always the final state, so logs stay readable.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tqdm import tqdm

PLAIN_FORMAT = ("{desc} {n_fmt}/{total_fmt} ({percentage:.0f}%) {rate_fmt} "
                "elapsed {elapsed} ETA {remaining}")


class _PlainLines(tqdm):
    """tqdm that writes each display as one plain line (no carriage returns, no bar)."""

    monitor_interval = 0  # no monitor thread: lines are written from update() only

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        if msg == "":  # tqdm clearing its line: nothing to clear in a log
            return False
        self.fp.write(f"{self if msg is None else msg}\n")
        self.fp.flush()
        return True

    def close(self) -> None:
        if not self.disable and self.n != self.last_print_n:
            self.refresh()  # the final state is always written
        self.leave = False
        super().close()


def progress_bar(total: int, label: str = "", stream: TextIO | None = None,
             enabled: bool = True, interval: float = 10.0) -> Any:
    """A progress bar over ``total`` sentences: ``update(n)``, then ``close()``.

    ``interval``: seconds between plain lines when ``stream`` is not a terminal.
    """
    stream = stream if stream is not None else sys.stderr
    disable = not enabled or total <= 0
    common: dict[str, Any] = {"total": total, "desc": label, "file": stream, "unit": "sent",
                              "disable": disable, "dynamic_ncols": True}
    if bool(getattr(stream, "isatty", lambda: False)()):
        return tqdm(**common, mininterval=0.125)
    return _PlainLines(**common, mininterval=interval, miniters=1, smoothing=0,
                       bar_format=PLAIN_FORMAT)
