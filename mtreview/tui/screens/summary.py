"""The summary screen: progress per system and reviewer, score distribution."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from mtreview.core.types import Review
from mtreview.core.visible import visible
from mtreview.tui.messages import SummaryReady
from mtreview.tui.session import ReviewSession

BARS = "▁▂▃▄▅▆▇█"


def histogram(scores: list[float], bins: int = 10) -> str:
    """A one-line bar chart of scores 0–100 in ``bins`` bins."""
    counts = Counter(min(bins - 1, int(s * bins // 100)) for s in scores)
    top = max(counts.values(), default=0)
    if not top:
        return "(no scores)"
    return "".join(BARS[round(counts.get(b, 0) / top * (len(BARS) - 1))]
                   if counts.get(b) else " " for b in range(bins))


def summary_text(reviews: list[Review], systems: list[str], n_segments: int,
                 blind: bool = False) -> str:
    """Progress per system and reviewer with the score histogram and mean; in blind review
    only each reviewer's count of reviewed translations (no system name, no score)."""
    lines = [f"{n_segments} segments × {len(systems)} systems", ""]
    reviewers = sorted({r.reviewer for r in reviews})
    if blind:
        lines.append("per-system progress and scores are hidden in blind review")
        total = n_segments * len(systems)
        for reviewer in reviewers:
            done = sum(1 for r in reviews if r.reviewer == reviewer)
            lines.append(f"{visible(reviewer)[:30]:<30}  {done:>6}/{total} translations")
        return "\n".join(lines)
    width = max([len(s) for s in systems] + [8])
    lines.append(f"{'system':<{width}}  " + "  ".join(f"{visible(r)[:12]:>12}" for r in reviewers)
                 + "   scores 0→100")
    for system in systems:
        mine = [r for r in reviews if r.system == system]
        cells = []
        for reviewer in reviewers:
            done = sum(1 for r in mine if r.reviewer == reviewer)
            cells.append(f"{done:>6}/{n_segments:<5}")
        scores = [r.score for r in mine if r.score is not None]
        mean = f" mean {sum(scores) / len(scores):5.1f}" if scores else ""
        lines.append(f"{visible(system):<{width}}  " + "  ".join(cells)
                     + f"   {histogram(scores)}{mean}")
    return "\n".join(lines)


def report_text(session: ReviewSession) -> str:
    """The same numbers as ``mtreview report`` (metrics with significance, human scores,
    agreement), or why they are not shown."""
    from mtreview.errors import UserError
    from mtreview.report.build import build_report
    from mtreview.report.render import render_table

    if session.blind:
        return "metrics and human scores per system are hidden in blind review"
    has_refs = session.store.reference_count() > 0
    metrics = ("bleu", "chrf") if has_refs else ()
    try:
        report = build_report(session.project, metrics=metrics, bootstrap=1000, ar=0)
    except UserError as e:
        return f"no report: {e}"
    return visible(render_table(report), keep_newlines=True)


class SummaryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,S", "dismiss", "close")]
    DEFAULT_CSS = """
    SummaryScreen { align: center middle; }
    SummaryScreen VerticalScroll { width: 90%; height: 70%; border: round $accent;
                                   background: $surface; }
    """

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "summary"
            yield Static("counting…", id="summary")

    def on_mount(self) -> None:
        self.count()

    @work(thread=True, exclusive=True, group="summary")
    def count(self) -> None:
        s = self.session
        progress = f"{s.protocol.upper()} reviews: " + summary_text(
            s.store.reviews(protocol=s.protocol), s.systems, s.store.count_segments(), s.blind)
        self.post_message(SummaryReady(progress + "\n\n" + "computing the report…"))
        self.post_message(SummaryReady(progress + "\n\n" + report_text(s)))

    def on_summary_ready(self, message: SummaryReady) -> None:
        self.query_one("#summary", Static).update(Text(message.text))  # not markup
