"""mtreview qe: words a local translation model finds unlikely, as flags (suggested spans)."""

from __future__ import annotations

import argparse

HELP = ("flag the words of system translations that a local translation model finds "
        "unlikely (forced decoding), or the error spans an xCOMET checkpoint predicts; the "
        "review UI suggests them as error spans")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--model", metavar="MODEL",
                   help="model card, directory or cached hub id (as for translate)")
    p.add_argument("--xcomet", metavar="CHECKPOINT",
                   help="instead of --model: an xCOMET checkpoint (directory, card or cached "
                        "hub id, as for report --metric-model); its predicted error spans "
                        "become flags (with the first reference where the project has one)")
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
    if (args.model is None) == (args.xcomet is None):
        raise UserError("qe needs one of --model (a translation model) or --xcomet")
    with Project.open(args.dir) as project:
        known = [s.name for s in project.store.systems()]
        systems = args.system or known
        unknown = [s for s in systems if s not in known]
        if unknown:
            raise UserError(f"no system {unknown[0]!r} in the project "
                            f"(systems: {', '.join(known) or 'none'})")
        if args.xcomet is not None:
            from mtreview.metrics.neural.span_flags import CHECK_ID as XCOMET_ID
            from mtreview.metrics.neural.span_flags import run_xcomet

            flags, check = run_xcomet(project, args.xcomet, systems, limit=args.limit), XCOMET_ID
        else:
            spec = resolve_model(args.model, src_lang=project.src_lang,
                                 tgt_lang=project.tgt_lang)
            flags, check = run_qe(project, spec, systems, args.threshold, args.per_segment,
                                  limit=args.limit), CHECK_ID
        save_flags(project.store, flags, [check])
    spans = sum(len(f.spans) for f in flags)
    segments = len({(f.system, f.segments) for f in flags})
    print(f"{check}: {spans} span(s) in {segments} segment(s) flagged for review")
    return 0
