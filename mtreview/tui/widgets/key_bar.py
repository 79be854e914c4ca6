"""One-line widgets that never change height: the status line and the key bar.

(Textual's Footer is a widget per key; re-arranging it on every segment change cost more
than the whole rest of a cursor move.)"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class Line(Widget):
    DEFAULT_CSS = "Line { height: 1; }"

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = Text(text)

    def set(self, text: str | Text) -> None:
        text = Text(text) if isinstance(text, str) else text
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return self.text

