"""mtreview report: BLEU/chrF/TER with significance, human scores and agreement."""

from __future__ import annotations

import argparse

HELP = "metrics (BLEU, chrF, TER) with confidence intervals and significance, human scores"



def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--metrics", default="bleu,chrf",
                   help="comma-separated: bleu, chrf, ter, comet, cometkiwi, metricx; 'none' for "
                        "human scores only "
                        "(default: %(default)s)")
    p.add_argument("--metric-model", metavar="METRIC=MODEL", action="append", default=[],
                   help="checkpoint of a neural metric (comet, cometkiwi, metricx): a local "
                        "directory, a card in models/metrics/ or a cached hub id; repeatable")
    p.add_argument("--metric-precision", metavar="auto|fp32|bf16", default="auto",
                   help="precision of the neural metrics: fp32 gives the reference "
                        "implementations' scores, bf16 is ~4x faster on GPUs and on CPUs with "
                        "AMX, within ~1e-2 (default: auto, bf16 with CUDA, else fp32)")
    p.add_argument("--baseline", metavar="SYSTEM", default=None,
                   help="system the others are tested against (default: the first system)")
    p.add_argument("--bootstrap", metavar="N", default="1000",
                   help="paired bootstrap resamples; 0 disables (default: %(default)s)")
    p.add_argument("--ar", metavar="N", default="10000",
                   help="approximate randomisation trials; 0 disables (default: %(default)s)")
    p.add_argument("--seed", metavar="N", default="12345",
                   help="random seed, as sacrebleu's SACREBLEU_SEED (default: %(default)s)")
    p.add_argument("--format", default="table",
                   help="table, json, markdown, csv or html (default: %(default)s)")
    p.add_argument("--raw-csv", action="store_true",
                   help="csv: write cells as they are; by default a text cell starting with "
                        "= + - @ tab, CR or ' gets a leading ' so spreadsheets do not run it")
    p.add_argument("--output", "-o", metavar="FILE", default=None,
                   help="write the report to FILE instead of standard output")


def _count(name: str, text: str) -> int:
    from mtreview.errors import UserError
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"--{name} must be a whole number ≥ 0, not {text!r}") from None
    if value < 0:
        raise UserError(f"--{name} must be a whole number ≥ 0, not {text!r}")
    return value


def _metric_models(values: list[str]) -> dict[str, str]:
    from mtreview.errors import UserError
    out: dict[str, str] = {}
    for v in values:
        name, eq, model = v.partition("=")
        if not eq or not name.strip() or not model.strip():
            raise UserError(f"--metric-model must be METRIC=MODEL, not {v!r}")
        if name.strip().lower() in out:
            raise UserError(f"--metric-model {name.strip()} is given twice")
        out[name.strip().lower()] = model.strip()
    return out


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    # The report's only BLAS work is small resampling products, run on one thread anyway;
    # OpenBLAS's thread pool, started when numpy loads, would burn ~0.1 s of CPU for nothing.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from mtreview.startup import imports

    with imports():
        from mtreview.core.project import Project
        from mtreview.errors import UserError
        from mtreview.report.build import build_report
        from mtreview.report.render import RENDERERS

    if args.format not in RENDERERS:
        raise UserError(f"unknown format {args.format!r} (known: {', '.join(RENDERERS)})")
    if args.raw_csv and args.format != "csv":
        raise UserError(f"--raw-csv applies to --format csv only, not {args.format}")
    bootstrap, ar, seed = _count("bootstrap", args.bootstrap), _count("ar", args.ar), \
        _count("seed", args.seed)
    out = Path(args.output) if args.output else None
    with Project.open(args.dir) as project:
        if out is not None:
            _check_output(project, out)
        report = build_report(project, metrics=args.metrics, baseline=args.baseline,
                              bootstrap=bootstrap, ar=ar, seed=seed,
                              metric_models=_metric_models(args.metric_model),
                              metric_precision=args.metric_precision)
    text = RENDERERS[args.format](report, **({"raw": True} if args.raw_csv else {}))
    if out is None:
        print(text, end="")
    else:
        _write(out, text)
    return 0


def _check_output(project, out) -> None:
    from mtreview.commands.outputs import check_output
    from mtreview.errors import UserError

    check_output(project, out, what="report file")
    if out.is_dir():
        raise UserError(f"{out} is a directory; --output needs a file name")
    if not out.parent.is_dir():
        raise UserError(f"cannot write {out}: {out.parent} is not a directory")


def _write(out, text: str) -> None:
    """Write through a temporary sibling renamed into place (mtreview.export.place, which
    also removes what a killed run left): a failed write leaves the previous file, and a
    symlink at ``out`` is replaced, not followed."""
    from mtreview.errors import UserError
    from mtreview.export.place import write_into_place

    def write(tmp) -> str:
        tmp.write_text(text, encoding="utf-8")
        return ""

    try:
        write_into_place(write, out, is_dir=False)
    except OSError as e:
        raise UserError(f"cannot write {out}: {e.strerror}") from None
