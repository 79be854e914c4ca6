"""MQM: pick a span's error category from the two-level tree, by hotkey or by filtering.

As in Anthea: the top level (Accuracy, Fluency, Terminology, Style, Locale convention, Other,
Non-translation, Source error) has one letter each (``a``, ``f``, ``t``…); a category with
subcategories then shows them numbered ``1``–``9``. ``/`` filters every category by what is
typed (``omis`` → Accuracy/Omission), ``enter`` takes the highlighted one, ``backspace``
goes back up, ``escape`` cancels. The categories are the project's (``[mqm] categories`` in
mtreview.toml, default :data:`mtreview.core.protocols.MQM_CATEGORIES`), so the tree is built
from their ``Top/Sub`` paths.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from mtreview.core.visible import visible

SUB_KEYS = "123456789"


def category_tree(categories: list[str]) -> dict[str, list[str]]:
    """Top-level name → its category paths (``["Other"]`` for a top without subs)."""
    tree: dict[str, list[str]] = {}
    for path in categories:
        tree.setdefault(path.split("/", 1)[0], []).append(path)
    return tree


def hotkeys(names: list[str]) -> dict[str, str]:
    """A distinct lower-case letter per name: its first letter, else its next unused one."""
    out: dict[str, str] = {}
    for name in names:
        for ch in name.lower() + "abcdefghijklmnopqrstuvwxyz":
            if ch.isascii() and ch.isalpha() and ch not in out.values():
                out[name] = ch
                break
    return out


def filtered(categories: list[str], typed: str) -> list[str]:
    """Categories containing every word typed (case-insensitive), best first: a match at
    the start of a level before one inside a word."""
    words = typed.lower().split()
    hits = [c for c in categories if all(w in c.lower() for w in words)]

    def rank(c: str) -> int:
        parts = [p.lower() for p in c.replace("/", " ").split()]
        return 0 if words and any(p.startswith(words[0]) for p in parts) else 1

    return sorted(hits, key=rank)


class MqmPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "cancel", id="mqm_cancel")]  # noqa: RUF012
    DEFAULT_CSS = """
    MqmPicker { align: center middle; }
    MqmPicker #mqm-filter { width: 56; display: none; }
    MqmPicker OptionList { width: 56; height: auto; max-height: 80%; border: round $accent; }
    """

    def __init__(self, categories: list[str], title: str = "MQM category") -> None:
        super().__init__()
        self.categories = list(categories)
        self.cat_tree = category_tree(self.categories)
        self.hot = hotkeys(list(self.cat_tree))
        self.top: str | None = None  # the top level whose subcategories are shown
        self.title_text = title
        self.shown: list[str] = []  # option index → category path (or "top:<name>")

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter categories, then enter", id="mqm-filter")
        yield OptionList(id="mqm-options")

    def on_mount(self) -> None:
        self.show_level(None)

    def show_level(self, top: str | None) -> None:
        self.top = top
        options = self.query_one(OptionList)
        options.clear_options()
        if top is None:
            self.shown = [f"top:{name}" for name in self.cat_tree]
            rows = [f"{self.hot[name]}  {name}" + (" ▸" if self._has_subs(name) else "")
                    for name in self.cat_tree]
            options.border_title = f"{self.title_text}: letter, / filters"
        else:
            self.shown = list(self.cat_tree[top])
            rows = [f"{k}  {path.split('/', 1)[-1]}" for k, path in zip(SUB_KEYS, self.shown)]
            options.border_title = f"{top}: digit, backspace back"
        options.add_options([Option(Text(visible(r))) for r in rows])
        options.highlighted = 0
        options.focus()

    def _has_subs(self, top: str) -> bool:
        return self.cat_tree[top] != [top]

    def choose(self, item: str) -> None:
        if item.startswith("top:"):
            top = item[4:]
            if self._has_subs(top):
                self.show_level(top)
            else:
                self.dismiss(self.cat_tree[top][0])
        else:
            self.dismiss(item)

    def on_key(self, event) -> None:
        box = self.query_one(Input)
        if box.has_focus:
            if event.key == "down":
                event.stop()
                self.query_one(OptionList).focus()
            return
        ch = event.character or ""
        if event.key == "slash":
            event.stop()
            box.display = True
            box.focus()
        elif event.key == "backspace" and self.top is not None:
            event.stop()
            self.show_level(None)
        elif self.top is None and ch in self.hot.values():
            event.stop()
            self.choose("top:" + next(n for n, k in self.hot.items() if k == ch))
        elif self.top is not None and ch and ch in SUB_KEYS[:len(self.shown)]:
            event.stop()
            self.choose(self.shown[SUB_KEYS.index(ch)])

    def on_input_changed(self, event: Input.Changed) -> None:
        self.shown = filtered(self.categories, event.value)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(visible(c))) for c in self.shown])
        options.border_title = f"{len(self.shown)} categories"
        if self.shown:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.shown:
            self.choose(self.shown[self.query_one(OptionList).highlighted or 0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.shown[event.option_index])
