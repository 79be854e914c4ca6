"""Command-line entry point: argument parsing only; each command lives in
``mtreview/commands/<name>.py`` with ``HELP``, ``add_arguments(parser)`` and ``run(args)``.

Command modules import nothing heavy at module level, so ``mtreview --help`` stays fast;
torch/transformers/datasets/textual are imported inside ``run``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from mtreview import __version__
from mtreview.core.visible import visible
from mtreview.errors import UserError

# command name -> module (registry: adding a command adds one line here and one module)
COMMANDS: dict[str, str] = {
    "init": "mtreview.commands.init",
    "add-system": "mtreview.commands.add_system",
    "translate": "mtreview.commands.translate",
    "train-model": "mtreview.commands.train_model",
    "check": "mtreview.commands.check",
    "qe": "mtreview.commands.qe",
    "review": "mtreview.commands.review",
    "report": "mtreview.commands.report",
    "export": "mtreview.commands.export",
    "status": "mtreview.commands.status",
    "serve": "mtreview.commands.serve",
    "assign": "mtreview.commands.assign",
    "import-reviews": "mtreview.commands.import_reviews",
    "demo": "mtreview.commands.demo",
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {visible(message)}\n")
        raise SystemExit(2)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone (a run imports only its own
    command module; ``--help`` and unknown commands get them all)."""
    parser = OneLineParser(
        prog="mtreview",
        description="Review Arabic→English machine translation in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"mtreview {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, module_name in COMMANDS.items():
        if command is not None and name != command:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command: ``argv`` None for the process's own command line (the console script,
    ``python -m mtreview``), a list for a caller running commands in-process."""
    in_process = argv is not None
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except UserError as e:
        # a message may quote a name or a line from a file: one line, nothing the terminal
        # would run (escape sequences, bidi overrides) — see mtreview.core.visible
        sys.stderr.write(f"mtreview: error: {visible(str(e))}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("mtreview: interrupted\n")
        return 130
    finally:
        if in_process:  # what mtreview.startup.imports froze comes back to the caller's
            gc.unfreeze()  # collector (a process that exits skips its final full collection)
