"""Keys and mouse of the word cursor: motions with counts, select mode, jump labels, clicks.

Mixed into the review screen (which owns ``word``, ``anchor``, ``side``, ``view``,
``focus_card``, ``prompt_kind`` and ``paint``); the logic itself is in
:mod:`mtreview.tui.marking`. The word cursor keeps its place per card and side (Tab and
back, or leaving a segment and coming back, finds it where it was).
"""

from __future__ import annotations

import re

from mtreview.tui.keyspec import KeySpec
from mtreview.tui.marking import (
    LABEL_KEYS,
    WordCursor,
    add_digit,
    jump_labels,
    match_label,
    move,
    overlay,
    word_at,
    word_spans,
)
from mtreview.tui.review_host import ReviewHost

MARKING_KEYS: tuple[KeySpec, ...] = (
    KeySpec("jump", "g", "jump(False)", "jump: a label on every word, type one to go there"),
    KeySpec("jump_extend", "G", "jump(True)", "extend the selection to a labelled word",
            show=False),
    KeySpec("motion_w", "w", "motion('w')", "next word (with a count: 3w)", show=False),
    KeySpec("motion_b", "b", "motion('b')", "previous word (with a count: 3b)", show=False),
    KeySpec("motion_e", "e", "motion('e')", "extend the selection to the end of the next "
            "word (3e: three words)"),
    KeySpec("line_start", "0,home", "line_start", "first word (after a count: a digit 0)",
            show=False),
    KeySpec("line_end", "dollar_sign,end", "motion('$')", "last word", show=False),
    KeySpec("select_mode", "v", "select_mode", "select mode: motions extend the selection",
            show=False),
    KeySpec("punctuation", "P", "punctuation", "selection with or without the punctuation "
            "attached to its words", show=False),
) + tuple(KeySpec(f"count_{d}", str(d), f"count({d})", f"count {d} for the next motion "
                  "(3l, 2e, 12w)", show=False) for d in range(1, 10))


class MarkingActions(ReviewHost):
    """Word-cursor actions of the review screen."""

    count: int | None = None
    extending = False
    whole = False
    jump_state: tuple[list[str], str, bool] | None = None  # labels, typed, extend
    _drag: str | None = None
    _cursors: dict | None = None

    # -- per-card cursor memory -----------------------------------------------------------
    def _cursor_key(self) -> tuple:
        card = self.card()
        return (self.view.segment.id if self.view else None,
                card.system if card else "", self.side)

    def remember_cursor(self) -> None:
        if self._cursors is None:
            self._cursors = {}
        if self.view is not None:
            self._cursors[self._cursor_key()] = (self.word, self.anchor)

    def restore_cursor(self) -> None:
        """The word cursor of the focused card (and side) where it was left, else word 1."""
        self.word, self.anchor = (self._cursors or {}).get(self._cursor_key(), (0, 0))
        self.extending = self.whole = False
        self.count = None
        self.jump_state = None

    # -- motions ----------------------------------------------------------------------------
    def _spans(self) -> list[tuple[int, int]]:
        return word_spans(self._cursor_text())

    def _cursor(self) -> WordCursor:
        return WordCursor(self.word, self.anchor, self.extending, self.whole)

    def _set(self, cursor: WordCursor) -> None:
        self.word, self.anchor, self.whole = cursor.word, cursor.anchor, cursor.whole
        self.remember_cursor()
        self.paint()

    def take_count(self) -> int:
        count, self.count = self.count or 1, None
        return count

    def action_count(self, digit: int) -> None:
        if self.prompt_kind is None:
            self.count = add_digit(self.count, digit)

    def action_line_start(self) -> None:
        if self.count:
            self.action_count(0)
        else:
            self.action_motion("0")

    def action_motion(self, motion: str) -> None:
        if self.view is None:
            return
        n = len(self._spans())
        self._set(move(self._cursor(), motion, self.take_count(), n))

    def _direction(self, delta: int) -> int:
        # on the right-to-left source in a reordered mode, → moves towards the start
        return -delta if self.side == "src" and self.mode != "logical" else delta

    def action_word(self, delta: int) -> None:
        """h/l and the arrows: one word (a count: that many); extends in select mode."""
        if self.view is None:
            return
        n = len(self._spans())
        self._set(self._cursor().to(self.word + self._direction(delta) * self.take_count(), n))

    def action_extend(self, delta: int) -> None:
        if self.view is None:
            return
        n = len(self._spans())
        self._set(self._cursor().to(self.word + self._direction(delta) * self.take_count(), n,
                                    extend=True))

    def action_select_mode(self) -> None:
        self.extending = not self.extending
        self.notify("select mode: motions extend the selection" if self.extending
                    else "select mode off")
        self.paint()

    def action_punctuation(self) -> None:
        self.whole = not self.whole
        self.paint()

    # -- jump labels --------------------------------------------------------------------------
    def action_jump(self, extend: bool) -> None:
        if self.view is None or self.card() is None:
            return
        self.count = None
        self.jump_state = (jump_labels(len(self._spans())), "", extend)
        self.paint()

    def jump_key(self, key: str, character: str | None) -> bool:
        """A key hook of the review screen: while labels are shown, keys type a label."""
        if self.jump_state is None:
            return False
        labels, typed, extend = self.jump_state
        ch = character or ""
        if key == "escape" or ch not in LABEL_KEYS or not ch:
            self.jump_state = None
            self.paint()
            return True
        found = match_label(labels, typed + ch)
        if found is True:
            self.jump_state = (labels, typed + ch, extend)
            self.paint()
            return True
        self.jump_state = None
        if found is None:
            self.notify(f"no label {typed + ch}")
            self.paint()
            return True
        self._set(self._cursor().to(found, len(labels), extend=extend or None))
        return True

    search_query = ""  # the last search found: its matches are highlighted

    def overlay_text(self, text: str, spans: list, focused: bool) -> tuple[str, list]:
        """The text and spans of a card or the source with the last search's matches
        highlighted and, when focused, the jump labels drawn on its words (the labels still
        matching what was typed)."""
        if self.search_query:
            spans = [*spans, *((m.start(), m.end(), "search") for m in
                               re.finditer(re.escape(self.search_query), text, re.IGNORECASE))]
        if not focused or self.jump_state is None:
            return text, spans
        labels, typed, _ = self.jump_state
        ws = word_spans(text)
        shown = [(w, label[len(typed):]) for w, label in zip(ws, labels)
                 if label.startswith(typed)]
        text, where = overlay(text, [w for w, _ in shown], [label for _, label in shown])
        return text, [s for s in spans if s[2] != "cursor"] + [(a, b, "label")
                                                               for a, b in where]

    # -- mouse --------------------------------------------------------------------------------
    def _hit(self, event) -> tuple[str, int] | None:
        """(block, word) under the mouse: ``card<i>`` or ``source``, or None."""
        from mtreview.arabic.display import display_lines
        from mtreview.tui.widgets.segment_pane import SegmentPane
        from mtreview.tui.widgets.styled import visible_spans

        if self.view is None:
            return None
        pane = self.query_one(SegmentPane)
        region = pane.content_region
        row = event.screen_y - region.y + int(pane.scroll_offset.y)
        col = event.screen_x - region.x - 2  # "│ "
        found = pane.block_at(row)
        if found is None:
            return None
        name, line = found
        if name == "source":
            text, rtl = self.view.segment.source, True
        elif name.startswith("card") and name[4:].isdigit():
            text, rtl = self.view.cards[int(name[4:])].text, False  # cards are always LTR
        else:
            return None
        # the pane shows the text made safe (controls as placeholders): map words onto it
        safe, words = visible_spans(text, [(a, b, "") for a, b in word_spans(text)])
        lines = display_lines(safe, max(4, pane.scrollable_content_region.width - 4),
                              self.mode, rtl)
        if not 0 <= line - 1 < len(lines):
            return None
        logical = list(lines[line - 1].logical)
        if not logical:
            return None
        offset = logical[max(0, min(col, len(logical) - 1))]
        if offset < 0:
            offset = next((x for x in logical[col:] if x >= 0), 0)
        return name, word_at([(a, b) for a, b, _ in words], offset)

    def _focus_block(self, name: str) -> None:
        side = "src" if name == "source" else "tgt"
        card = self.focus_card if side == "src" else int(name[4:])
        if (side, card) != (self.side, self.focus_card):
            self.remember_cursor()
            self.side, self.focus_card = side, card

    def on_mouse_down(self, event) -> None:
        hit = self._hit(event)
        if hit is None or self.prompt_kind is not None:
            return
        self.note_activity()
        self._focus_block(hit[0])
        self._drag = hit[0]
        self.jump_state = None
        self._set(self._cursor().to(hit[1], len(self._spans()), extend=False))

    def on_mouse_move(self, event) -> None:
        if self._drag is None:
            return
        hit = self._hit(event)
        if hit is not None and hit[0] == self._drag and hit[1] != self.word:
            self._set(self._cursor().to(hit[1], len(self._spans()), extend=True))

    def on_mouse_up(self, event) -> None:
        if self._drag is None:
            return
        self.on_mouse_move(event)
        self._drag = None
