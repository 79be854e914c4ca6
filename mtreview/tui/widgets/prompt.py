"""The prompt line (score, comment, search, yes/no): a line editor fed by the review screen.

It never takes focus and never mounts anything: the review screen hands it each key in the
order the keys arrived, so keys typed in one burst (a paste, typeahead over ssh) all land in
it, in order, as soon as the key that opened it has been handled. What it shows is the
typed text in the current Arabic display mode (shaped and in reading order), with control
characters as placeholders.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from mtreview.arabic.display import display_line, is_rtl
from mtreview.core.visible import visible

CURSOR = Style(reverse=True)
LABEL = Style(bold=True)


class PromptLine(Widget, can_focus=False):
    DEFAULT_CSS = "PromptLine { height: 1; background: $boost; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind: str | None = None
        self.label = ""
        self.value = ""
        self.pos = 0
        self.mode = "shaped"
        self.restrict: re.Pattern[str] | None = None
        self.display = False

    # -- opening and closing ----------------------------------------------------------
    def open(self, kind: str, label: str, value: str = "", restrict: str | None = None,
             mode: str = "shaped") -> None:
        self.kind, self.label, self.value, self.pos = kind, label, value, len(value)
        self.restrict = re.compile(restrict) if restrict else None
        self.mode = mode
        self.display = True
        self.refresh()

    def close(self) -> tuple[str | None, str]:
        """Close the prompt; returns what it was for and the text typed."""
        kind, value = self.kind, self.value
        self.kind, self.value, self.pos = None, "", 0
        self.display = False
        return kind, value

    @property
    def active(self) -> bool:
        return self.kind is not None

    # -- editing ----------------------------------------------------------------------
    def insert(self, text: str) -> None:
        text = text.replace("\r", " ").replace("\n", " ")
        new = self.value[:self.pos] + text + self.value[self.pos:]
        if self.restrict is not None and not self.restrict.fullmatch(new):
            return
        self.value, self.pos = new, self.pos + len(text)
        self.refresh()

    def edit(self, key: str) -> bool:
        """Apply an editing key; False when ``key`` is not one."""
        v, p = self.value, self.pos
        # on a right-to-left line shown in visual order, ← moves towards the end
        back, forward = ("right", "left") if self._reordered() else ("left", "right")
        if key == "backspace" and p:
            self.value, self.pos = v[:p - 1] + v[p:], p - 1
        elif key == "delete":
            self.value = v[:p] + v[p + 1:]
        elif key == back:
            self.pos = max(0, p - 1)
        elif key == forward:
            self.pos = min(len(v), p + 1)
        elif key in ("home", "ctrl+a"):
            self.pos = 0
        elif key in ("end", "ctrl+e"):
            self.pos = len(v)
        elif key == "ctrl+u":
            self.value, self.pos = "", 0
        elif key != "backspace":
            return False
        self.refresh()
        return True

    def _reordered(self) -> bool:
        return self.mode != "logical" and is_rtl(self.value)

    # -- showing ----------------------------------------------------------------------
    def shown(self) -> Text:
        """The label, then the typed text in display order with the cursor on it."""
        out = Text(no_wrap=True, overflow="crop")
        out.append(f" {self.label} ", LABEL)
        value = visible(self.value)
        if len(value) != len(self.value):  # placeholders: no reordering, cursor at the end
            out.append(value)
            out.append(" ", CURSOR)
            return out
        line = display_line(value, None, self.mode, None)
        base = len(out)
        text, where = line.text, list(line.logical)
        if self.pos >= len(value):  # after the last letter: on the side the line ends
            if line.rtl and self.mode != "logical":
                out.append(" ", CURSOR)
                base += 1
                out.append(text)
            else:
                out.append(text)
                out.append(" ", CURSOR)
            return out
        out.append(text)
        # the character showing the cursor's letter (a lam-alef ligature shows two)
        shown_at = [i for i, k in enumerate(where) if 0 <= k <= self.pos]
        if shown_at:
            i = max(shown_at, key=lambda j: where[j])
            out.stylize(CURSOR, base + i, base + i + 1)
        return out

    def render(self) -> Text:
        return self.shown()
