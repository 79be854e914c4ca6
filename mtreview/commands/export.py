"""mtreview export: the reviews as a Hugging Face dataset or in the WMT formats."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "export reviews: a datasets dataset (hf, parquet, jsonl, csv) or WMT formats"

# the names of mtreview.export.formats.FORMATS (not imported here: --help stays light;
# tests/export/test_cli.py checks the two agree)
FORMAT_NAMES = ("hf", "parquet", "jsonl", "csv", "wmt-mqm", "wmt-esa", "mt-metrics-eval")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("out", metavar="OUT", nargs="?", default=None,
                   help="output file or directory; without it, refresh DIR/dataset/")
    p.add_argument("--format", dest="fmt", metavar="FORMAT", default=None,
                   help=f"output format: {', '.join(FORMAT_NAMES)} (default: from OUT's "
                        "suffix — .parquet, .jsonl, .csv, .tsv → wmt-mqm — else hf)")
    p.add_argument("--reviewer", metavar="NAME", default=None, help="only this reviewer")
    p.add_argument("--system", metavar="NAME", default=None, help="only this system")
    p.add_argument("--all", dest="include_all", action="store_true",
                   help="also translations nobody reviewed (reviewer and score null)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing output file or non-empty directory")
    p.add_argument("--raw-csv", action="store_true",
                   help="csv: write cells as they are; by default a text cell starting with "
                        "= + - @ tab, CR or ' gets a leading ' so spreadsheets do not run it "
                        "as a formula (read_csv removes it again)")
    p.add_argument("--license", default=None,
                   help="licence id for the dataset card (default: [export] license in "
                        "mtreview.toml, else 'unknown')")


def run(args: argparse.Namespace) -> int:
    from mtreview.startup import imports

    with imports():
        from mtreview.core.project import Project
        from mtreview.core.visible import visible
        from mtreview.errors import UserError

    with Project.open(args.dir) as project:
        if args.out is None:
            return _refresh_snapshot(project, args)
        with imports():
            from mtreview.export.formats import FORMATS, ExportJob, guess_format, publish
            from mtreview.export.rows import RowFilter

        out = Path(args.out)
        if args.fmt is not None and args.fmt not in FORMATS:
            raise UserError(f"unknown export format {args.fmt!r} "
                            f"(known: {', '.join(FORMATS)})")
        fmt = FORMATS[args.fmt or guess_format(out)]
        if args.raw_csv and fmt.name != "csv":
            raise UserError(f"--raw-csv applies to the csv format only, not {fmt.name}")
        _check_out(project, out, fmt.is_dir, args.overwrite)
        _check_filters(project, args)
        licence = args.license or str(project.config.get("export", {}).get("license",
                                                                            "unknown"))
        job = ExportJob(project, RowFilter(args.reviewer, args.system, args.include_all),
                        license=licence, command=_command(args), raw_csv=args.raw_csv)
        if job.table().num_rows == 0:
            raise UserError("nothing to export: no reviews match"
                            + ("" if args.include_all else
                               " (--all includes unreviewed translations)"))
        import datasets

        datasets.disable_progress_bars()
        summary = publish(fmt, job, out)
        print(visible(f"exported {summary} to {out} ({fmt.name})"))
    return 0


def _refresh_snapshot(project, args: argparse.Namespace) -> int:
    from mtreview.errors import UserError
    from mtreview.export.snapshot import write_snapshot

    extra = [flag for flag, given in (("--format", args.fmt not in (None, "hf")),
                                      ("--reviewer", args.reviewer is not None),
                                      ("--system", args.system is not None),
                                      ("--all", args.include_all),
                                      ("--raw-csv", args.raw_csv)) if given]
    if extra:
        raise UserError(f"{extra[0]} needs an OUT path; `mtreview export DIR` alone "
                        f"refreshes {project.dataset_dir} with all reviews")
    path = write_snapshot(project)
    n = sum(project.store.review_counts().values())
    print(f"refreshed {path}: {n} reviews")
    return 0


def _check_out(project, out: Path, is_dir: bool, overwrite: bool) -> None:
    """Refuse outputs that would destroy the project, its snapshot, or its source data."""
    from mtreview.commands.outputs import check_output
    from mtreview.errors import UserError

    check_output(project, out)
    if not out.exists():
        return
    if out.is_dir() and not is_dir:
        raise UserError(f"{out} is a directory; this format writes a file")
    if out.is_file() and is_dir:
        raise UserError(f"{out} is a file; this format writes a directory")
    if out.is_dir() and not any(out.iterdir()):
        return
    if not overwrite:
        what = "already exists and is not empty" if out.is_dir() else "already exists"
        raise UserError(f"{out} {what}; use --overwrite to replace it")


def _check_filters(project, args: argparse.Namespace) -> None:
    from mtreview.errors import UserError

    store = project.store
    if args.system is not None and store.system(args.system) is None:
        names = ", ".join(s.name for s in store.systems()) or "none"
        raise UserError(f"no system {args.system!r} in {project.path} (systems: {names})")
    if args.reviewer is not None and args.reviewer not in store.review_counts():
        names = ", ".join(sorted(store.review_counts())) or "none yet"
        raise UserError(f"no reviews by {args.reviewer!r} in {project.path} "
                        f"(reviewers: {names})")


def _command(args: argparse.Namespace) -> str:
    parts = ["mtreview export", str(args.dir), str(args.out)]
    if args.fmt:
        parts.append(f"--format {args.fmt}")
    for flag, val in (("--reviewer", args.reviewer), ("--system", args.system)):
        if val is not None:
            parts.append(f"{flag} {val}")
    if args.include_all:
        parts.append("--all")
    if args.raw_csv:
        parts.append("--raw-csv")
    return " ".join(parts)
