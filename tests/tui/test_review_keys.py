"""Keys in bursts, Enter and clearing with ESA/DA/MQM, undo (issue 12, items 10 and 15)."""

from __future__ import annotations

from textual import events

from mtreview.core.project import Project
from mtreview.tui.app import create_app

from .conftest import SYSTEMS, drive, rendered


def reviews(path, **kw):
    with Project.open(path) as p:
        return {(r.seg_id, r.system): r for r in p.store.reviews(**kw)}


def burst(pilot, *keys: str) -> None:
    """Post every key at once, as a paste or typeahead delivers them (no pause between)."""
    chars = {"slash": "/", "space": " ", "question_mark": "?"}
    for key in keys:
        char = key if len(key) == 1 else chars.get(key)
        pilot.app.post_message(events.Key(key, char))


async def shown(pilot, text: str) -> str:
    """The screen once ``text`` is on it (notifications appear a few frames later)."""
    for _ in range(100):
        await pilot.pause(0.02)
        screen = rendered(pilot.app)
        if text in screen:
            return screen
    return rendered(pilot.app)


async def settle(pilot, test, tries: int = 200):
    for _ in range(tries):
        await pilot.pause(0.01)
        if test():
            return
    raise AssertionError("the keys of the burst were not all applied")


def test_a_burst_of_keys_lands_in_order_on_the_card_focused_when_typed(project_dir):
    app = create_app(project_dir, reviewer="fast")

    async def steps(pilot):
        burst(pilot, "s", "7", "7", "enter", "tab", "s", "6", "6", "enter", "tab",
              "s", "5", "enter", "n", "s", "9", "enter")
        await settle(pilot, lambda: len(reviews(project_dir)) == 4)

    drive(app, steps)
    got = {k: r.score for k, r in reviews(project_dir).items()}
    assert got == {(1, SYSTEMS[0]): 77.0, (1, SYSTEMS[1]): 66.0, (1, SYSTEMS[2]): 5.0,
                   (2, SYSTEMS[0]): 9.0}


def test_keys_typed_while_the_index_loads_are_kept(project_dir):
    app = create_app(project_dir, reviewer="early")

    async def steps(pilot):  # no wait for the first segment: keys go in at once
        burst(pilot, "tab", "s", "4", "2", "enter")
        await settle(pilot, lambda: len(reviews(project_dir)) == 1, 1000)

    import asyncio

    async def main():
        async with app.run_test(size=(140, 45)) as pilot:
            await steps(pilot)

    asyncio.run(main())
    assert {k: r.score for k, r in reviews(project_dir).items()} == {(1, SYSTEMS[1]): 42.0}


def test_enter_needs_a_score_and_clearing_one_asks_first(project_dir):
    app = create_app(project_dir, reviewer="ann", protocol="da")

    async def steps(pilot):
        out = {}
        await pilot.press("enter")  # no score yet: not saved
        await pilot.pause()
        out["unscored"] = reviews(project_dir)
        out["notice"] = await shown(pilot, "needs a score first")
        await pilot.press("s", "8", "0", "enter", "s", "enter")  # empty score: asks
        await pilot.pause()
        out["asked"] = rendered(pilot.app)
        await pilot.press("n")  # no: the score stays
        await pilot.pause()
        out["kept"] = reviews(project_dir)[(1, SYSTEMS[0])].score
        await pilot.press("s", "enter", "y")  # yes: cleared
        await pilot.pause()
        out["cleared"] = reviews(project_dir)[(1, SYSTEMS[0])].score
        return out

    out = drive(app, steps, notifications=True)
    assert out["unscored"] == {}
    assert "needs a score first" in out["notice"]
    assert "clear the score 80" in out["asked"]
    assert out["kept"] == 80.0 and out["cleared"] is None


def test_mqm_done_with_spans_or_an_explicit_no_error(project_dir):
    app = create_app(project_dir, reviewer="mo", protocol="mqm")

    async def steps(pilot):
        await pilot.press("tab", "enter")  # card 2: explicitly no error
        await pilot.pause()
        screen = pilot.app.review_screen
        return await shown(pilot, "saved with no error"), screen.session.reviewed.get(1, 0)

    screen, done = drive(app, steps, notifications=True)
    (review,) = reviews(project_dir).values()
    assert (review.system, review.spans, review.protocol) == (SYSTEMS[1], (), "mqm")
    assert "saved with no error" in screen and done == 1


def test_undo_restores_the_previous_state_in_the_store(project_dir):
    app = create_app(project_dir, reviewer="uma")

    async def steps(pilot):
        seen = []
        await pilot.press("s", "5", "0", "enter", "s", "6", "0", "enter", "m")
        await pilot.pause()
        seen.append(reviews(project_dir)[(1, SYSTEMS[0])])
        await pilot.press("n", "u")  # undo the span, from another segment: back to it
        await pilot.pause()
        seen.append(pilot.app.review_screen.view.segment.id)
        seen.append(reviews(project_dir)[(1, SYSTEMS[0])])
        await pilot.press("u")  # the score goes back to 50
        await pilot.pause()
        seen.append(reviews(project_dir)[(1, SYSTEMS[0])])
        await pilot.press("u", "u")  # nothing saved before the first score: deleted
        await pilot.pause()
        seen.append(reviews(project_dir))
        seen.append(await shown(pilot, "nothing to undo"))
        return seen

    marked, seg_after_undo, unmarked, back, gone, screen = drive(app, steps, notifications=True)
    assert (marked.score, len(marked.spans)) == (60.0, 1)
    assert seg_after_undo == 1
    assert (unmarked.score, unmarked.spans) == (60.0, ())
    assert (back.score, back.spans) == (50.0, ())
    assert gone == {} and "nothing to undo" in screen


def test_mqm_without_spans_left_is_not_reviewed_and_undo_brings_the_span_back(project_dir):
    from mtreview.core.types import ErrorSpan
    from mtreview.tui.session import ReviewSession

    with Project.open(project_dir) as p:
        session = ReviewSession(p, "mia", "mqm")
        session.load_index()
        session.view(1)
        session.add_span(1, SYSTEMS[0], ErrorSpan(0, 3, "major", "Accuracy/Mistranslation"))
        assert session.reviewed == {1: 1}
        session.delete_span(1, SYSTEMS[0], "tgt", 1)
        assert session.reviewed.get(1, 0) == 0 and p.store.reviews(reviewer="mia") == []
        session.undo()
        (back,) = p.store.reviews(reviewer="mia")
        assert [s.category for s in back.spans] == ["Accuracy/Mistranslation"]
        assert session.reviewed == {1: 1}


def test_a_pasted_burst_is_typed_key_by_key(project_dir):
    app = create_app(project_dir, reviewer="paste")

    async def steps(pilot):
        pilot.app.screen.post_message(events.Paste("s77\r\ts66\r"))
        await settle(pilot, lambda: len(reviews(project_dir)) == 2)

    drive(app, steps)
    got = {k: r.score for k, r in reviews(project_dir).items()}
    assert got == {(1, SYSTEMS[0]): 77.0, (1, SYSTEMS[1]): 66.0}


def test_keys_of_a_burst_go_to_a_picker_it_opens_then_back_to_the_review(project_dir):
    from mtreview.core.protocols import MQM_CATEGORIES

    app = create_app(project_dir, reviewer="pick", protocol="mqm")

    async def steps(pilot):
        # major, then Accuracy and its first subcategory in the category picker, in one go
        # … and what follows the picker goes back to the review: card 2, no error
        burst(pilot, "M", "a", "1", "tab", "enter")
        await settle(pilot, lambda: len(reviews(project_dir)) == 2)

    drive(app, steps)
    got = reviews(project_dir)
    first_accuracy = next(c for c in MQM_CATEGORIES if c.startswith("Accuracy/"))
    assert [(s.severity, s.category) for s in got[(1, SYSTEMS[0])].spans] == [
        ("major", first_accuracy)]
    assert got[(1, SYSTEMS[1])].spans == ()


def test_a_burst_can_type_into_the_pickers_filter_box(project_dir):
    app = create_app(project_dir, reviewer="filt", protocol="mqm")

    async def steps(pilot):
        burst(pilot, "m", "slash", "o", "m", "i", "s", "enter", "tab", "enter")
        await settle(pilot, lambda: len(reviews(project_dir)) == 2)

    drive(app, steps)
    got = reviews(project_dir)
    assert [(s.severity, s.category) for s in got[(1, SYSTEMS[0])].spans] == [
        ("minor", "Accuracy/Omission")]
    assert got[(1, SYSTEMS[1])].spans == ()


def test_progress_and_reviews_are_per_protocol(project_dir):
    from mtreview.core.types import ErrorSpan
    from mtreview.tui.session import ReviewSession

    with Project.open(project_dir) as p:
        mqm = ReviewSession(p, "pat", "mqm")
        mqm.load_index()
        for system in SYSTEMS:  # segment 1 done in MQM
            mqm.add_span(1, system, ErrorSpan(0, 2, "minor", "Fluency/Grammar"))
        assert mqm.is_done(1)
    app = create_app(project_dir, reviewer="pat", protocol="da")

    async def steps(pilot):
        screen = pilot.app.review_screen
        first = screen.view.segment.id  # segment 1 is not done in DA: resume there
        await pilot.press("s", "4", "0", "enter")
        await pilot.pause()
        return first, [c.review for c in screen.view.cards]

    first, da_cards = drive(app, steps)
    assert first == 1 and da_cards[1:] == [None, None]
    got = {(r.system, r.protocol): r for r in _all(project_dir, "pat")}
    assert got[(SYSTEMS[0], "da")].score == 40.0 and got[(SYSTEMS[0], "da")].spans == ()
    assert [s.category for s in got[(SYSTEMS[0], "mqm")].spans] == ["Fluency/Grammar"]
    assert len(got) == 4


def _all(path, reviewer):
    with Project.open(path) as p:
        return p.store.reviews(reviewer=reviewer)
