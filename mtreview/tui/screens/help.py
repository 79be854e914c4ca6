"""The help screen: every key, as currently mapped."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from mtreview.core.visible import visible
from mtreview.tui.bindings import effective_keys


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll { width: 80; height: 80%; border: round $accent;
                                background: $surface; }
    """

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold")
        table.add_column("keys")
        table.add_column("does")
        table.add_column("id", style="dim")
        for binding_id, keys, description in effective_keys(self.keymap):
            table.add_row(Text(visible(keys)), Text(description), Text(binding_id))
        with VerticalScroll() as box:
            box.border_title = escape(
                "keys (remap by id in [keys] of ~/.config/mtreview/keys.toml)")
            yield Static(table)
