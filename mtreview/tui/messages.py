"""Messages that workers post back to the UI thread."""

from __future__ import annotations

from textual.message import Message


class IndexLoaded(Message):
    """The segment index (ids, progress, flag counts) is in memory."""


class SearchDone(Message):
    def __init__(self, query: str, row: int | None) -> None:
        super().__init__()
        self.query = query
        self.row = row


class SummaryReady(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
