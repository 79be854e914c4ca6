"""The review screen's edits: the prompt line (score, comment, search), Enter (done), undo.

Mixed into :class:`mtreview.tui.screens.review.ReviewScreen`, which owns ``session``,
``view``, ``card()``, ``focus_card``, ``mode``, ``show_row``, ``paint`` and ``search``.
"""

from __future__ import annotations

from rich.markup import escape

from mtreview.core.protocols import SCORE_PROTOCOLS
from mtreview.core.visible import visible
from mtreview.tui.review_host import ReviewHost
from mtreview.tui.widgets.prompt import PromptLine


class EditActions(ReviewHost):
    """Scores, comments, search and undo of the review screen."""

    _target: tuple[int, str, str] | None = None  # the prompt's segment, system and label

    @property
    def prompt(self) -> PromptLine:
        return self.query_one("#prompt", PromptLine)

    @property
    def prompt_kind(self) -> str | None:
        return self.prompt.kind

    # -- scores, comments, search: the prompt line ------------------------------------
    def _prompt(self, kind: str, label: str, value: str = "",
                restrict: str | None = None) -> None:
        card = self.card()
        self._target = ((self.view.segment.id, card.system, card.label)
                        if card is not None and self.view else None)
        self.prompt.open(kind, label, value, restrict, self.mode)

    def prompt_key(self, key: str, character: str | None) -> None:
        prompt = self.prompt
        if prompt.kind == "clear":  # y/n: any other key keeps the score
            prompt.close()
            if character in ("y", "Y"):
                self._save_score(None)
            else:
                self.notify("the score is kept")
            return
        if key == "escape":
            prompt.close()
        elif key == "enter":
            self.submitted(*prompt.close())
        elif not prompt.edit(key) and character and character.isprintable():
            prompt.insert(character)

    def action_cancel_prompt(self) -> None:
        self.prompt.close()

    def action_score(self) -> None:
        card = self.card()
        if card is None:
            return
        if self.session.protocol not in SCORE_PROTOCOLS:
            self.notify("MQM has no score: press enter to save the translation as reviewed")
            return
        self._prompt("score", f"score {card.label} (0–100, enter):", restrict=r"[0-9]{0,3}")

    def action_accept(self) -> None:
        """Enter: save the focused translation as reviewed — with its score (ESA, DA), or
        as it is (MQM: its spans, or explicitly no error)."""
        card = self.card()
        if card is None:
            return
        assert self.view is not None  # a segment is shown
        seg_id = self.view.segment.id
        review = self.session.review_of(seg_id, card.system)
        if self.session.protocol in SCORE_PROTOCOLS and (review is None or review.score is None):
            self.notify(f"{escape(visible(card.label))} needs a score first: s, 0–100, enter",
                        severity="warning")
            return
        saved = self.session.confirm(seg_id, card.system)
        if self.session.protocol not in SCORE_PROTOCOLS and not saved.spans:
            self.notify(f"{escape(visible(card.label))}: saved with no error")
        self.paint()

    def action_undo(self) -> None:
        changed = self.session.undo()
        if changed is None:
            self.notify("nothing to undo in this session")
            return
        seg_id, system = changed
        if self.view is None or self.view.segment.id != seg_id:
            self.show_row(self.session.row(seg_id))
        assert self.view is not None  # show_row shows one
        names = [c.system for c in self.view.cards]
        if system in names:
            self.focus_card = names.index(system)
        label = self.view.cards[self.focus_card].label if self.view.cards else ""
        self.notify(f"undone: the last change to {escape(visible(label))}")
        self.paint()

    def action_comment(self) -> None:
        card = self.card()
        if card is not None:
            assert self.view is not None  # a segment is shown
            current = self.session.current(self.view.segment.id, card.system).comment
            self._prompt("comment", f"comment on {card.label} (enter):", current)

    def action_search(self) -> None:
        if self.loaded:
            self._prompt("search", "search source and translations (enter):")

    def _save_score(self, score: float | None) -> None:
        if self._target is None:
            return
        seg_id, system, _label = self._target
        self.session.set_score(seg_id, system, score)
        self.paint()
        if score is not None:
            self.after_score(seg_id, system)

    def submitted(self, kind: str | None, value: str) -> None:
        """Enter in the prompt: apply ``value`` to the card focused when it was opened."""
        target = self._target
        if kind == "score" and target is not None:
            review = self.session.review_of(target[0], target[1])
            if not value:
                if review is not None and review.score is not None:
                    self.prompt.open("clear", f"clear the score {review.score:g} of "
                                     f"{target[2]}? y: yes, any other key: no")
                else:
                    self.notify("no score typed: nothing saved")
                return
            if float(value) > 100:
                self.notify("a score is between 0 and 100", severity="error")
                return
            self._save_score(float(value))
        elif kind == "comment" and target is not None:
            current = self.session.current(target[0], target[1]).comment
            if value.strip() != current:
                self.session.set_comment(target[0], target[1], value.strip())
        elif kind == "search" and value.strip():
            self.search(value.strip(), self.row)
        self.paint()
