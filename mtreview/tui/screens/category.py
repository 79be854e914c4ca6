"""MQM: pick the error category of a new span."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList

from mtreview.core.visible import visible


class CategoryScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "cancel")]
    DEFAULT_CSS = """
    CategoryScreen { align: center middle; }
    CategoryScreen OptionList { width: 50; height: auto; max-height: 80%; border: round $accent; }
    """

    def __init__(self, categories: list[str]) -> None:
        super().__init__()
        self.categories = categories

    def compose(self) -> ComposeResult:
        options = OptionList(*(Text(visible(c)) for c in self.categories))
        options.border_title = "MQM category (enter)"
        yield options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.categories[event.option_index])
