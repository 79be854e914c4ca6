"""mtreview demo: the bundled sample article, translated by the bundled model, checked,
and opened in the review UI.

Every step is cached in the demo project's store: a second ``mtreview demo`` translates
nothing and opens the review at once. Without a terminal (or with ``--no-review``) it
prints the project's summary and its flags instead of opening the UI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HELP = "translate, check and review the bundled sample article with the bundled model"

# (system name suffix, generation overrides): two decodings of the bundled model, so the
# review compares two systems and name-rendering checks have something to compare
DECODINGS: tuple[tuple[str, dict[str, Any]], ...] = (("greedy", {"beams": 1}), ("beam4", {"beams": 4}))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", default=None, help="project directory (default: a cache folder)")
    p.add_argument("--no-review", action="store_true",
                   help="print the summary and flags instead of opening the review UI")
    p.add_argument("--reviewer", default=None, help="reviewer name (default: your login)")
    p.add_argument("--device", default="cpu", help="device for the bundled model (cpu|cuda|auto)")


def ensure_project(path: Path):
    """The demo project at ``path``: opened when it is one, created when ``path`` is absent
    or an empty directory; any other project or non-empty directory is refused."""
    from mtreview import paths
    from mtreview.core import ingest
    from mtreview.core.project import CONFIG_NAME, Project
    from mtreview.errors import UserError

    corpus = ingest.read_source(paths.SAMPLE_SOURCE, ingest.SourceOptions(split_sentences=True))
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} is not a directory; choose another --dir")
    if (path / CONFIG_NAME).exists():
        project = Project.open(path)
        if [s.source for s in project.store.segments()] != [s.source for s in corpus.segments]:
            project.close()
            raise UserError(f"{path} is an mtreview project, but not the demo's (its segments "
                            f"are not the sample article); choose another --dir")
        return project
    if path.exists() and any(path.iterdir()):
        raise UserError(f"{path} exists and is not empty; choose another --dir")
    refs = ingest.read_reference_file(paths.SAMPLE_REFERENCE, corpus.segments, 0)
    return Project.create(path, corpus.documents, corpus.segments, refs)


def check_options(args: argparse.Namespace) -> None:
    """Everything the demo needs, checked before anything is created."""
    from mtreview.core.visible import bad_name_chars, visible
    from mtreview.errors import UserError
    from mtreview.translate.batching import resolve_device

    resolve_device(args.device)
    if args.reviewer is not None:
        if not args.reviewer.strip():
            raise UserError("--reviewer cannot be empty")
        if bad_name_chars(args.reviewer):
            raise UserError(f"invalid reviewer name {visible(args.reviewer)!r}: it contains "
                            f"control or bidi characters")
    if not bundled_cards():
        raise UserError("no bundled model in this checkout (models/*.toml with weights)")


def bundled_cards() -> list:
    """Model cards in models/ whose weights are in the checkout (not a hub download)."""
    from mtreview.translate.cards import list_cards

    return [c for c in list_cards().values() if c.path is not None and c.path.is_dir()]


def ensure_translations(project, device: str) -> list[str]:
    """Translate the sample with each bundled model (once: cached in the store)."""
    from mtreview.translate.cards import resolve_model
    from mtreview.translate.run import translate_project

    names = []
    for card in bundled_cards():
        spec = resolve_model(str(card.file))
        for suffix, overrides in DECODINGS:
            name = f"{card.name}-{suffix}"
            result = translate_project(project, spec, name, device=device, progress=True,
                                       **overrides)
            if result.translated:
                sys.stderr.write(f"translated {result.translated} segments with {name}\n")
            names.append(name)
    return names


def ensure_flags(project) -> list:
    from mtreview.checks.base import CHECKS, run_checks, save_flags

    flags = run_checks(project)
    save_flags(project.store, flags, list(CHECKS))
    return flags


def print_summary(project, flags) -> None:
    from mtreview.commands import status

    out = [status.render(status.collect(project)), ""]
    for f in flags:
        where = f.system or "source"
        segs = ",".join(map(str, f.segments))
        out.append(f"⚑ {f.check:<16} {f.severity:<6} {where:<22} seg {segs}: {f.message}")
    from mtreview.core.visible import visible

    sys.stdout.write(visible("\n".join(out), keep_newlines=True) + "\n")


def run(args: argparse.Namespace) -> int:
    from mtreview import paths

    path = Path(args.dir) if args.dir else paths.cache_home() / "demo"
    check_options(args)
    with ensure_project(path) as project:
        ensure_translations(project, args.device)
        flags = ensure_flags(project)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        if args.no_review or not interactive:
            print_summary(project, flags)
            return 0
    from mtreview.commands.review import open_review

    return open_review(path, reviewer=args.reviewer)
