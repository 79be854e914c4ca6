"""Pilot tests: press keys in the real app, then look at the store and at the screen."""

from __future__ import annotations

import re
from datetime import datetime

from mtreview.core.project import Project
from mtreview.core.types import Flag, SpanRef
from mtreview.tui.app import create_app
from mtreview.tui.widgets.translation_card import card_block

from .conftest import SYSTEMS, build_project, drive, rendered


def reviews(path, **kw):
    with Project.open(path) as p:
        return p.store.reviews(**kw)


def texts(path, seg_id):
    with Project.open(path) as p:
        return p.store.translations_of(seg_id), p.store.segment(seg_id).source


def test_score_with_keys_is_saved_at_once(project_dir):
    app = create_app(project_dir, reviewer="alice")

    async def steps(pilot):
        await pilot.press("s", "8", "5", "enter")
        await pilot.pause()
        saved = reviews(project_dir)  # read by another connection while the app runs
        assert "score 85" in rendered(pilot.app)
        await pilot.press("tab", "s", "4", "0", "enter")
        await pilot.pause()
        return saved

    saved_while_open = drive(app, steps)
    assert [(r.seg_id, r.system, r.score) for r in saved_while_open] == [(1, SYSTEMS[0], 85.0)]
    by_system = {r.system: r for r in reviews(project_dir)}
    assert by_system[SYSTEMS[1]].score == 40.0
    for r in by_system.values():
        assert r.reviewer == "alice" and r.protocol == "esa"
        assert datetime.fromisoformat(r.start_time) <= datetime.fromisoformat(r.end_time)


def test_mark_and_delete_spans_with_the_word_cursor(project_dir):
    app = create_app(project_dir, reviewer="bob")
    translations, source = texts(project_dir, 1)
    words = re.findall(r"\S+", translations[SYSTEMS[0]])
    src_words = [m.span() for m in re.finditer(r"\S+", source)]

    async def steps(pilot):
        await pilot.press("right", "shift+right", "M")  # words 2–3: major
        await pilot.press("left", "left", "m")  # word 1: minor
        await pilot.pause()
        first = reviews(project_dir)[0].spans
        await pilot.press("x")  # delete the minor span under the cursor
        await pilot.press("o", "m")  # omission: the first logical word of the source
        await pilot.pause()
        return first

    first = drive(app, steps)
    text = translations[SYSTEMS[0]]
    assert sorted((text[s.start:s.end], s.severity) for s in first) == sorted(
        [(" ".join(words[1:3]), "major"), (words[0], "minor")])
    (review,) = reviews(project_dir)
    assert [(s.side, s.severity) for s in review.spans] == [("src", "minor"), ("tgt", "major")]
    src_span = review.spans[0]
    assert (src_span.start, src_span.end) == src_words[0]


def test_flags_are_listed_highlighted_and_f_jumps_to_them(project_dir):
    translations, _ = texts(project_dir, 7)
    target = translations[SYSTEMS[1]]
    word = re.search(r"\S+", target).span()
    with Project.open(project_dir) as p:
        p.store.replace_flags("t1", [Flag(
            "numbers", "major", SYSTEMS[1], (7,), ("x",), "a number is missing",
            (SpanRef(7, "tgt", word[0], word[1], SYSTEMS[1]),))])
    app = create_app(project_dir, reviewer="carol")

    async def steps(pilot):
        await pilot.press("f")
        await pilot.pause()
        screen = pilot.app.review_screen
        card = screen.view.cards[1]
        _panel, body = card_block(card.text, 100, screen.mode, screen.card_spans(1), card.label,
                                  None, "esa", False)
        return screen.view.segment.id, rendered(pilot.app), body

    seg_id, screen_text, card_text = drive(app, steps)
    assert seg_id == 7
    assert "a number is missing" in screen_text and "numbers" in screen_text
    assert "⚑1" in screen_text  # the segment list counts the flag
    underlined = [(s.start, s.end) for s in card_text.spans if s.style.underline]
    assert underlined and target[word[0]:word[1]] in card_text.plain
    start = card_text.plain.index(target[word[0]:word[1]])
    assert any(a <= start and start + word[1] - word[0] <= b for a, b in underlined)


def test_navigation_and_reopen_resumes_where_the_reviewer_stopped(project_dir):
    app = create_app(project_dir, reviewer="dan")

    async def steps(pilot):
        for _ in range(2):  # review every system of segments 1 and 2
            for _ in SYSTEMS:  # a score makes a translation reviewed (enter alone: not)
                await pilot.press("enter", "s", "5", "0", "enter", "tab")
            await pilot.press("n")
        await pilot.press("n", "n", "p")
        await pilot.pause()
        at = pilot.app.review_screen.view.segment.id
        await pilot.press("q")
        return at

    assert drive(app, steps) == 4
    assert {(r.seg_id, r.system) for r in reviews(project_dir, reviewer="dan")} == {
        (s, n) for s in (1, 2) for n in SYSTEMS}

    again = create_app(project_dir, reviewer="dan")

    async def reopen(pilot):
        first = pilot.app.review_screen.view.segment.id
        await pilot.press("p", "p", "N")
        return first, pilot.app.review_screen.view.segment.id

    assert drive(again, reopen) == (4, 3)  # back on segment 4; N: the first unreviewed
    other = create_app(project_dir, reviewer="erin")  # progress is per reviewer

    async def fresh(pilot):
        return pilot.app.review_screen.view.segment.id

    assert drive(other, fresh) == 1


def test_blind_review_hides_names_and_shuffles_per_segment(tmp_path, madar):
    path = build_project(tmp_path / "blind", madar, n=12,
                         extra_config={"review": {"blind": True, "shuffle": True}})

    def orders(reviewer):
        app = create_app(path, reviewer=reviewer)

        async def steps(pilot):
            seen = []
            pilot.app.review_screen.show_row(0)  # from segment 1 (a reopen resumes elsewhere)
            for _ in range(12):
                screen = pilot.app.review_screen
                seen.append(tuple(c.system for c in screen.view.cards))
                shown = rendered(pilot.app)
                assert "System A" in shown and "System C" in shown
                assert not any(name in shown for name in SYSTEMS)
                await pilot.press("n")
            return seen

        return drive(app, steps)

    first = orders("fay")
    assert len(set(first)) > 1  # the order changes from segment to segment
    assert orders("fay") == first  # … and is the same when the reviewer comes back
    assert orders("gus") != first  # … and differs between reviewers
    assert all(sorted(o) == sorted(SYSTEMS) for o in first)


def test_protocols_da_and_mqm(project_dir):
    da = create_app(project_dir, reviewer="hal", protocol="da")

    async def da_steps(pilot):
        await pilot.press("m", "s", "7", "0", "enter")
        await pilot.pause()

    drive(da, da_steps)
    (r,) = reviews(project_dir, reviewer="hal")
    assert (r.protocol, r.score, r.spans) == ("da", 70.0, ())

    with Project.open(project_dir) as p:
        categories = p.config["mqm"]["categories"]
    mqm = create_app(project_dir, reviewer="ivy", protocol="mqm")

    async def mqm_steps(pilot):
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("down", "enter", "down", "enter")  # the 2nd top level, its 2nd
        await pilot.pause()

    drive(mqm, mqm_steps)
    (r,) = reviews(project_dir, reviewer="ivy")
    assert r.protocol == "mqm" and r.score is None
    tops = list(dict.fromkeys(c.split("/")[0] for c in categories))
    second_top = [c for c in categories if c.split("/")[0] == tops[1]]
    assert [(s.severity, s.category) for s in r.spans] == [("major", second_top[1])]


def test_comment_search_display_mode_help_and_summary(project_dir):
    translations, _ = texts(project_dir, 9)
    needle = max(re.findall(r"[A-Za-z]{5,}", translations[SYSTEMS[2]]), key=len)
    _, source = texts(project_dir, 1)
    app = create_app(project_dir, reviewer="jo")

    async def steps(pilot):
        out = {}
        await pilot.press("c", *"fine", "enter")
        await pilot.pause()
        out["shaped"] = rendered(pilot.app)
        await pilot.press("d")  # shaped → logical
        await pilot.pause()
        out["logical"] = rendered(pilot.app)
        await pilot.press("r")
        await pilot.pause()
        out["no_ref"] = rendered(pilot.app)
        await pilot.press("slash", *needle, "enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if pilot.app.review_screen.view.segment.id != 1:
                break
        out["found"] = pilot.app.review_screen.view.segment.id
        await pilot.press("question_mark")
        await pilot.pause()
        out["help"] = rendered(pilot.app)
        await pilot.press("escape", "S")
        for _ in range(1000):
            await pilot.pause(0.02)
            screen = rendered(pilot.app)
            if "counting" not in screen and "computing the report" not in screen:
                break
        out["summary"] = rendered(pilot.app)
        return out

    out = drive(app, steps)
    assert reviews(project_dir, reviewer="jo")[0].comment == "fine"
    assert "“fine”" in out["shaped"]
    first_word = source.split()[0]
    assert first_word not in out["shaped"]  # shaped: joined forms, not the stored letters
    assert first_word in out["logical"]
    assert "reference" in out["logical"] and "reference" not in out["no_ref"]
    assert out["found"] <= 9 and needle.lower() in " ".join(
        texts(project_dir, out["found"])[0].values()).lower()
    assert "next unreviewed segment" in out["help"] and "question_mark" in out["help"]
    assert "in [keys] of" in out["help"]  # the title is not read as Rich markup
    assert "30 segments × 3 systems" in out["summary"]
    assert "1/30" in out["summary"]
    # the summary shows the same numbers as `mtreview report`
    from mtreview.report.build import build_report

    with Project.open(project_dir) as p:
        rep = build_report(p, metrics=("bleu", "chrf"), bootstrap=1000, ar=0)
    for system in SYSTEMS:
        assert f"{rep.tests['bleu'].systems[system].score:.1f}" in out["summary"]
        assert f"{rep.tests['chrf'].systems[system].score:.1f}" in out["summary"]


def test_keymap_file_remaps_keys(project_dir, tmp_path, monkeypatch):
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\nnext_segment = "j"\nquit = "ctrl+q"\n', encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_KEYMAP", str(keys))
    app = create_app(project_dir, reviewer="kim")

    async def steps(pilot):
        await pilot.press("n")  # no longer bound
        await pilot.pause()
        after_n = pilot.app.review_screen.view.segment.id
        await pilot.press("j", "j")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        return after_n, pilot.app.review_screen.view.segment.id, rendered(pilot.app)

    after_n, after_j, help_text = drive(app, steps)
    assert (after_n, after_j) == (1, 3)
    assert re.search(r"\bj\s+next segment", help_text)


def test_flag_list_shows_arabic_forms_readably():
    from mtreview.arabic.display import display
    from mtreview.core.types import Flag
    from mtreview.tui.widgets.flag_list import flag_text

    msg = "one name written 2 ways (spelling): الهاشمي (1×), هاشيمي (1×)"
    flag = Flag("name-variant", "minor", None, (5, 6), ("الهاشمي", "هاشيمي"), msg)
    shaped = flag_text((flag,), {}, "shaped").plain
    assert "الهاشمي" not in shaped  # not left in logical, unjoined order
    assert display("الهاشمي", None, "shaped") in shaped
    assert shaped.lstrip(" ⚑").startswith("name-variant minor [source] one name written")
    assert msg in flag_text((flag,), {}, "logical").plain


def test_blind_option_hides_names_in_flags_and_summary_and_records_the_order(project_dir):
    with Project.open(project_dir) as p:
        p.store.replace_flags("t1", [Flag(
            "numbers", "major", SYSTEMS[2], (1,), ("x",),
            f"{SYSTEMS[2]} drops a number that {SYSTEMS[0]} keeps")])
    app = create_app(project_dir, reviewer="blindy", blind=True)  # config says not blind

    async def steps(pilot):
        screens = [rendered(pilot.app)]
        order = tuple(c.system for c in pilot.app.review_screen.view.cards)
        await pilot.press("s", "5", "0", "enter")
        await pilot.press("S")
        for _ in range(500):
            await pilot.pause(0.02)
            if "counting" not in rendered(pilot.app):
                break
        screens.append(rendered(pilot.app))
        return screens, order

    screens, order = drive(app, steps)
    (saved,) = reviews(project_dir, reviewer="blindy")  # the store keeps what was shown
    assert (saved.system, saved.blind, saved.card_order) == (order[0], True, order)
    for screen in screens:
        assert not [name for name in SYSTEMS if name in screen], screen
    labels = {c: f"System {chr(65 + k)}" for k, c in enumerate(order)}
    assert f"[{labels[SYSTEMS[2]]}] {labels[SYSTEMS[2]]} drops a number that " \
           f"{labels[SYSTEMS[0]]} keeps" in screens[0]
    assert "hidden in blind review" in screens[1]
    from mtreview.tui.session import ReviewSession

    with Project.open(project_dir) as p:  # what the UI hands the store for each review
        session = ReviewSession(p, "blindy", blind=True)
        session.load_index()
        shown = tuple(c.system for c in session.view(1).cards)
        saved = session.set_score(1, shown[1], 40)
        assert (saved.blind, saved.card_order) == (True, shown) and shown == order


def test_control_and_bidi_characters_from_files_are_shown_as_placeholders(tmp_path, madar):
    path = build_project(tmp_path / "hostile", madar, n=3)
    evil = "\x1b]0;pwned\x07\x1b[2J\u202e52 people [bold]x[/bold]"
    with Project.open(path) as p:
        from mtreview.core.types import System, Translation

        p.store.add_system(System("evil[red]", "file", {}), [Translation("evil[red]", 1, evil)])
        p.store.replace_flags("t", [Flag("numbers", "major", "evil[red]", (1,), (),
                                         "moved\x1b[2J\u202eflag [b]text[/b]")])
    app = create_app(path, reviewer="zed")

    async def steps(pilot):
        await pilot.press("c", *"ok", "enter")
        await pilot.pause()
        return rendered(pilot.app)

    screen = drive(app, steps)
    assert "\x1b" not in screen and "\x07" not in screen and "\u202e" not in screen
    assert "␛]0;pwned␇␛[2J⟪U+202E⟫52 people [bold]x[/bold]" in screen
    assert "evil[red]" in screen
    assert "moved␛[2J⟪U+202E⟫flag [b]text[/b]" in screen
