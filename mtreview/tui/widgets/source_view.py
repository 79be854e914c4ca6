"""The source sentence (and the reference), right-aligned in the chosen display mode."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from mtreview.tui.widgets.styled import styled


class TextPanel(Widget):
    """A titled block of text with logical spans highlighted."""

    DEFAULT_CSS = """
    TextPanel { height: auto; padding: 0 1; border: round $panel-lighten-2; }
    TextPanel.-focused { border: round $accent; }
    """

    def __init__(self, title: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = ""
        self.mode = "shaped"
        self.spans: list[tuple[int, int, str]] = []
        self.rtl: bool | None = None
        self.border_title = title

    def show(self, text: str, mode: str, spans: list[tuple[int, int, str]],
             rtl: bool | None = None, title: str | None = None,
             subtitle: str | None = None) -> None:
        self.text, self.mode, self.spans, self.rtl = text, mode, spans, rtl
        if title is not None:
            self.border_title = title
        if subtitle is not None:
            self.border_subtitle = subtitle
        self.refresh(layout=True)

    def render(self) -> Text:
        width = self.content_size.width or max(10, self.size.width - 4)
        return styled(self.text, width, self.mode, self.spans, self.rtl)


class SourceView(TextPanel):
    """The Arabic source: always right-to-left."""

    def show(self, text, mode, spans, rtl=True, title=None, subtitle=None):  # noqa: D102
        super().show(text, mode, spans, True, title, subtitle)
