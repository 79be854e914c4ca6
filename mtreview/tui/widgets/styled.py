"""Logical text with styled logical spans → Rich text in a display mode (visual order)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from mtreview.arabic.display import display_lines

# style of each kind of span; later kinds in a list win over earlier ones
STYLES = {
    "flag": Style(underline=True, color="magenta"),
    "minor": Style(bgcolor="dark_goldenrod", color="black"),
    "major": Style(bgcolor="red3", color="white"),
    "critical": Style(bgcolor="magenta", color="white", bold=True),
    "cursor": Style(reverse=True, bold=True),
}


def styled(text: str, width: int, mode: str, spans: list[tuple[int, int, str]],
           rtl: bool | None = None) -> Text:
    """``text`` wrapped to ``width`` and shown in ``mode``; each (start, end, kind) span of
    logical offsets gets the style of its kind, wherever reordering moved its letters."""
    out = Text(no_wrap=True, overflow="crop", end="")
    for n, line in enumerate(display_lines(text, max(4, width), mode, rtl)):
        if n:
            out.append("\n")
        base = len(out)
        out.append(line.text)
        if not spans:
            continue
        run_start, run_style = 0, None
        for pos, logical in enumerate(list(line.logical) + [-2]):
            style = None
            if logical >= 0:
                for start, end, kind in spans:
                    if start <= logical < end:
                        style = STYLES[kind] if style is None else style + STYLES[kind]
            if style != run_style or logical == -2:
                if run_style is not None:
                    out.stylize(run_style, base + run_start, base + pos)
                run_start, run_style = pos, style
    return out
