"""The right-hand pane: source, reference, translation cards and flags as ONE virtual widget.

Each block is a Rich renderable rendered to strips once per change (and per width); the
pane only hands out the visible strips. A segment change therefore repaints one widget and
never re-arranges the screen (with a widget per card, Textual's relayout alone took longer
than the 16 ms budget of a cursor move).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class SegmentPane(ScrollView, can_focus=False):
    DEFAULT_CSS = "SegmentPane { width: 1fr; height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.builder: Callable[[int], list[tuple[str, RenderableType]]] = lambda width: []
        self._strips: list[Strip] = []
        self._starts: dict[str, int] = {}
        self._width = 0

    def show(self, builder: Callable[[int], list[tuple[str, RenderableType]]],
             keep_scroll: bool = False) -> None:
        """``builder(width)`` gives the (name, renderable) blocks for a width."""
        self.builder = builder
        self._build(self._content_width())
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _build(self, width: int) -> None:
        self._width = width
        if width <= 0:
            self._strips = []
            return
        console = self.app.console
        options = console.options.update(width=width, height=None)
        strips: list[Strip] = []
        starts = {}
        for name, renderable in self.builder(width):
            starts[name] = len(strips)
            if hasattr(renderable, "strips"):
                strips.extend(renderable.strips(console, width))
                continue
            for line in console.render_lines(renderable, options, pad=True, new_lines=False):
                strips.append(Strip(line, width))
        self._strips, self._starts = strips, starts
        # a content shorter than the pane keeps the virtual size (and the layout) unchanged
        size = Size(width, max(len(strips), self.size.height))
        if size != self.virtual_size:
            self.virtual_size = size

    def scroll_to_block(self, name: str) -> None:
        """Make the block ``name`` visible (its first line on screen)."""
        start = self._starts.get(name)
        if start is None:
            return
        top, height = int(self.scroll_offset.y), self.size.height
        if not top <= start < top + max(1, height - 3):
            self.scroll_to(y=max(0, start - 1), animate=False, immediate=True)

    def block_at(self, row: int) -> tuple[str, int] | None:
        """(block name, line within the block) of content line ``row``."""
        best = None
        for name, start in self._starts.items():
            if start <= row and (best is None or start >= best[1]):
                best = (name, start)
        if best is None or row >= len(self._strips):
            return None
        return best[0], row - best[1]

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def on_resize(self) -> None:
        if self._content_width() != self._width:
            self._build(self._content_width())
            self.refresh()

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_offset.y) + y
        width = self._content_width()
        if width != self._width:
            self._build(width)
        if 0 <= row < len(self._strips):
            return self._strips[row]
        return Strip([Segment(" " * width)], width)

    def text(self) -> str:
        """All the pane's lines as plain text (what a terminal shows, scrolled or not)."""
        return "\n".join(s.text for s in self._strips)
