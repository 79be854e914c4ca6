"""The review screen: segment list, source, reference, one card per system, flags."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import events, work
from textual.actions import parse
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from mtreview.arabic.display import MODES, display
from mtreview.core.visible import visible
from mtreview.tui.bindings import effective_keys, key_actions
from mtreview.tui.features import FeatureActions
from mtreview.tui.marking import word_spans
from mtreview.tui.messages import IndexLoaded, SearchDone
from mtreview.tui.screens.review_edit import EditActions
from mtreview.tui.session import ReviewSession, SegmentView
from mtreview.tui.widgets.flag_list import flag_text
from mtreview.tui.widgets.key_bar import Line
from mtreview.tui.widgets.prompt import PromptLine
from mtreview.tui.widgets.segment_list import SegmentList
from mtreview.tui.widgets.segment_pane import SegmentPane
from mtreview.tui.widgets.source_view import source_block, text_block
from mtreview.tui.widgets.translation_card import card_block

if TYPE_CHECKING:
    from mtreview.tui.app import ReviewApp


def words(text: str, whole: bool = False) -> list[tuple[int, int]]:
    return word_spans(text, whole)


_PASTED_KEYS = {"\r": "enter", "\n": "enter", "\t": "tab", "\x1b": "escape", " ": "space"}


def key_name(ch: str) -> str:
    """Textual's name of the key that types ``ch`` (``a``, ``A``, ``question_mark``,
    ``slash``): Textual's own conversion, so a pasted key matches a typed one."""
    from textual.keys import _character_to_key

    return ch if not ch.isprintable() else _character_to_key(ch)


class ReviewScreen(FeatureActions, EditActions, Screen):
    """Keys: nothing here takes focus, so every key comes to :meth:`on_key`, which applies
    it at once, in arrival order, to the card focused at that moment (no Textual binding
    bubbling to the app, no prompt widget that has to mount or take focus first: a burst
    like ``s 7 7 enter tab s 6 6 enter`` lands key by key). Keys are the ``REVIEW_KEYS``
    specs (features add theirs there); a feature that must see raw keys first (jump labels,
    counts) appends a ``hook(key, character) -> bool`` to ``key_hooks``."""

    AUTO_FOCUS = None

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.mode = session.display
        self.view: SegmentView | None = None
        self.row = 0
        self.focus_card = 0
        self.side = "tgt"
        self.word = self.anchor = 0
        self.show_reference = True
        self.loaded = False
        self.keymap: dict[str, str] = {}
        self.key_hooks: list = [self.jump_key]  # (key, character) -> True: taken
        self._pending: list[tuple[str, str | None, list[str]]] = []  # keys before the index
        self._held: list[tuple[str, str | None, list[str]]] = []  # keys for a screen on top
        self._feeding = False  # a held key is with the screen on top
        self._flags_cache: tuple | None = None  # (view, display mode, flag items)

    @property
    def review_app(self) -> ReviewApp:
        return cast("ReviewApp", self.app)

    def compose(self) -> ComposeResult:
        yield Line("loading…", id="status")
        with Horizontal(id="body"):
            yield SegmentList(self.session, id="segments")
            yield SegmentPane(id="pane")
        yield PromptLine(id="prompt")
        yield Line(id="keys")

    def on_mount(self) -> None:
        self.keymap = key_actions(self.review_app.keymap_overrides)
        self.footer_keys = effective_keys(self.review_app.keymap_overrides)
        self.set_footer()
        self.load_index()

    @work(thread=True, exclusive=True, group="index")
    def load_index(self) -> None:
        self.session.load_index()
        self.post_message(IndexLoaded())

    def on_index_loaded(self, _message: IndexLoaded) -> None:
        self.loaded = True
        self.query_one(SegmentList).reload()
        if not len(self.session):
            self.query_one("#status", Line).set("this project has no segments")
            return
        self.show_row(self.resume_row())
        pending, self._pending = self._pending, []
        for key in pending:  # typed while the index was loading
            self.apply_key(*key)

    # -- keys -------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if self.apply_key(event.key, event.character, event.aliases):
            event.stop()  # a key not handled here goes on to the app (ctrl+c, …)
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """A paste outside the prompt is typed keys (``s77`` + newline scores 77)."""
        event.stop()
        if self.prompt.active and "\n" not in event.text and "\r" not in event.text:
            self.prompt.insert(event.text)
            return
        for ch in event.text:
            key = _PASTED_KEYS.get(ch) or key_name(ch)
            self.apply_key(key, ch if ch.isprintable() else None, [key])

    def apply_key(self, key: str, character: str | None, aliases: list[str]) -> bool:
        """Apply one key now; False when it is no key of this screen."""
        self.call_later(self.note_activity)  # after the key: the card it leaves focused
        if self.app.screen is not self or self._held or self._feeding:
            # an earlier key of this burst opened another screen (help, a picker): it gets
            # the keys one at a time, and what is left when it closes comes back here
            self._held.append((key, character, aliases))
            if not self._feeding:
                self._feed()
            return True
        if not self.loaded and self.keymap.get(key) != "quit":
            self._pending.append((key, character, aliases))
            return True
        if self.prompt.active:
            self.prompt_key(key, character)
            return True
        if any(hook(key, character) for hook in self.key_hooks):
            return True
        action = next((self.keymap[k] for k in aliases if k in self.keymap), None)
        if action is None:
            return False
        _, name, args = parse(action)
        getattr(self, f"action_{name}")(*args)
        return True

    def _feed(self) -> None:
        """Hand the next held key to the screen on top, once it has handled the last one."""
        self._feeding = False
        if not self._held:
            return
        top = self.app.screen
        if top is self:
            held, self._held = self._held, []
            for held_key in held:
                self.apply_key(*held_key)
            return
        key, character, _aliases = self._held.pop(0)
        self._feeding = True

        def deliver() -> None:  # once the screen is mounted and drawn (its focus set)
            self.app.post_message(events.Key(key, character))  # as if typed again
            self._after_key(3)

        top.call_after_refresh(deliver)

    def _after_key(self, rounds: int) -> None:
        """Feed the next held key once the last one has gone its whole way: the app, the
        focused widget, the screen, back to the app for bindings — ``rounds`` times, for
        the messages it causes (a filter box submitted, then the picker closing) — and one
        frame more for what Textual defers (focus moves). Held keys are paced this way only
        while another screen is open; on the review screen every key applies at once."""
        if not rounds:  # and a frame later: deferred focus moves and layout are applied
            self.set_timer(1 / 60, self._feed)
            return
        app = self.app
        screen = app.screen
        widget = screen.focused or screen
        app.call_later(lambda: widget.call_later(lambda: screen.call_later(
            lambda: self._after_key(rounds - 1))))

    # -- showing a segment ------------------------------------------------------------
    def show_row(self, row: int) -> None:
        session = self.session
        self.row = max(0, min(row, len(session) - 1))
        self.view = session.view(session.ids[self.row])
        self.focus_card = 0
        self.side = "tgt"
        self.restore_cursor()
        self.visited()
        self.query_one(SegmentList).set_current(self.row)
        self.paint(keep_scroll=False)

    def card(self):
        if self.view is None or not self.view.cards:
            return None
        return self.view.cards[self.focus_card]

    def selection(self) -> tuple[int, int]:
        ws = words(self._cursor_text(), self.whole)
        a, b = sorted((min(self.word, len(ws) - 1), min(self.anchor, len(ws) - 1)))
        return ws[a][0], ws[b][1]

    def _cursor_text(self) -> str:
        if self.side == "src" or self.card() is None:
            return self.view.segment.source if self.view else ""
        return self.card().text

    def paint(self, keep_scroll: bool = True) -> None:
        if self.view is None:
            return
        view, session = self.view, self.session
        self.query_one("#status", Line).set(
            f"segment {view.segment.id} · {visible(view.segment.doc_id)} · {self.row + 1}/"
            f"{len(session)} · {session.done_count()} reviewed · {visible(session.reviewer)} · "
            f"{session.protocol.upper()} · display {self.mode}"
            + (" · blind" if session.blind else ""))
        self.query_one(SegmentList).refresh_row(self.row)  # its ✓/◐ marker
        pane = self.query_one(SegmentPane)
        pane.show(self.blocks, keep_scroll=keep_scroll)
        if keep_scroll:
            pane.scroll_to_block("source" if self.side == "src" else f"card{self.focus_card}")

    def card_spans(self, i: int) -> list[tuple[int, int, str]]:
        """Flag, suggested, error and cursor spans (logical offsets) of card ``i``'s
        translation."""
        assert self.view is not None  # a segment is shown
        view, card = self.view, self.view.cards[i]
        spans = [(s.start, s.end, "flag") for f in view.flags for s in f.spans
                 if s.side == "tgt" and s.system == card.system]
        spans += [(s.start, s.end, "suggest") for s in self.suggestions_of(i) if s.side == "tgt"]
        review = self.session.review_of(view.segment.id, card.system)
        if review:
            spans += [(s.start, s.end, s.severity) for s in review.spans if s.side == "tgt"]
        if i == self.focus_card and self.side == "tgt":
            spans.append((*self.selection(), "cursor"))
        return spans

    def source_spans(self) -> list[tuple[int, int, str]]:
        assert self.view is not None  # a segment is shown
        view, card = self.view, self.card()
        spans = [(s.start, s.end, "flag") for f in view.flags for s in f.spans
                 if s.side == "src" and s.seg_id == view.segment.id]
        if card is not None:
            review = self.session.current(view.segment.id, card.system)
            spans += [(s.start, s.end, s.severity) for s in review.spans if s.side == "src"]
        if self.side == "src":
            spans.append((*self.selection(), "cursor"))
        return spans

    def blocks(self, width: int) -> list:
        """The pane's content for ``width`` columns: source, reference, cards, flags."""
        assert self.view is not None  # a segment is shown
        view, session = self.view, self.session
        src_text, src_spans = self.overlay_text(view.segment.source, self.source_spans(),
                                                self.side == "src")
        out = [("source", source_block(
            src_text, width, self.mode, src_spans,
            f"source {view.segment.id}",
            "omission cursor (o: back)" if self.side == "src" else "",
            "focused" if self.side == "src" else "normal")[0])]
        if self.show_reference and view.references:
            out.append(("reference", text_block("\n".join(view.references), width, self.mode,
                                                [], "reference", rtl=False)[0]))
        for i, c in enumerate(view.cards):
            review = session.review_of(view.segment.id, c.system)
            text, spans = self.overlay_text(c.text, self.card_spans(i),
                                            i == self.focus_card and self.side == "tgt")
            out.append((f"card{i}", card_block(text, width, self.mode, spans,
                                               c.label, review, session.protocol,
                                               i == self.focus_card)[0]))
            rows = self.span_rows(i)
            if rows is not None:
                out.append((f"spans{i}", rows))
        out.append(("flags", self.flags_block()))
        return self.with_context(out, width)

    def flags_block(self):
        """The flag items of the segment shown, grouped and rendered once per segment and
        display mode (not once per key)."""
        view, session = self.view, self.session
        cached = self._flags_cache
        if cached is not None and cached[0] is view and cached[1] == self.mode:
            return cached[2]
        labels = {c.system: c.label for c in view.cards}
        hidden = ({name: labels.get(name, "another system") for name in session.systems}
                  if session.blind else None)
        text = flag_text(view.flags, labels, self.mode, hidden)
        self._flags_cache = (view, self.mode, text)
        return text

    # -- navigation -------------------------------------------------------------------
    def _go(self, row: int | None, none_message: str, wrapped: str = "") -> None:
        if not self.loaded:
            return
        if row is None:
            self.notify(none_message)
        else:
            if wrapped and row <= self.row:
                self.notify(f"{wrapped}: wrapped around to the start")
            self.show_row(row)

    def action_next_segment(self) -> None:
        if self.loaded and self.row + 1 < len(self.session):
            self.show_row(self.row + 1)

    def action_prev_segment(self) -> None:
        if self.loaded and self.row > 0:
            self.show_row(self.row - 1)

    def action_next_unreviewed(self) -> None:
        self._go(self.session.next_row(self.row, self.session.is_done_row, want=False),
                 "every segment is reviewed", "next unreviewed")

    def action_next_flagged(self) -> None:
        self._go(self.session.next_row(self.row, self.session.is_flagged_row),
                 "no flagged segment", "next flagged")

    def on_segment_list_picked(self, message: SegmentList.Picked) -> None:
        self._go(message.row, "")

    def _cycle_card(self, step: int) -> None:
        if self.view and self.view.cards:
            self.remember_cursor()
            self.focus_card = (self.focus_card + step) % len(self.view.cards)
            self.side = "tgt"
            self.restore_cursor()
            self.paint()

    def action_next_card(self) -> None:
        if self.prompt_kind is None:
            self._cycle_card(1)

    def action_prev_card(self) -> None:
        if self.prompt_kind is None:
            self._cycle_card(-1)

    # -- the word cursor and spans ----------------------------------------------------
    def action_toggle_side(self) -> None:
        self.remember_cursor()
        self.side = "tgt" if self.side == "src" else "src"
        self.restore_cursor()
        self.paint()

    def action_delete_span(self) -> None:
        card = self.card()
        if card is None:
            return
        ws = words(self._cursor_text())
        pos = ws[min(self.word, len(ws) - 1)][0]
        assert self.view is not None  # a segment is shown
        if self.session.delete_span(self.view.segment.id, card.system, self.side, pos) is None:
            self.notify("no span under the cursor")
        self.paint()

    # -- display ----------------------------------------------------------------------
    def action_toggle_reference(self) -> None:
        self.show_reference = not self.show_reference
        self.paint()

    def action_cycle_display(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self.paint()

    @work(thread=True, exclusive=True, group="search")
    def search(self, query: str, from_row: int) -> None:
        self.post_message(SearchDone(query, self.session.search(query, from_row)))

    def on_search_done(self, message: SearchDone) -> None:
        query = display(visible(message.query), None, self.mode)
        self.search_query = message.query if message.row is not None else ""
        self._go(message.row, f"“{escape(query)}” is not in the project",
                 f"“{escape(query)}”")

    # -- other screens ----------------------------------------------------------------
    def action_help(self) -> None:
        from mtreview.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.review_app.keymap_overrides))

    def action_summary(self) -> None:
        from mtreview.tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.session))

    def action_quit(self) -> None:
        self.app.exit()
