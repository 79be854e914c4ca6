"""Error spans of the focused card: marking with a severity, editing in place, the list of
spans under each card, and the checks' suggested spans (accept, dismiss).

Mixed into the review screen. A severity key on a selection that is exactly an existing
span changes that span's severity (its category and origin kept, a check's span becomes
``check:<id>:edited``); on a suggested span it accepts the suggestion with that severity;
anywhere else it marks a new span (MQM: then the category picker). ``[``/``]`` select the
previous/next span or suggestion of the card, ``C`` changes the selected span's MQM category.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text

from mtreview.core.protocols import PROTOCOLS, SPAN_PROTOCOLS
from mtreview.core.types import ErrorSpan
from mtreview.core.visible import visible
from mtreview.tui.keyspec import KeySpec
from mtreview.tui.marking import word_at, word_spans
from mtreview.tui.review_host import ReviewHost
from mtreview.tui.suggest import Suggestion, edited_origin, pick, suggestions

SPAN_KEYS: tuple[KeySpec, ...] = (
    KeySpec("mark_critical", "exclamation_mark", "mark('critical')",
            "mark the selection as a critical error (MQM)"),
    KeySpec("mark_neutral", "tilde", "mark('neutral')",
            "mark the selection as a neutral issue (MQM)", show=False),
    KeySpec("recategorize", "C", "recategorize",
            "change the MQM category of the selected span"),
    KeySpec("next_span", "right_square_bracket", "span_step(1)",
            "select the next span or suggestion of the card", show=False),
    KeySpec("prev_span", "left_square_bracket", "span_step(-1)",
            "select the previous span or suggestion of the card", show=False),
    KeySpec("accept_suggestion", "a", "accept_suggestion",
            "accept the check's suggested span (dimmed) under or after the cursor"),
    KeySpec("dismiss_suggestion", "z", "dismiss_suggestion",
            "dismiss the check's suggested span under or after the cursor", show=False),
)
def dismissed_key(reviewer: str, protocol: str) -> str:
    return f"review.dismissed.{protocol}.{reviewer}"


SEVERITY_MARK = {"neutral": "·", "minor": "m", "major": "M", "critical": "!"}


class SpanActions(ReviewHost):
    """Span actions of the review screen."""

    _dismissed: set | None = None

    def dismissed(self) -> set:
        """This reviewer's dismissed suggestions (kept in the store's meta table)."""
        if self._dismissed is None:
            session = self.session
            saved = session.store.meta().get(dismissed_key(session.reviewer, session.protocol))
            self._dismissed = {tuple(k) for k in saved} if isinstance(saved, list) else set()
        return self._dismissed

    # -- what the card has -------------------------------------------------------------
    def suggestions_of(self, i: int) -> list[Suggestion]:
        if self.view is None or self.session.protocol not in SPAN_PROTOCOLS:
            return []
        card = self.view.cards[i]
        return suggestions(self.view.flags, self.view.segment.id, card.system,
                           self.session.review_of(self.view.segment.id, card.system),
                           self.dismissed(), self.session.protocol)

    def _exact(self) -> tuple[ErrorSpan | None, Suggestion | None]:
        card = self.card()
        start, end = self.selection()
        assert self.view is not None and card is not None  # called for a shown card
        review = self.session.current(self.view.segment.id, card.system)
        span = next((s for s in review.spans
                     if (s.side, s.start, s.end) == (self.side, start, end)), None)
        sug = next((s for s in self.suggestions_of(self.focus_card)
                    if (s.side, s.start, s.end) == (self.side, start, end)), None)
        return span, sug

    # -- marking -------------------------------------------------------------------------
    def action_mark(self, severity: str) -> None:
        card = self.card()
        if card is None or self.prompt_kind is not None:
            return
        proto = PROTOCOLS[self.session.protocol]
        if not proto.has_spans:
            self.notify(f"{proto.name.upper()} has no error spans", severity="warning")
            return
        if severity not in proto.severities:
            self.notify(f"{proto.name.upper()} severities: {', '.join(proto.severities)}",
                        severity="warning")
            return
        assert self.view is not None  # a segment is shown
        seg_id, system, side = self.view.segment.id, card.system, self.side
        start, end = self.selection()
        span, sug = self._exact()
        if span is not None:  # edit in place
            if span.severity != severity:
                self._save_span(replace(span, severity=severity,
                                        origin=edited_origin(span.origin)))
            return
        if sug is not None:
            self._save_span(sug.accept(severity=severity, protocol=proto.name))
            return

        def add(category: str | None) -> None:
            if category is None and proto.has_categories:
                return
            self.session.add_span(seg_id, system, ErrorSpan(start, end, severity,
                                                            category or "", side))
            self.after_change()

        if proto.has_categories:
            self.pick_category(add, f"MQM category of a {severity} error")
        else:
            add(None)

    def pick_category(self, callback, title: str) -> None:
        from mtreview.tui.mqm_picker import MqmPicker

        self.app.push_screen(MqmPicker(self.session.categories, title), callback)

    def _save_span(self, span: ErrorSpan) -> None:
        card = self.card()
        assert self.view is not None and card is not None  # called for a shown card
        self.session.add_span(self.view.segment.id, card.system, span)
        self.after_change()

    def after_change(self) -> None:
        """Repaint after a saved change."""
        self.paint()

    def action_recategorize(self) -> None:
        if self.card() is None or not PROTOCOLS[self.session.protocol].has_categories:
            return
        span, _ = self._exact()
        if span is None:
            self.notify("select a span first ([ and ] go from span to span)")
            return

        def change(category: str | None) -> None:
            if category and category != span.category:
                self._save_span(replace(span, category=category,
                                        origin=edited_origin(span.origin)))

        self.pick_category(change, f"new category ({span.category or 'none'})")

    def action_span_step(self, delta: int) -> None:
        """Select the next (previous) span or suggestion of the card on this side."""
        card = self.card()
        if card is None:
            return
        assert self.view is not None  # a segment is shown
        review = self.session.current(self.view.segment.id, card.system)
        bounds = sorted({(s.start, s.end) for s in review.spans if s.side == self.side}
                        | {(s.start, s.end) for s in self.suggestions_of(self.focus_card)
                           if s.side == self.side})
        if not bounds:
            self.notify("no span on this card")
            return
        here = self.selection()
        after = [b for b in bounds if b > here] if delta > 0 else [b for b in bounds if b < here]
        start, end = (after[0] if delta > 0 else after[-1]) if after else (
            bounds[0] if delta > 0 else bounds[-1])
        ws = word_spans(self._cursor_text())
        self.anchor, self.word = word_at(ws, start), word_at(ws, max(start, end - 1))
        self.whole = self.selection() != (start, end)
        self.remember_cursor()
        self.paint()

    # -- suggestions ---------------------------------------------------------------------
    def _suggestion(self) -> Suggestion | None:
        if self.card() is None:
            return None
        sug = pick(self.suggestions_of(self.focus_card), self.side, *self.selection())
        if sug is None:
            self.notify("no suggested span on this card")
        return sug

    def action_accept_suggestion(self) -> None:
        sug = self._suggestion()
        if sug is not None:
            self._save_span(sug.accept(protocol=self.session.protocol))

    def action_dismiss_suggestion(self) -> None:
        sug = self._suggestion()
        if sug is not None:
            dismissed = self.dismissed()
            dismissed.add(sug.key)
            session = self.session
            if not session.store.read_only:
                session.store.set_meta({dismissed_key(session.reviewer, session.protocol):
                                        sorted(list(k) for k in dismissed)})
            self.paint()

    # -- the list under each card ----------------------------------------------------------
    def span_rows(self, i: int) -> Text | None:
        """The spans and suggestions of card ``i``, one line each (None: it has none)."""
        assert self.view is not None  # a segment is shown
        card = self.view.cards[i]
        review = self.session.review_of(self.view.segment.id, card.system)
        spans = list(review.spans) if review else []
        sugs = self.suggestions_of(i)
        if not spans and not sugs:
            return None
        focused = i == self.focus_card
        here = self.selection() if focused else None
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        for s in spans:
            text = self.view.segment.source if s.side == "src" else card.text
            mark = "▸" if here is not None and (s.side, s.start, s.end) == (self.side, *here) else " "
            out.append(f"{mark} {SEVERITY_MARK.get(s.severity, '?')} ", style="bold")
            out.append(f"“{visible(text[s.start:s.end])}”", style=_STYLE.get(s.severity, ""))
            extra = [s.severity] + ([s.category] if s.category else [])
            extra += ["omission (source)"] if s.side == "src" else []
            extra += [s.origin] if s.origin != "reviewer" else []
            out.append(" " + " · ".join(extra) + "\n")
        for g in sugs:
            text = self.view.segment.source if g.side == "src" else card.text
            mark = "▸" if here is not None and (g.side, g.start, g.end) == (self.side, *here) else " "
            out.append(f"{mark} ? “{visible(text[g.start:g.end])}” suggested {g.severity} · "
                       f"{visible(g.check)} (a: accept, z: dismiss)\n", style="dim italic")
        out.rstrip()
        return out


_STYLE = {"minor": "dark_goldenrod", "major": "red3", "critical": "bold magenta"}

