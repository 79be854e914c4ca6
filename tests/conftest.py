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


FLORES_FIRST40 = {"bloom-176b": "bloom-176b-1shot.en",
                  "opus-mt-big-2022": "opus-mt-ara-eng-big-2022.first40.en",
                  "opus-mt-2021": "opus-mt-ara-eng-2021.first40.en",
                  "opus-mt-mul-2020": "opus-mt-mul-eng-2020.first40.en"}


@pytest.fixture(scope="session")
def flores40(tmp_path_factory) -> dict[str, Path]:
    """The first 40 lines of FLORES-200 devtest as files, written once per run: ``src``
    (Arabic), ``ref`` (English) and each system of ``FLORES_FIRST40`` by its project name.
    The one home of the 40-line FLORES sample; packages build their projects on it."""
    need_shared(FLORES)
    root = tmp_path_factory.mktemp("flores40")
    files = {"src": FLORES / "arb_Arab.devtest", "ref": FLORES / "eng_Latn.devtest",
             **{name: FLORES / "systems" / f for name, f in FLORES_FIRST40.items()}}
    out = {}
    for key, src in files.items():
        lines = src.read_text(encoding="utf-8").split("\n")[:40]
        out[key] = root / f"{key}.txt"
        out[key].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


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


# -- PostgreSQL (issue 16): the same tests on both store engines ----------------------------
PG_URL = os.environ.get("MTREVIEW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
_pg_state: dict[str, str | None] = {}


def need_postgres() -> str:
    """The test server's URL ($MTREVIEW_TEST_PG), or skip (fail under CI=true) when it
    cannot be reached."""
    if "error" not in _pg_state:
        try:
            import psycopg

            psycopg.connect(PG_URL, connect_timeout=3).close()
            _pg_state["error"] = None
        except Exception as e:  # noqa: BLE001 - any failure means "no server to test on"
            _pg_state["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    if _pg_state["error"]:
        msg = f"PostgreSQL at {PG_URL} is unreachable ({_pg_state['error']})"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return PG_URL


def drop_pg_schemas(names) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as con:
        for name in names:
            con.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _project_schemas(root: Path) -> list[str]:
    import tomllib

    found = []
    for toml in root.rglob("mtreview.toml"):
        try:
            schema = tomllib.loads(toml.read_text(encoding="utf-8")).get("store", {}).get("schema")
        except (OSError, ValueError):
            continue
        if schema:
            found.append(schema)
    return found


@pytest.fixture
def pg_url(tmp_path):
    """The PostgreSQL test URL (skips when unreachable). Every project created under
    tmp_path with ``init --store URL`` has its schema dropped afterwards."""
    url = need_postgres()
    yield url
    drop_pg_schemas(_project_schemas(tmp_path))


@pytest.fixture
def pg_schema(pg_url):
    """A fresh schema name on the test server, dropped afterwards."""
    import uuid

    name = f"mtreview_test_{uuid.uuid4().hex[:12]}"
    yield name
    drop_pg_schemas([name])


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """``--store`` for `mtreview init`: "sqlite", then the PostgreSQL test URL (each
    project's schema is dropped afterwards)."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    url = need_postgres()
    yield url
    drop_pg_schemas(_project_schemas(tmp_path))


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store(request, tmp_path):
    """A factory of fresh, empty stores, on SQLite then on PostgreSQL: ``new_store()``."""
    import uuid

    from mtreview.core.store import Store

    opened, schemas = [], []

    def make(**kwargs):
        if request.param == "sqlite":
            s = Store(tmp_path / f"s{len(opened)}.sqlite", create=True, **kwargs)
        else:
            schemas.append(f"mtreview_test_{uuid.uuid4().hex[:12]}")
            s = Store(need_postgres(), schema=schemas[-1], create=True, **kwargs)
        opened.append(s)
        return s

    make.engine = request.param
    yield make
    for s in opened:
        s.close()
    if schemas:
        drop_pg_schemas(schemas)
