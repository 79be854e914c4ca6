"""Active review time: idle gaps over 2 minutes are left out of a review's duration."""

from __future__ import annotations

from datetime import datetime

from mtreview.core.project import Project
from mtreview.tui.active_time import ActiveTime, duration_s
from mtreview.tui.session import ReviewSession

from .conftest import SYSTEMS


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_gaps_count_for_the_focused_card_unless_idle():
    clock = Clock()
    at = ActiveTime(clock)
    for t, key in ((0, "a"), (30, "a"), (50, "b"), (500, "b"), (510, "a")):
        clock.t = t
        at.touch(key)
    # a: 0→30, 30→50 (then b got the focus); b: 50→500 idle (left out), 500→510
    assert at.seconds("a") == 50 and at.seconds("b") == 10
    clock.t = 540
    assert at.seconds("a") == 80  # the running stretch counts
    clock.t = 700
    assert at.seconds("a") == 50  # … unless it has become an idle gap
    assert not at.seen("c") and at.seen("a")


def test_saved_review_lasts_its_active_time(project_dir):
    clock = Clock()
    times = iter(["2026-12-01T10:00:00.000+00:00", "2026-12-01T11:00:00.000+00:00"])
    with Project.open(project_dir) as project:
        session = ReviewSession(project, "tim", clock=lambda: next(times))
        session.activity = ActiveTime(clock)
        key = (1, SYSTEMS[0])
        for t in (0, 40, 45, 3000, 3020):  # 45 s of work, a long lunch, 20 s more
            clock.t = t
            session.activity.touch(key)
        first = session.set_score(1, SYSTEMS[0], 70)
        assert duration_s(first.start_time, first.end_time) == 65
        clock.t = 3030
        second = session.set_score(1, SYSTEMS[0], 75)  # an hour later by the wall clock
        assert duration_s(second.start_time, second.end_time) == 75
        assert datetime.fromisoformat(second.end_time).hour == 11
