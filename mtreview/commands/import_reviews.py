"""mtreview import-reviews: merge reviews exported from another copy of the project."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "merge reviews exported (jsonl or hf) from another copy of the same project"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("file", metavar="FILE",
                   help="a review export of the same project: a .jsonl file or an hf directory")
    p.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")


def run(args: argparse.Namespace) -> int:
    from mtreview.core.project import Project
    from mtreview.export.merge import plan_merge, read_rows

    path = Path(args.file)
    with Project.open(args.dir) as project:
        store = project.store
        rows = read_rows(path)
        sources = {s.id: s.source for s in store.segments()}
        translations = {s.name: store.translations(s.name) for s in store.systems()}
        plan = plan_merge(rows, sources, translations, store.reviews(), path.name)
        if not args.dry_run and (plan.add or plan.update):
            store.merge_reviews(plan.add + plan.update)
    print(("would be: " if args.dry_run else "") + plan.summary())
    return 0
