"""The flags panel groups the flags of one system on a segment into one item (issue 14):
MADAR segment 2 with gemma-3-27b-it (a garbage line) trips four checks, one problem."""

from __future__ import annotations

import re

from mtreview.checks.base import run_checks, save_flags
from mtreview.core.project import Project
from mtreview.tui.app import create_app

from .conftest import SYSTEMS, drive, rendered

GEMMA = "gemma-3-27b-it"
FOUR = ("wrong-script", "untranslated", "repetition", "number-mismatch")


def _checked(project_dir):
    with Project.open(project_dir) as p:
        flags = run_checks(p, only=FOUR)
        save_flags(p.store, flags, FOUR)
    return [f for f in flags if f.segments == (2,) and f.system == GEMMA]


def _item_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("⚑")]


def test_flags_of_one_system_on_a_segment_are_one_item_with_their_evidence(project_dir):
    gemma_flags = _checked(project_dir)
    assert sorted(f.check for f in gemma_flags) == sorted(FOUR)
    app = create_app(project_dir, reviewer="grouper", protocol="esa", display="logical")

    async def steps(pilot):
        await pilot.press("n")
        await pilot.pause()
        screen = pilot.app.review_screen
        gemma = next(i for i, c in enumerate(screen.view.cards) if c.system == GEMMA)
        block = screen.flags_block()
        await pilot.press("right", "right")  # keys on the same segment: no new rendering
        await pilot.pause()
        again = screen.flags_block()
        return (screen.view.segment.id, block.plain, again is block,
                screen.suggestions_of(gemma), len(screen.view.flags))

    seg_id, panel, cached, suggested, n_flags = drive(app, steps)
    assert seg_id == 2
    items = _item_lines(panel)
    gemma_items = [line for line in items if f"[{GEMMA}]" in line]
    assert len(gemma_items) == 1, panel
    assert all(check in gemma_items[0] for check in FOUR)
    assert len(items) < n_flags  # fewer items than flags
    for f in gemma_flags:  # each flag's evidence is under the item
        assert re.search(rf"· {re.escape(f.check)} major: {re.escape(f.message)}", panel), panel
    assert cached
    # the flags' spans are still suggested on gemma's card
    assert suggested and all(s.system == GEMMA and s.check in FOUR for s in suggested)


def test_blind_grouped_item_shows_the_card_label_not_the_system(project_dir):
    _checked(project_dir)
    app = create_app(project_dir, reviewer="blind-grouper", blind=True)

    async def steps(pilot):
        await pilot.press("n")
        await pilot.pause()
        screen = pilot.app.review_screen
        label = next(c.label for c in screen.view.cards if c.system == GEMMA)
        return label, screen.flags_block().plain, rendered(pilot.app)

    label, panel, screen_text = drive(app, steps)
    (item,) = [line for line in _item_lines(panel) if all(c in line for c in FOUR)]
    assert f"[{label}] 4 flags" in item
    for text in (panel, screen_text):
        assert not [name for name in SYSTEMS if name in text], text
