"""``DIR/dataset/``: a ``datasets`` snapshot of all reviews, refreshed atomically.

The store stays the system of record; the snapshot is derived from it. It is written to a
temporary directory beside it and renamed into place (see :func:`place.swap_dir`), so a
crash while writing leaves the previous snapshot where it was. A crash between the two
renames of the swap leaves the previous snapshot as ``DIR/.dataset.old-*``; the next
snapshot puts it back first (:func:`recover`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mtreview.core.project import Project


def recover(project: Project) -> None:
    """Restore a snapshot moved aside by an interrupted swap; drop stale temporaries."""
    target = project.dataset_dir
    parent = target.parent
    if not target.exists():
        olds = sorted(parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            olds[-1].rename(target)
    for stale in list(parent.glob(f".{target.name}.old-*")) + list(
            parent.glob(f".{target.name}.tmp-*")):
        shutil.rmtree(stale, ignore_errors=True)


def write_snapshot(project: Project) -> Path:
    """Refresh ``project.dataset_dir`` from the store (all reviews, hf format + card)."""
    import datasets

    from mtreview.export.formats import FORMATS, ExportJob, publish

    license = str(project.config.get("export", {}).get("license", "unknown"))
    job = ExportJob(project, license=license, command=f"mtreview export {project.path}")
    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        with _lock(project):  # one snapshot at a time (the UI closing, `mtreview export DIR`)
            recover(project)
            publish(FORMATS["hf"], job, project.dataset_dir)
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
    return project.dataset_dir


@contextmanager
def _lock(project: Project) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: no inter-process lock
        yield
        return
    with open(project.path / ".dataset.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
