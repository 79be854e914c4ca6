"""Active review time: the time a reviewer spends on each translation, idle gaps excluded.

Every key (and click) of the review screen is an event; the time between two events counts
for the translation that had the focus, unless it is longer than ``IDLE_GAP_S`` (2 minutes:
the reviewer was away). A saved review's ``start_time`` is its ``end_time`` minus the active
time so far (this session's, plus what the stored review already held), so ``end_time -
start_time`` is the time worked on it, as WMT's ESA and MQM files expect. No UI here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

IDLE_GAP_S = 120.0


class ActiveTime:
    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 idle_gap_s: float = IDLE_GAP_S) -> None:
        self.clock, self.idle_gap_s = clock, idle_gap_s
        self.total: dict[Hashable, float] = {}
        self._held: dict[Hashable, float] = {}  # what the stored review already held
        self._last: tuple[float, Hashable] | None = None

    def touch(self, key: Hashable) -> None:
        """An event while ``key`` (e.g. (segment, system)) has the focus."""
        now = self.clock()
        if self._last is not None:
            then, focused = self._last
            if 0 <= now - then <= self.idle_gap_s:
                self.total[focused] = self.total.get(focused, 0.0) + (now - then)
        self._last = (now, key)

    def seen(self, key: Hashable) -> bool:
        return key in self.total or (self._last is not None and self._last[1] == key)

    def start_time(self, key: Hashable, end_iso: str, stored_start: str | None,
                   stored_end: str | None) -> str:
        """The ``start_time`` to save with ``end_iso``: minus this session's active time on
        ``key`` and the duration of the review as stored before this session."""
        held = self._held.setdefault(key, duration_s(stored_start, stored_end))
        end = datetime.fromisoformat(end_iso)
        start = end - timedelta(seconds=held + self.seconds(key))
        return start.isoformat(timespec="milliseconds")

    def seconds(self, key: Hashable) -> float:
        """Active seconds on ``key`` so far (the running stretch included when not idle)."""
        total = self.total.get(key, 0.0)
        if self._last is not None and self._last[1] == key:
            gap = self.clock() - self._last[0]
            if 0 <= gap <= self.idle_gap_s:
                total += gap
        return total


def duration_s(start_iso: str | None, end_iso: str | None) -> float:
    """Seconds between two stored ISO times (0 when either is missing)."""
    if not start_iso or not end_iso:
        return 0.0
    return max(0.0, (datetime.fromisoformat(end_iso)
                     - datetime.fromisoformat(start_iso)).total_seconds())
