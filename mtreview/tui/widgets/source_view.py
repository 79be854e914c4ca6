"""Text blocks of the pane: the source sentence (right-to-left) and the reference."""

from __future__ import annotations

from rich import box
from rich.panel import Panel
from rich.text import Text

from mtreview.tui.widgets.styled import styled

BORDER = {"normal": "grey50", "focused": "bold cyan", "reviewed": "green"}


def text_block(text: str, width: int, mode: str, spans: list[tuple[int, int, str]],
               title: str, subtitle: str = "", rtl: bool | None = None,
               state: str = "normal") -> tuple[Panel, Text]:
    """A bordered panel of ``text`` wrapped to fit ``width`` (the pane's width), with the
    styled body returned too (tests and callers inspect it)."""
    body = styled(text, max(4, width - 4), mode, spans, rtl)
    panel = Panel(body, title=title, subtitle=subtitle or None, title_align="left",
                  subtitle_align="right", border_style=BORDER[state],
                  box=box.DOUBLE if state == "focused" else box.ROUNDED, padding=(0, 1))
    return panel, body


def source_block(text: str, width: int, mode: str, spans, title: str, subtitle: str = "",
                 state: str = "normal"):
    """The Arabic source: always a right-to-left paragraph, right-aligned."""
    return text_block(text, width, mode, spans, title, subtitle, True, state)
