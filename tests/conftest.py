"""Shared fixtures. Tests that need ../shared skip when it is absent, and fail under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MTREVIEW_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
FLORES = DATA / "flores200-devtest-ar-en"
MADAR = DATA / "madar-msa-first100"


def need_shared(path: Path) -> Path:
    """Return ``path`` under ../shared, or skip (fail under CI=true) when it is missing."""
    if path.exists():
        return path
    msg = f"{path} is missing: ../shared/data is needed for this test"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture
def flores() -> Path:
    return need_shared(FLORES)


@pytest.fixture
def madar() -> Path:
    return need_shared(MADAR)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m mtreview ARGS`` in a subprocess, capturing text output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "mtreview", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=full_env,
                          timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


def store_dump(project_dir: Path) -> tuple[str, list[str]]:
    """Everything a project holds, to check that a refused command changed nothing: the
    text of ``mtreview.toml`` and a logical SQL dump of the store (read-only connection)."""
    import sqlite3

    config = project_dir / "mtreview.toml"
    con = sqlite3.connect(f"file:{project_dir / 'store.sqlite'}?mode=ro", uri=True)
    try:
        rows = list(con.iterdump())
    finally:
        con.close()
    return (config.read_text(encoding="utf-8") if config.exists() else ""), rows


def run_main(*args: object) -> tuple[int, str, str]:
    """Run the CLI in this process (``mtreview.cli.main``); return (status, stdout, stderr).
    Much faster than a subprocess for the many small refusal cases."""
    import contextlib
    import io

    from mtreview.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main([str(a) for a in args])
        except SystemExit as e:  # argparse: usage errors and --help
            rc = e.code if isinstance(e.code, int) else 2
    return rc, out.getvalue(), err.getvalue()
