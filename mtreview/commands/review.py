"""mtreview review: the keyboard-first review UI (Textual)."""

from __future__ import annotations

import argparse
import os
import sys

from mtreview.core.protocols import PROTOCOL_NAMES
from mtreview.errors import UserError

HELP = "review translations in the terminal (scores, error spans, comments)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--reviewer", default=None,
                   help="your name, saved with every review (default: $MTREVIEW_REVIEWER "
                        "or the login name)")
    p.add_argument("--protocol", choices=PROTOCOL_NAMES, default=None,
                   help="esa (score + error spans), da (score) or mqm (categorised spans); "
                        "default: [review] protocol of the project, else esa")
    p.add_argument("--display", choices=("logical", "visual", "shaped"), default=None,
                   help="how Arabic is drawn (default: [review] display, else shaped)")
    p.add_argument("--blind", action=argparse.BooleanOptionalAction, default=None,
                   help="blind review: cards labelled System A, B, … in a shuffled order, "
                        "no system name on any screen (default: [review] blind)")


def refresh_snapshot(project) -> None:
    """Rewrite the project's dataset snapshot (DIR/dataset/). The store is already saved: a
    failure here is reported and loses nothing."""
    from mtreview.export.snapshot import write_snapshot

    sys.stderr.write("mtreview: refreshing the dataset snapshot…\n")
    try:
        write_snapshot(project)
    except Exception as e:  # noqa: BLE001 - best effort after the fact: reported, and the
        # store (the system of record) already holds every review
        sys.stderr.write(f"mtreview: warning: dataset snapshot not refreshed "
                         f"(reviews are saved in the store): {e}\n")


def need_terminal() -> None:
    """The review UI reads keys from a terminal: without one it would hang or draw garbage."""
    if os.environ.get("TEXTUAL_DRIVER"):  # a served session: the driver talks to a browser
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("review needs a terminal (stdin and stdout must be a tty); "
                        "run it in a terminal, not in a pipe or a script")


def open_review(project_dir, reviewer: str | None = None, protocol: str | None = None,
                display: str | None = None, blind: bool | None = None) -> int:
    """Open the review UI on a project directory and block until the reviewer quits
    (used by `mtreview review` and `mtreview demo`). Every input is checked before the
    terminal is needed, so a bad input is reported the same with or without one."""
    from mtreview.core.project import Project
    from mtreview.tui.app import create_app

    with Project.open(project_dir) as project:
        app = create_app(project, reviewer, protocol, display, blind=blind)
        need_terminal()
        app.run()
        refresh_snapshot(project)
    return 0 if app.return_code in (None, 0) else int(app.return_code)


def run(args: argparse.Namespace) -> int:
    return open_review(args.dir, args.reviewer, args.protocol, args.display, args.blind)
