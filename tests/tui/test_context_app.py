"""Document context (neighbours, whole document), resume point and the key bar."""

from __future__ import annotations

from mtreview.core.project import Project
from mtreview.tui.app import create_app
from mtreview.tui.bindings import effective_keys
from mtreview.tui.footer import footer

from .conftest import SYSTEMS, drive, rendered


def test_footer_fits_80_columns_with_the_protocols_keys_first():
    keys = effective_keys({})
    esa, mqm, da = (footer(keys, p, 80).plain for p in ("esa", "mqm", "da"))
    for text in (esa, mqm, da):
        assert len(text) <= 80 and text.rstrip().endswith("q  quit")
        assert " ? " in text
    assert mqm.startswith(" m  minor  M  major  !  critical  C  category ")
    assert esa.startswith(" m  minor  M  major  g  jump ") and " s  score " in esa
    assert da.startswith(" s  score ") and "minor" not in da and "critical" not in esa
    remapped = footer(effective_keys({"jump": "j"}), "esa", 80).plain
    assert " j  jump " in remapped
    assert len(footer(keys, "esa", 200).plain) > 80  # a wider terminal shows more


def test_context_document_view_and_resume(project_dir):
    with Project.open(project_dir) as p:
        segs = {s.id: s for s in p.store.segments()}
        tr = {i: p.store.translations_of(i)[SYSTEMS[0]] for i in (2, 3, 4)}

    async def steps(pilot):
        screen = pilot.app.review_screen
        await pilot.press("n", "n")  # segment 3
        await pilot.press("t")
        with_context = screen.query_one("#pane").text()
        await pilot.press("t")
        without = screen.query_one("#pane").text()
        await pilot.press("D")
        await pilot.pause()
        document = rendered(pilot.app)
        await pilot.press("down", "down", "enter")  # two segments further
        await pilot.pause()
        return with_context, without, document, screen.view.segment.id

    with_context, without, document, went = drive(create_app(project_dir, reviewer="ken"),
                                                  steps)
    assert "▲ segment 2" in with_context and "▼ segment 4" in with_context
    assert tr[2][:30] in with_context.replace("\n", " ") or tr[2][:20] in with_context
    assert "segment 2" not in without
    assert "segment" in document and f"{segs[3].doc_id}" in document
    assert went == 5

    async def where(pilot):
        return pilot.app.review_screen.view.segment.id

    assert drive(create_app(project_dir, reviewer="ken"), where) == 5
    assert drive(create_app(project_dir, reviewer="ken", protocol="mqm"), where) == 1


def test_80x24_footer_and_a_readable_card(project_dir):
    with Project.open(project_dir) as p:
        first = p.store.translations_of(1)[SYSTEMS[0]]

    async def steps(pilot):
        return rendered(pilot.app)

    screen = drive(create_app(project_dir, reviewer="lee"), steps, size=(80, 24))
    lines = screen.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert "m  minor" in lines[-1] and "quit" in lines[-1]
    words = first.split()[:3]
    assert " ".join(words) in screen.replace("\n", " ") or words[0] in screen


def test_tmux_80x24_shows_the_footer_and_a_readable_card(project_dir, tmp_path):
    from .test_review_cli import Tmux, review_command, wait_exit

    with Project.open(project_dir) as p:
        first = p.store.translations_of(1)[SYSTEMS[0]]
    term = Tmux(tmp_path, width=80, height=24)
    done = tmp_path / "rc"
    try:
        term.start(review_command(project_dir, done, "--reviewer", "small"))
        screen = term.wait_for("quit")
        term.keys("q")
        assert wait_exit(done) == 0
    finally:
        term.close()
    print(screen)  # pytest -s shows it
    lines = screen.splitlines()
    assert "m  minor" in lines[-1] and "?  help" in lines[-1] and "q  quit" in lines[-1]
    card = next(i for i, line in enumerate(lines) if SYSTEMS[0] in line)
    body = lines[card + 1]
    assert body.index("║") < 20  # the segment list is narrow: the card starts on the left
    # the card's first line holds the translation's first words, whole
    assert " ".join(first.split()[:4]) in body


def test_auto_advance_after_a_score(tmp_path, madar):
    from .conftest import build_project

    path = build_project(tmp_path / "auto", madar, n=4,
                         extra_config={"review": {"auto_advance": True}})

    async def steps(pilot):
        screen = pilot.app.review_screen
        await pilot.press("s", "7", "0", "enter")
        await pilot.pause()
        after_first = screen.focus_card
        for _ in SYSTEMS[1:]:
            await pilot.press("s", "6", "0", "enter")
        await pilot.pause()
        return after_first, screen.view.segment.id, screen.focus_card

    assert drive(create_app(path, reviewer="ava"), steps) == (1, 2, 0)

    async def stays(pilot):
        await pilot.press("s", "7", "0", "enter")
        await pilot.pause()
        return pilot.app.review_screen.focus_card

    assert drive(create_app(tmp_path / "auto", reviewer="bo", protocol="esa"), stays) == 1
    assert drive(create_app(_plain(tmp_path, madar), reviewer="bo"), stays) == 0


def _plain(tmp_path, madar):
    from .conftest import build_project

    return build_project(tmp_path / "plain", madar, n=4)


def test_search_highlights_and_says_when_it_wrapped(project_dir):
    from .test_review_keys import shown

    with Project.open(project_dir) as p:  # a word of segment 2 found nowhere else
        texts = {s.id: " ".join([s.source, *p.store.translations_of(s.id).values()]).lower()
                 for s in p.store.segments()}
        english = " ".join(p.store.translations_of(2).values()).lower()
    word = next(w.strip(".,!?") for w in english.split() if len(w) > 3 and not any(
        w.strip(".,!?") in t for i, t in texts.items() if i != 2))

    async def steps(pilot):
        screen = pilot.app.review_screen
        await pilot.press("n", "n", "n")  # segment 4: the match in segment 2 is behind
        await pilot.press("slash", *word, "enter")
        text = await shown(pilot, "wrapped around")
        found = []
        for card in screen.view.cards:
            _, spans = screen.overlay_text(card.text, [], False)
            found += [card.text[a:b] for a, b, kind in spans if kind == "search"]
        return screen.view.segment.id, text, found

    seg, text, found = drive(create_app(project_dir, reviewer="cy"), steps,
                             notifications=True)
    assert seg == 2 and "wrapped around" in text
    assert found and all(f.lower() == word.lower() for f in found)


def test_list_marker_changes_at_once(project_dir):
    async def steps(pilot):
        await pilot.press("s", "5", "0", "enter")
        await pilot.pause()
        half = rendered(pilot.app).splitlines()[1]
        for _ in SYSTEMS[1:]:
            await pilot.press("tab", "s", "5", "0", "enter")
        await pilot.pause()
        return half, rendered(pilot.app).splitlines()[1]

    half, done = drive(create_app(project_dir, reviewer="dee"), steps)
    assert half.startswith("›◐") and done.startswith("›✓")


def test_a_read_only_project_can_be_browsed(project_dir):
    import os
    import stat

    store = next(p for p in project_dir.iterdir() if p.suffix == ".sqlite")
    mode = store.stat().st_mode
    os.chmod(store, stat.S_IRUSR | stat.S_IRGRP)
    try:
        async def steps(pilot):
            await pilot.press("n", "n", "t", "p")
            await pilot.pause()
            return pilot.app.session.store.read_only, pilot.app.review_screen.view.segment.id

        assert drive(create_app(project_dir, reviewer="ro"), steps) == (True, 2)
    finally:
        os.chmod(store, mode)
