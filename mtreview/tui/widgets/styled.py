"""Logical text with styled logical spans → Rich text in a display mode (visual order)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from mtreview.arabic.display import display_lines
from mtreview.core.visible import visible

# style of each kind of span; later kinds in a list win over earlier ones
STYLES = {
    "flag": Style(underline=True, color="magenta"),
    "minor": Style(bgcolor="dark_goldenrod", color="black"),
    "major": Style(bgcolor="red3", color="white"),
    "critical": Style(bgcolor="magenta", color="white", bold=True),
    "cursor": Style(reverse=True, bold=True),
    "suggest": Style(dim=True, underline=True, italic=True),
    "search": Style(bgcolor="dark_cyan", color="white"),
    "label": Style(bgcolor="yellow", color="black", bold=True),
}


def visible_spans(text: str, spans: list[tuple[int, int, str]]
                  ) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` made safe to show (:func:`visible`: controls and bidi controls as
    placeholders, line breaks kept) with ``spans`` moved to the offsets of the safe text."""
    safe = visible(text, keep_newlines=True)
    if safe == text:
        return text, spans
    starts, pos = [], 0  # starts[i]: where logical character i begins in the safe text
    for ch in text:
        starts.append(pos)
        pos += len(visible(ch, keep_newlines=True))
    starts.append(pos)
    last = len(text)
    return safe, [(starts[min(a, last)], starts[min(b, last)], kind) for a, b, kind in spans]


def styled(text: str, width: int, mode: str, spans: list[tuple[int, int, str]],
           rtl: bool | None = None) -> Text:
    """``text`` wrapped to ``width`` and shown in ``mode``; each (start, end, kind) span of
    logical offsets gets the style of its kind, wherever reordering moved its letters.
    Control and bidi characters are shown as placeholders (they cannot reach the terminal
    or reorder the line)."""
    text, spans = visible_spans(text, spans)
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
