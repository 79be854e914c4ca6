"""Writing an output into place: a temporary sibling, renamed over the output.

A temporary is named ``.OUT.tmp-mtreview-PID-RANDOM`` (PID: the process writing it); a
temporary directory also holds a marker file, :data:`MARKER`. A run killed before its
rename (SIGKILL, power loss) leaves its temporary behind; the next export to the same OUT
removes it, and only it: the name must match, a directory must carry the marker, and the
process that made it must be gone. Anything else beside OUT is left alone.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

MARKER = ".mtreview-partial"
_TAG = "tmp-mtreview"


def _prefix(out: Path) -> str:
    return f".{out.name}.{_TAG}-{os.getpid()}-"


def make_temporary(out: Path, *, is_dir: bool) -> Path:
    """A fresh, recognisably named temporary beside ``out``: an empty directory holding
    the :data:`MARKER`, or a path for a file (not created)."""
    parent = out.parent
    if is_dir:
        tmp = Path(tempfile.mkdtemp(prefix=_prefix(out), dir=parent))
        _default_mode(tmp)
        (tmp / MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        return tmp
    while True:
        tmp = parent / f"{_prefix(out)}{secrets.token_hex(4)}"
        if not tmp.exists() and not tmp.is_symlink():
            return tmp


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale(out: Path) -> list[Path]:
    """Remove the temporaries that killed runs left beside ``out``; return them."""
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.{_TAG}-(\d+)-[0-9a-zA-Z_]+$")
    removed: list[Path] = []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or _alive(int(m.group(1))) or entry.is_symlink():
            continue
        if entry.is_dir():
            if not (entry / MARKER).is_file():
                continue
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def write_into_place(write: Callable[[Path], str], out: Path, *, is_dir: bool) -> str:
    """Call ``write(tmp)`` on a temporary beside ``out``, then rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    tmp = make_temporary(out, is_dir=is_dir)
    try:
        summary = write(tmp)
        if is_dir:
            (tmp / MARKER).unlink()
            swap_dir(tmp, out)
        else:
            os.replace(tmp, out)
    except BaseException:
        if is_dir:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise
    return summary


def _default_mode(path: Path) -> None:
    """mkdtemp makes a private (0700) directory; give it the usual mode for the umask."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)


def swap_dir(tmp: Path, out: Path) -> None:
    """Put directory ``tmp`` at ``out``; a previous ``out`` is moved aside, then removed."""
    if out.is_symlink() or out.is_file():
        out.unlink()
    if not out.exists():
        tmp.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
