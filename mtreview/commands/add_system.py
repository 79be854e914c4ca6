"""mtreview add-system: import a system's translations from a file."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

HELP = "import a system's translations (line-aligned text or JSONL)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("name", metavar="NAME", help="system name (unique in the project)")
    p.add_argument("file", metavar="FILE", help="translations: one a line, or JSONL")


def check_system_name(raw: str) -> str:
    """The system name to use (stripped), or ``UserError`` for an empty name or one with a
    control character, a bidi control or a ``/``."""
    from mtreview.core.visible import bad_name_chars, visible
    from mtreview.errors import UserError

    name = raw.strip()
    if not name:
        raise UserError("a system name cannot be empty")
    bad = bad_name_chars(name)
    if bad:
        raise UserError(f"invalid system name {visible(name)!r}: it contains control or "
                        f"bidi characters ({' '.join(bad)})")
    if "/" in name:
        raise UserError(f"invalid system name {name!r}: it contains '/'")
    return name


def run(args: argparse.Namespace) -> int:
    from mtreview.core import ingest
    from mtreview.core.project import Project
    from mtreview.core.store import StoreError, utcnow
    from mtreview.core.types import System
    from mtreview.errors import UserError

    name = check_system_name(args.name)
    with Project.open(args.dir) as project:
        store = project.store
        if store.system(name) is not None:
            raise UserError(f"system {name!r} already exists in {project.path}")
        path = Path(args.file)
        translations = ingest.read_system_file(path, name, store.segment_ids())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        provenance = {"source": "file", "file": str(path.resolve()), "sha256": digest,
                      "imported": utcnow()}
        try:
            store.add_system(System(name, "file", provenance), translations)
        except StoreError as e:
            raise UserError(str(e)) from None
        print(f"added system {name!r}: {len(translations)} translations")
    return 0
