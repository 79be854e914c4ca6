"""mtreview demo: the bundled sample article, ready to review."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "set up the bundled sample article as a project and show it"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", default=None, help="project directory (default: a cache folder)")
    p.add_argument("--no-review", action="store_true",
                   help="print the summary instead of opening the review UI")


def ensure_project(path: Path):
    from mtreview import paths
    from mtreview.core import ingest
    from mtreview.core.project import CONFIG_NAME, Project

    if (path / CONFIG_NAME).exists():
        return Project.open(path)
    corpus = ingest.read_source(paths.SAMPLE_SOURCE, ingest.SourceOptions(split_sentences=True))
    refs = ingest.read_reference_file(paths.SAMPLE_REFERENCE, corpus.segments, 0)
    return Project.create(path, corpus.documents, corpus.segments, refs)


def run(args: argparse.Namespace) -> int:
    from mtreview import paths
    from mtreview.commands import status

    path = Path(args.dir) if args.dir else paths.cache_home() / "demo"
    with ensure_project(path) as project:
        sys.stdout.write(status.render(status.collect(project)) + "\n")
    return 0
