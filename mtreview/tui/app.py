"""The review app. ``create_app`` is the one factory used by the CLI, the demo and tests."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App

from mtreview.core.project import Project
from mtreview.tui.bindings import load_keymap
from mtreview.tui.screens.review import ReviewScreen
from mtreview.tui.session import ReviewSession


class ReviewApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "mtreview"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, session: ReviewSession, keymap: dict[str, str]) -> None:
        super().__init__()
        self.session = session
        self.keymap_overrides = keymap

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.session))

    @property
    def review_screen(self) -> ReviewScreen:
        return next(s for s in self.screen_stack if isinstance(s, ReviewScreen))


def default_reviewer() -> str:
    import getpass

    return os.environ.get("MTREVIEW_REVIEWER") or getpass.getuser()


def create_app(project: Project | str | os.PathLike, reviewer: str | None = None,
               protocol: str | None = None, display: str | None = None,
               keymap_path: Path | None = None, blind: bool | None = None) -> ReviewApp:
    """The review app on ``project`` (a Project or its directory). Raises UserError on bad
    input (not a project, a bad reviewer name, unknown protocol or display mode, a bad
    keymap). ``reviewer=None`` means the default reviewer; ``""`` is refused. ``blind``
    overrides the project's ``[review] blind``."""
    if not isinstance(project, Project):
        project = Project.open(project)
    if reviewer is None:
        reviewer = default_reviewer()
    session = ReviewSession(project, reviewer, protocol, display, blind=blind)
    return ReviewApp(session, load_keymap(project.config, keymap_path))
