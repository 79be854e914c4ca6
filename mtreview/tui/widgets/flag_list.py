"""The flags of the current segment, as a list."""

from __future__ import annotations

from rich.text import Text

from mtreview.arabic.display import display
from mtreview.core.types import Flag
from mtreview.core.visible import visible

_SEVERITY = {"major": "bold red", "minor": "yellow", "info": "cyan"}


def redact(text: str, hidden: dict[str, str]) -> str:
    """``text`` with each name of ``hidden`` replaced by its label (longest names first, so
    a name inside a longer one never leaves a part of the longer one behind)."""
    for name in sorted(hidden, key=len, reverse=True):
        if name:
            text = text.replace(name, hidden[name])
    return text


def flag_text(flags: tuple[Flag, ...], labels: dict[str, str], mode: str = "shaped",
              hidden: dict[str, str] | None = None) -> Text:
    """The flags as lines; Arabic forms inside a message are shown in display ``mode``
    (the message itself is a left-to-right paragraph). ``hidden`` (blind review): system
    name → what to show instead, applied to the messages too."""
    if not flags:
        return Text(" no flags", style="dim")
    out = Text()
    for n, f in enumerate(flags):
        if n:
            out.append("\n")
        out.append(f" ⚑ {f.check} ", style="magenta")
        out.append(f"{f.severity} ", style=_SEVERITY.get(f.severity, ""))
        where = labels.get(f.system, f.system) if f.system else "source"
        message = f.message
        if hidden:
            where, message = redact(where, hidden), redact(message, hidden)
        out.append(f"[{visible(where)}] ", style="bold")
        out.append(display(visible(message), None, mode, rtl=False))
    return out
