"""What the review screen's feature mixins (marking, spans, context, editing) rely on from
the screen they are mixed into: its state, and the methods that the screen or another mixin
defines. For the type checker only: at run time ``ReviewHost`` is ``object``, so the
mixins and the screen's method resolution order are exactly as without it."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from mtreview.tui.session import Card, ReviewSession, SegmentView

    class ReviewHost(Screen):
        session: ReviewSession
        view: SegmentView | None
        row: int
        focus_card: int
        side: str  # "src" or "tgt"
        mode: str  # Arabic display mode
        loaded: bool
        word: int
        anchor: int  # type: ignore[assignment]  # the selection's other end, over Widget.anchor()
        whole: bool

        @abstractmethod
        def card(self) -> Card | None: ...
        @abstractmethod
        def selection(self) -> tuple[int, int]: ...
        @abstractmethod
        def _cursor_text(self) -> str: ...
        @abstractmethod
        def paint(self, keep_scroll: bool = True) -> None: ...
        @abstractmethod
        def show_row(self, row: int) -> None: ...
        @abstractmethod
        def search(self, query: str, from_row: int) -> object: ...  # a Textual worker
        @abstractmethod
        def action_next_card(self) -> None: ...
        @property
        @abstractmethod
        def prompt_kind(self) -> str | None: ...
        @abstractmethod
        def remember_cursor(self) -> None: ...
        @abstractmethod
        def note_activity(self) -> None: ...
        @abstractmethod
        def after_score(self, seg_id: int, system: str) -> None: ...
else:
    ReviewHost = object
