"""Text blocks of the pane: the source sentence (right-to-left) and the reference.

A block is a bordered box drawn straight to strips (cheaper than a Rich Panel, which
measured and re-wrapped its content on every segment change)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from mtreview.tui.widgets.styled import styled

BORDER = {"normal": Style.parse("grey50"), "focused": Style.parse("bold cyan"),
          "reviewed": Style.parse("green")}
BOXES = {"rounded": "╭─╮│╰╯", "double": "╔═╗║╚╝"}
TITLE = Style(bold=True)


@dataclass(frozen=True)
class Boxed:
    body: Text
    title: str
    subtitle: str = ""
    state: str = "normal"

    def strips(self, console, width: int) -> list[Strip]:
        tl, h, tr, v, bl, br = tuple(BOXES["double" if self.state == "focused" else "rounded"])
        border = BORDER[self.state]
        inner = max(1, width - 4)

        def rule(left: str, label: str, right: str, at_end: bool) -> Strip:
            label = f" {label} " if label else ""
            label = label[:max(0, width - 4)]
            fill = h * max(0, width - 3 - len(label))
            parts = ([Segment(left + h, border), Segment(label, TITLE),
                      Segment(fill + right, border)] if not at_end else
                     [Segment(left + fill, border), Segment(label, TITLE),
                      Segment(h + right, border)])
            return Strip(parts).adjust_cell_length(width)

        out = [rule(tl, self.title, tr, False)]
        for line in self.body.split("\n", allow_blank=True):
            content = Strip(list(line.render(console))).adjust_cell_length(inner)
            out.append(Strip([Segment(v + " ", border), *content, Segment(" " + v, border)]))
        out.append(rule(bl, self.subtitle, br, True))
        return out


def text_block(text: str, width: int, mode: str, spans: list[tuple[int, int, str]],
               title: str, subtitle: str = "", rtl: bool | None = None,
               state: str = "normal") -> tuple[Boxed, Text]:
    """A bordered block of ``text`` wrapped to fit ``width`` (the pane's width), with the
    styled body returned too (tests and callers inspect it)."""
    body = styled(text, max(4, width - 4), mode, spans, rtl)
    return Boxed(body, title, subtitle, state), body


def source_block(text: str, width: int, mode: str, spans, title: str, subtitle: str = "",
                 state: str = "normal"):
    """The Arabic source: always a right-to-left paragraph, right-aligned."""
    return text_block(text, width, mode, spans, title, subtitle, True, state)
