"""mtreview qe: words a local translation model finds unlikely, as flags (suggested spans)."""

from __future__ import annotations

import argparse

HELP = ("flag the words of system translations that a local translation model finds "
        "unlikely (forced decoding); the review UI suggests them as error spans")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--model", required=True, metavar="MODEL",
                   help="model card, directory or cached hub id (as for translate)")
    p.add_argument("--system", action="append", metavar="NAME",
                   help="system to score (repeatable; default: every system)")
    p.add_argument("--threshold", type=float, default=0.01, metavar="P",
                   help="flag words below this probability (default 0.01)")
    p.add_argument("--per-segment", type=int, default=3, metavar="N",
                   help="at most N words per segment, the least likely (default 3)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="only the first N segments of each system")


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no network
    from mtreview.checks.base import save_flags
    from mtreview.core.project import Project
    from mtreview.errors import UserError
    from mtreview.translate.cards import resolve_model
    from mtreview.translate.qe import CHECK_ID, run_qe

    if not 0 < args.threshold <= 1 or args.per_segment < 1 or (args.limit or 1) < 1:
        raise UserError("--threshold is in (0, 1], --per-segment and --limit are ≥ 1")
    with Project.open(args.dir) as project:
        known = [s.name for s in project.store.systems()]
        systems = args.system or known
        unknown = [s for s in systems if s not in known]
        if unknown:
            raise UserError(f"no system {unknown[0]!r} in the project "
                            f"(systems: {', '.join(known) or 'none'})")
        spec = resolve_model(args.model, src_lang=project.src_lang, tgt_lang=project.tgt_lang)
        flags = run_qe(project, spec, systems, args.threshold, args.per_segment,
                       limit=args.limit)
        save_flags(project.store, flags, [CHECK_ID])
    words = sum(len(f.spans) for f in flags)
    print(f"{CHECK_ID}: {words} word(s) in {len(flags)} segment(s) flagged for review")
    return 0
