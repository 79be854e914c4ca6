"""The segment list: a virtual list that renders only the visible rows.

Textual's DataTable builds every row up front (about 9 s for 100,000 rows); this keeps only
the session's arrays and renders a row when it scrolls into view.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mtreview.core.visible import visible
from mtreview.tui.session import ReviewSession

_DONE, _PART, _TODO = "✓", "◐", " "


class SegmentList(ScrollView, can_focus=False):
    DEFAULT_CSS = """
    SegmentList { width: 30; height: 1fr; border-right: solid $panel-lighten-2; }
    """

    class Picked(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, session: ReviewSession, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.current = 0
        self._normal = Style()
        self._current = Style(reverse=True, bold=True)
        self._flagged = Style(color="magenta")

    def reload(self) -> None:
        self.virtual_size = Size(self.size.width or 28, len(self.session))
        self.refresh()

    def set_current(self, row: int) -> None:
        old, self.current = self.current, row
        self.scroll_to_row(row)
        self.refresh_row(old)
        self.refresh_row(row)

    def refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh_lines(y)

    def scroll_to_row(self, row: int) -> None:
        top, height = int(self.scroll_offset.y), max(1, self.size.height)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def row_text(self, row: int) -> str:
        s = self.session
        seg_id = s.ids[row]
        done = s.reviewed.get(seg_id, 0)
        mark = _DONE if s.is_done(seg_id) else (_PART if done else _TODO)
        flags = s.flag_counts.get(seg_id, 0)
        flag = f"⚑{flags}" if flags else ""
        here = "›" if row == self.current else " "
        if self.size.width < 24:  # narrow (a small terminal): no document name
            return f"{here}{mark}{seg_id:>7} {flag:>4}"
        return f"{here}{mark}{seg_id:>7} {visible(s.doc_of(seg_id))[:12]:<12} {flag:>4}"

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_offset.y) + y
        width = self.size.width
        if row >= len(self.session):
            return Strip.blank(width)
        text = self.row_text(row).ljust(width)[:width]
        if row == self.current:
            style = self._current
        elif self.session.flag_counts.get(self.session.ids[row]):
            style = self._flagged
        else:
            style = self._normal
        return Strip([Segment(text, style)], width)

    def on_click(self, event) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < len(self.session):
            self.post_message(self.Picked(row))
