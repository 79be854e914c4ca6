"""Span marking in the app: jump labels, counts, motions, the cursor's memory, the mouse."""

from __future__ import annotations

from mtreview.arabic.display import display_lines
from mtreview.core.project import Project
from mtreview.tui.app import create_app
from mtreview.tui.marking import jump_labels, word_spans
from mtreview.tui.widgets.segment_pane import SegmentPane

from .conftest import SYSTEMS, drive, rendered


def spans_of(path, system=SYSTEMS[0]):
    with Project.open(path) as p:
        return [r for r in p.store.reviews() if r.system == system]


def text_of(path, seg_id=1, system=SYSTEMS[0]):
    with Project.open(path) as p:
        return p.store.translations_of(seg_id)[system]


def test_jump_label_then_extend_marks_in_four_keys(project_dir):
    text = text_of(project_dir)
    words = word_spans(text)
    assert len(words) > 5
    label = jump_labels(len(words))[3]

    async def steps(pilot):
        await pilot.press("g")
        shown = rendered(pilot.app)
        await pilot.press(*label, "e", "M")
        await pilot.pause()
        return shown

    shown = drive(create_app(project_dir, reviewer="ann"), steps)
    (review,) = spans_of(project_dir)
    (span,) = review.spans
    assert (span.start, span.end, span.severity) == (words[3][0], words[4][1], "major")
    assert span.origin == "reviewer"
    assert "".join(jump_labels(len(words))[:3]) not in text  # labels really were drawn
    assert all(lab in shown for lab in jump_labels(len(words))[:3])


def test_counts_motions_and_the_cursor_kept_per_card(project_dir):
    text = text_of(project_dir)
    words = word_spans(text)

    async def steps(pilot):
        screen = pilot.app.review_screen
        await pilot.press("3", "l", "2", "e", "m")  # words 4–6 minor
        await pilot.press("tab", "w", "w", "tab", "tab")  # round trip: back on card 1
        at_card1 = (screen.focus_card, screen.word, screen.anchor)
        await pilot.press("tab")
        on_card2 = screen.word
        await pilot.press("dollar_sign")
        last = screen.word
        await pilot.press("0")
        first = screen.word
        return at_card1, on_card2, last, first

    at_card1, on_card2, last, first = drive(create_app(project_dir, reviewer="ann"), steps)
    assert at_card1 == (0, 5, 3)
    assert on_card2 == 2
    assert last == len(word_spans(text_of(project_dir, 1, SYSTEMS[1]))) - 1 and first == 0
    (review,) = spans_of(project_dir)
    assert [(s.start, s.end, s.severity) for s in review.spans] == [
        (words[3][0], words[5][1], "minor")]


def test_click_and_drag_select_words(project_dir):
    text = text_of(project_dir, 1, SYSTEMS[1])
    words = word_spans(text)

    def where(pane, word):
        width = pane.scrollable_content_region.width
        lines = display_lines(text, max(4, width - 4), pane.app.review_screen.mode, False)
        logical = list(lines[0].logical)
        return 2 + logical.index(words[word][0]), pane._starts["card1"] + 1

    async def steps(pilot):
        pane = pilot.app.screen.query_one(SegmentPane)
        x1, y = where(pane, 1)
        x2, _ = where(pane, 2)
        await pilot.mouse_down("#pane", offset=(x1, y))
        await pilot.mouse_up("#pane", offset=(x2 + 1, y))
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.review_screen
        return screen.focus_card

    assert drive(create_app(project_dir, reviewer="ann"), steps) == 1
    (review,) = spans_of(project_dir, SYSTEMS[1])
    assert [(s.start, s.end) for s in review.spans] == [(words[1][0], words[2][1])]


def test_jump_extend_to_a_labelled_word(project_dir):
    text = text_of(project_dir)
    words = word_spans(text)
    labels = jump_labels(len(words))

    async def steps(pilot):
        await pilot.press("g", *labels[1], "G", *labels[4], "m")
        await pilot.pause()

    drive(create_app(project_dir, reviewer="ann"), steps)
    (review,) = spans_of(project_dir)
    assert [(s.start, s.end) for s in review.spans] == [(words[1][0], words[4][1])]


def test_click_on_the_right_to_left_source_marks_an_omission(project_dir):
    with Project.open(project_dir) as p:
        source = p.store.segment(1).source
    words = word_spans(source)

    async def steps(pilot):
        pane = pilot.app.screen.query_one(SegmentPane)
        width = pane.scrollable_content_region.width
        lines = display_lines(source, max(4, width - 4), pilot.app.review_screen.mode, True)
        logical = list(lines[0].logical)
        x = 2 + logical.index(words[1][0] + 1)  # a letter inside the second word
        await pilot.click("#pane", offset=(x, pane._starts["source"] + 1))
        await pilot.press("m")
        await pilot.pause()
        return pilot.app.review_screen.side

    assert drive(create_app(project_dir, reviewer="ann"), steps) == "src"
    (review,) = spans_of(project_dir)
    assert [(s.side, s.start, s.end) for s in review.spans] == [("src", *words[1])]
