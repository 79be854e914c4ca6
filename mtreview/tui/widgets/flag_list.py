"""The flags of the current segment, as a list of items: the flags of one system on this
segment are one item (its check ids, then each flag's evidence under it), as in the table of
``mtreview check`` (:mod:`mtreview.checks.grouping`); every other flag is an item of its own."""

from __future__ import annotations

from rich.text import Text

from mtreview.arabic.display import display
from mtreview.checks.grouping import group_flags, group_severity
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
    """The flags as items; Arabic forms inside a message are shown in display ``mode``
    (the message itself is a left-to-right paragraph). ``hidden`` (blind review): system
    name → what to show instead, applied to the messages too. A one-flag item is one line;
    an item of several flags is a line of its check ids, then one line per flag."""
    if not flags:
        return Text(" no flags", style="dim")
    out = Text()
    for n, (_key, items) in enumerate(group_flags(flags)):
        if n:
            out.append("\n")
        first = items[0]
        severity = group_severity(items)
        out.append(f" ⚑ {'+'.join(f.check for f in items)} ", style="magenta")
        out.append(f"{severity} ", style=_SEVERITY.get(severity, ""))
        where = labels.get(first.system, first.system) if first.system else "source"
        out.append(f"[{visible(redact(where, hidden) if hidden else where)}]", style="bold")
        if len(items) == 1:
            out.append(" ")
            _message(out, first, mode, hidden)
            continue
        out.append(f" {len(items)} flags", style="dim")
        for f in items:
            out.append("\n    · ")
            out.append(f"{f.check} ", style="magenta")
            out.append(f"{f.severity}: ", style=_SEVERITY.get(f.severity, ""))
            _message(out, f, mode, hidden)
    return out


def _message(out: Text, flag: Flag, mode: str, hidden: dict[str, str] | None) -> None:
    message = redact(flag.message, hidden) if hidden else flag.message
    out.append(display(visible(message), None, mode, rtl=False))
