"""Where a command may write its output: never over the project's own files.

``report --output`` and ``export OUT`` both call :func:`check_output`. Inside the project
directory only ``DIR/exports/`` (:data:`EXPORTS_DIR`) is allowed: everything else there
(the store and its ``-wal``/``-shm``/``-journal`` files, ``mtreview.toml``, ``dataset/``,
``cache/``, lock files, whatever a later version adds) belongs to mtreview. A path is
compared after resolving symbolic links, so a link to the store is refused too.
"""

from __future__ import annotations

from pathlib import Path

from mtreview.errors import UserError

# the one folder of a project that outputs may be written to
EXPORTS_DIR = "exports"


def check_output(project, out: Path, *, what: str = "output") -> Path:
    """Refuse ``out`` when it would replace or sit among the project's own files, or
    overwrite the data the project was created from. Return the resolved path."""
    try:
        target = out.resolve()
    except (OSError, RuntimeError) as e:  # a symlink loop
        raise UserError(f"cannot use {out} as the {what}: {e}") from None
    home = project.path.resolve()
    if target == home or target in home.parents:
        raise UserError(f"{out} would replace the project {project.path} itself")
    snapshot = project.dataset_dir.resolve()
    if target == snapshot or target.is_relative_to(snapshot):
        raise UserError(f"{out} is the project's own snapshot; refresh it with "
                        f"`mtreview export {project.path}` (no OUT)")
    if target.is_relative_to(home):
        exports = home / EXPORTS_DIR
        if not target.is_relative_to(exports) or target == exports:
            raise UserError(f"{out} is inside the project {project.path}, whose files "
                            f"belong to mtreview; write to {project.path / EXPORTS_DIR}/ "
                            f"or outside the project")
    for key in ("source", "source_path", "imported_from"):
        src = project.store.meta().get(key)
        if isinstance(src, str) and src and Path(src).resolve() == target:
            raise UserError(f"{out} is the data the project was created from; "
                            f"writing over it is refused")
    return target
