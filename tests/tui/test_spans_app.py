"""Spans in the app: the list under each card, editing in place, the MQM picker, suggested
spans from flags (accept, dismiss, edit)."""

from __future__ import annotations

from mtreview.core.project import Project
from mtreview.core.types import Flag, SpanRef
from mtreview.tui.app import create_app
from mtreview.tui.marking import jump_labels, word_spans
from mtreview.tui.mqm_picker import category_tree, filtered, hotkeys

from .conftest import SYSTEMS, drive, rendered


def saved(path, system=SYSTEMS[0]):
    with Project.open(path) as p:
        return [s for r in p.store.reviews() if r.system == system for s in r.spans]


def first_text(path, system=SYSTEMS[0]):
    with Project.open(path) as p:
        return p.store.translations_of(1)[system]


def test_severity_changes_in_place_and_the_list_shows_spans(project_dir):
    text = first_text(project_dir)
    words = word_spans(text)
    label = jump_labels(len(words))[1]

    async def steps(pilot):
        await pilot.press("g", *label, "e", "M")
        await pilot.pause()
        listed = rendered(pilot.app)
        await pilot.press("m")  # the same selection: the span becomes minor
        await pilot.press("!")  # not an ESA severity: nothing changes
        await pilot.pause()
        return listed

    listed = drive(create_app(project_dir, reviewer="eve"), steps)
    (span,) = saved(project_dir)
    assert (span.start, span.end, span.severity) == (words[1][0], words[2][1], "minor")
    assert f"“{text[span.start:span.end]}” major" in listed


def test_mqm_hotkeys_filter_and_recategorize_in_place(project_dir):
    words = word_spans(first_text(project_dir))

    async def steps(pilot):
        await pilot.press("!", "a", "3")  # critical, Accuracy → Mistranslation
        await pilot.pause()
        first = list(saved(project_dir))
        await pilot.press("C", "f", "1")  # Fluency → Punctuation
        await pilot.pause()
        second = list(saved(project_dir))
        await pilot.press("C", "slash", *"omis", "enter")
        await pilot.pause()
        return first, second, rendered(pilot.app)

    first, second, screen = drive(create_app(project_dir, reviewer="eve", protocol="mqm"),
                                  steps)
    assert [(s.start, s.end, s.severity, s.category) for s in first] == [
        (words[0][0], words[0][1], "critical", "Accuracy/Mistranslation")]
    assert [(s.severity, s.category) for s in second] == [("critical", "Fluency/Punctuation")]
    assert [(s.severity, s.category) for s in saved(project_dir)] == [
        ("critical", "Accuracy/Omission")]
    assert "Accuracy/Omission" in screen


def test_picker_tree_hotkeys_and_filter():
    from mtreview.core.protocols import MQM_CATEGORIES, MQM_TREE

    tree = category_tree(list(MQM_CATEGORIES))
    assert list(tree) == list(MQM_TREE)
    keys = hotkeys(list(tree))
    assert len(set(keys.values())) == len(keys)
    assert (keys["Accuracy"], keys["Fluency"], keys["Non-translation"]) == ("a", "f", "n")
    assert filtered(list(MQM_CATEGORIES), "omis") == ["Accuracy/Omission"]
    assert filtered(list(MQM_CATEGORIES), "format date") == ["Locale convention/Date format"]


def test_suggested_spans_accept_edit_dismiss(project_dir):
    text = first_text(project_dir)
    words = word_spans(text)
    refs = [SpanRef(1, "tgt", *words[k], SYSTEMS[0]) for k in (0, 2, 4)]
    with Project.open(project_dir) as p:
        p.store.replace_flags("t", [
            Flag("number-mismatch", "major", SYSTEMS[0], (1,), ("x",), "a number", (refs[0],)),
            Flag("name-rendering", "minor", SYSTEMS[0], (1,), ("y",), "a name", (refs[1],)),
            Flag("repetition", "major", SYSTEMS[0], (1,), ("z",), "again", (refs[2],))])

    async def steps(pilot):
        shown = rendered(pilot.app)
        await pilot.press("a")  # accept the one under the cursor (word 1), as proposed
        await pilot.press("right_square_bracket", "M")  # next suggestion, accepted as major
        await pilot.press("right_square_bracket", "z")  # the last one: dismissed
        await pilot.pause()
        return shown, rendered(pilot.app)

    before, after = drive(create_app(project_dir, reviewer="eve"), steps)
    assert before.count("suggested") == 3
    assert "suggested" not in after
    got = {(s.start, s.severity, s.origin) for s in saved(project_dir)}
    assert got == {(words[0][0], "major", "check:number-mismatch"),
                   (words[2][0], "major", "check:name-rendering:edited")}


def test_a_dismissed_suggestion_stays_dismissed_after_reopening(project_dir):
    words = word_spans(first_text(project_dir))
    with Project.open(project_dir) as p:
        p.store.replace_flags("t", [Flag("repetition", "major", SYSTEMS[0], (1,), ("z",),
                                         "again", (SpanRef(1, "tgt", *words[1], SYSTEMS[0]),))])

    async def dismiss(pilot):
        before = rendered(pilot.app)
        await pilot.press("z")
        await pilot.pause()
        return before

    async def look(pilot):
        return rendered(pilot.app)

    assert "suggested" in drive(create_app(project_dir, reviewer="ole"), dismiss)
    assert "suggested" not in drive(create_app(project_dir, reviewer="ole"), look)
    assert "suggested" in drive(create_app(project_dir, reviewer="pat"), look)
    assert saved(project_dir) == []
