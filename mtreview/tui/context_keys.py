"""Document context of the review screen: neighbouring segments, the whole document, the
resume point, and the key bar fitted to the terminal.

* ``t`` shows (or hides) the segments before and after the current one in the same document:
  their source and the focused system's translation, dimmed, above and below the cards.
* ``D`` opens the whole document (source and the focused system's translation, segment by
  segment); ``enter`` on a segment goes there.
* The screen resumes where this reviewer stopped (the last segment shown, per protocol,
  kept in the store's meta table when leaving a segment, at most once a second, and on
  quit), not only at the first unreviewed segment; ``N`` still goes to the next unreviewed.
"""

from __future__ import annotations

import time

from rich.text import Text

from mtreview.tui.footer import footer
from mtreview.tui.keyspec import KeySpec
from mtreview.tui.review_host import ReviewHost
from mtreview.tui.widgets.key_bar import Line

CONTEXT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("context", "t", "toggle_context",
            "show the neighbouring segments of the document (source and translation)"),
    KeySpec("document", "D", "document", "the whole document, segment by segment"),
)
CONTEXT_SIZE = 2  # segments shown before and after the current one
SAVE_EVERY_S = 1.0
NARROW_LIST, WIDE_LIST = 15, 30  # segment list widths (columns)


def position_key(reviewer: str, protocol: str) -> str:
    return f"review.position.{protocol}.{reviewer}"


class ContextActions(ReviewHost):
    """Context actions of the review screen."""

    show_context = False
    _saved_at = 0.0

    # -- neighbours ----------------------------------------------------------------------
    def neighbours(self, before: int, after: int) -> tuple[list[int], list[int]]:
        """Segment ids of the same document just before and after the current row."""
        assert self.view is not None  # a segment is shown
        session, doc = self.session, self.view.segment.doc_id

        def walk(step: int, n: int) -> list[int]:
            out: list[int] = []
            row = self.row + step
            while len(out) < n and 0 <= row < len(session):
                seg_id = session.ids[row]
                if session.doc_of(seg_id) != doc:
                    break
                out.append(seg_id)
                row += step
            return out

        return walk(-1, before)[::-1], walk(1, after)

    def segment_text(self, seg_id: int) -> tuple[str, str]:
        """(source, focused system's translation) of a segment."""
        store = self.session.store
        segment = store.segment(seg_id)
        card = self.card()
        text = store.translations_of(seg_id).get(card.system, "") if card else ""
        return (segment.source if segment else ""), text

    def context_block(self, ids: list[int], width: int, where: str) -> Text:
        from mtreview.tui.widgets.styled import styled

        out = Text(end="")
        for k, seg_id in enumerate(ids):
            source, text = self.segment_text(seg_id)
            if k:
                out.append("\n")
            out.append(f"{where} segment {seg_id}\n", style="dim bold")
            src = styled(source, max(4, width - 2), self.mode, [], True)
            src.stylize("dim")
            out.append_text(src)
            if text:
                out.append("\n")
                tgt = styled(text, max(4, width - 2), self.mode, [], False)
                tgt.stylize("dim italic")
                out.append_text(tgt)
        return out

    def with_context(self, blocks: list, width: int) -> list:
        """The pane's blocks with the neighbours around them when context is on."""
        if not self.show_context or self.view is None:
            return blocks
        before, after = self.neighbours(CONTEXT_SIZE, CONTEXT_SIZE)
        out = list(blocks)
        if before:
            out.insert(0, ("context-before", self.context_block(before, width, "▲")))
        if after:
            at = next((i for i, (name, _) in enumerate(out) if name == "flags"), len(out))
            out.insert(at, ("context-after", self.context_block(after, width, "▼")))
        return out

    def action_toggle_context(self) -> None:
        self.show_context = not self.show_context
        self.paint()

    def action_document(self) -> None:
        if self.view is None:
            return
        from mtreview.tui.document_view import DocumentScreen

        before, after = self.neighbours(10_000, 10_000)
        ids = [*before, self.view.segment.id, *after]
        card = self.card()
        title = f"document {self.view.segment.doc_id}" + (f" · {card.label}" if card else "")
        self.app.push_screen(DocumentScreen(ids, self.view.segment.id, self.segment_text,
                                            self.mode, title), self._document_picked)

    def _document_picked(self, seg_id: int | None) -> None:
        assert self.view is not None  # a segment is shown
        if seg_id is not None and seg_id != self.view.segment.id:
            self.show_row(self.session.row(seg_id))

    # -- auto-advance ----------------------------------------------------------------------
    def after_score(self, seg_id: int, system: str) -> None:
        """With ``auto_advance = true`` in mtreview.toml ``[review]``: after a score, focus
        the next card (after the last card, the next segment)."""
        if not self.session.project.review_config().get("auto_advance", False):
            return
        card = self.card()
        if self.view is None or card is None or (self.view.segment.id, card.system) != (
                seg_id, system):
            return
        if self.focus_card + 1 < len(self.view.cards):
            self.action_next_card()
        elif self.row + 1 < len(self.session):
            self.show_row(self.row + 1)

    # -- active time -------------------------------------------------------------------------
    def note_activity(self) -> None:
        """A key, a click or a new segment: the reviewer is working on the focused card."""
        card = self.card() if self.view is not None else None
        if card is not None and self.view is not None:
            self.session.activity.touch((self.view.segment.id, card.system))

    # -- resume --------------------------------------------------------------------------
    def resume_row(self) -> int:
        """The row where this reviewer stopped (this protocol), else the first unreviewed."""
        session = self.session
        seg_id = session.store.meta().get(position_key(session.reviewer, session.protocol))
        row = session.row(seg_id) if isinstance(seg_id, int) else -1
        return row if row >= 0 else session.first_unreviewed()

    def visited(self, force: bool = False) -> None:
        """Remember the current segment as the resume point (at most once a second)."""
        now = time.monotonic()
        self.note_activity()
        if self.view is None or (not force and now - self._saved_at < SAVE_EVERY_S):
            return
        self._saved_at = now
        session = self.session
        if session.store.read_only:  # reading a read-only project: no resume point kept
            return
        session.store.set_meta({position_key(session.reviewer, session.protocol):
                                self.view.segment.id})

    def on_unmount(self) -> None:
        self.visited(force=True)

    # -- the key bar ---------------------------------------------------------------------
    footer_keys: list = []  # noqa: RUF012  (binding id, keys, description), set on mount

    def set_footer(self) -> None:
        """The key bar for the terminal's width; below 100 columns a narrow segment list
        (ids and flags, no document names) leaves the cards readable."""
        from mtreview.tui.widgets.segment_list import SegmentList

        width = self.app.size.width
        self.query_one("#keys", Line).set(footer(self.footer_keys, self.session.protocol,
                                                 width))
        self.query_one(SegmentList).styles.width = NARROW_LIST if width < 100 else WIDE_LIST

    def on_resize(self, _event) -> None:
        self.set_footer()
