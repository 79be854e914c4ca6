"""The flags of the current segment, as a list."""

from __future__ import annotations

from rich.text import Text

from mtreview.arabic.display import display
from mtreview.core.types import Flag

_SEVERITY = {"major": "bold red", "minor": "yellow", "info": "cyan"}


def flag_text(flags: tuple[Flag, ...], labels: dict[str, str], mode: str = "shaped") -> Text:
    """The flags as lines; Arabic forms inside a message are shown in display ``mode``
    (the message itself is a left-to-right paragraph)."""
    if not flags:
        return Text(" no flags", style="dim")
    out = Text()
    for n, f in enumerate(flags):
        if n:
            out.append("\n")
        out.append(f" ⚑ {f.check} ", style="magenta")
        out.append(f"{f.severity} ", style=_SEVERITY.get(f.severity, ""))
        where = labels.get(f.system, f.system) if f.system else "source"
        out.append(f"[{where}] ", style="bold")
        out.append(display(f.message, None, mode, rtl=False))
    return out
