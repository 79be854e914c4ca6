"""The whole document: every segment's source and the focused system's translation."""

from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mtreview.core.visible import visible
from mtreview.tui.widgets.styled import styled


class DocumentScreen(ModalScreen[int | None]):
    """``enter`` goes to the highlighted segment, ``escape`` (or ``D``) comes back."""

    BINDINGS = [Binding("escape,D,q", "dismiss(None)", "back", id="document_close")]  # noqa: RUF012
    DEFAULT_CSS = """
    DocumentScreen { align: center middle; }
    DocumentScreen OptionList { width: 96%; height: 90%; border: round $accent; }
    """

    def __init__(self, ids: list[int], current: int,
                 texts: Callable[[int], tuple[str, str]], mode: str, title: str) -> None:
        super().__init__()
        self.ids, self.current, self.texts, self.mode = ids, current, texts, mode
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield OptionList(id="document")

    def on_mount(self) -> None:
        box = self.query_one(OptionList)
        width = max(20, (box.size.width or self.app.size.width) - 8)
        options = []
        for seg_id in self.ids:
            source, text = self.texts(seg_id)
            row = Text(f"{'▶' if seg_id == self.current else ' '} {seg_id}\n",
                       style="bold" if seg_id == self.current else "dim")
            row.append_text(styled(source, width, self.mode, [], True))
            row.append("\n")
            row.append_text(styled(visible(text), width, self.mode, [], False))
            row.append("\n")
            options.append(Option(row, id=str(seg_id)))
        box.add_options(options)
        box.border_title = escape(f"{visible(self.title_text)} · {len(self.ids)} segments "
                                  "(enter: go)")  # a border title is Rich markup
        box.highlighted = self.ids.index(self.current)
        box.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert event.option.id is not None  # every option carries its segment id
        self.dismiss(int(event.option.id))
