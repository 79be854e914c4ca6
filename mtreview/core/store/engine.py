"""Where a store lives and how to connect to it: SQLite files and PostgreSQL schemas.

A store is either one SQLite file (``DIR/store.sqlite``, WAL mode) or one PostgreSQL schema
(``mtreview_<project id>``) in a database that several projects may share. Connection URLs
never carry a password: libpq's ``PGPASSWORD``, ``~/.pgpass`` or a service file supply it,
so nothing mtreview writes or prints can contain one.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from mtreview.errors import UserError

STORE_NAME = "store.sqlite"
PG_SCHEMA = re.compile(r"mtreview_[a-z0-9_]{1,40}")
_PG_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")


class StoreError(UserError):
    """The store cannot do what was asked: reported in one line (the CLI exits 2)."""


@dataclass(frozen=True)
class Target:
    """An opened store's location: a SQLite ``path`` or a PostgreSQL ``url`` + ``schema``."""

    path: Path | None = None
    url: URL | None = None
    schema: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def label(self) -> str:
        if self.path is not None:
            return str(self.path)
        return f"{public_url(self.url)} (schema {self.schema})"


def parse_store_url(value: str) -> URL | None:
    """The PostgreSQL URL of ``--store`` (None for ``sqlite``, the embedded default).

    ``postgresql://user@host/db`` and ``postgres://…`` are accepted; a URL that carries a
    password is refused (without echoing it)."""
    value = (value or "").strip()
    if value.lower() in ("", "sqlite"):
        return None
    try:
        url = make_url(value)
    except ArgumentError:
        raise StoreError("the store must be `sqlite` or a URL like "
                         "postgresql://user@host/dbname") from None
    if url.drivername not in _PG_DRIVERS:
        raise StoreError(f"unsupported store {url.drivername!r}: use `sqlite` or "
                         f"postgresql://user@host/dbname")
    if url.password is not None:
        raise StoreError("the store URL must not contain a password (it would be saved in "
                         "the project): use PGPASSWORD or ~/.pgpass instead")
    if not url.database:
        raise StoreError("the store URL names no database: postgresql://user@host/dbname")
    return url.set(drivername="postgresql+psycopg")


def public_url(url: URL | None) -> str:
    """The URL as users write it (``postgresql://…``), never with a password."""
    if url is None:
        return "sqlite"
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def sqlite_engine(path: Path, read_only: bool) -> Engine:
    if read_only:
        # without a WAL file nobody is writing: read the file as it is, creating nothing
        # (no -wal/-shm files in a directory that may not be writable)
        mode = "mode=ro" if Path(f"{path}-wal").exists() else "immutable=1"
        url: str | URL = f"sqlite+pysqlite:///file:{quote(str(path.resolve()))}?{mode}&uri=true"
    else:
        url = URL.create("sqlite+pysqlite", database=str(path))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30.0})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
        cur = dbapi_conn.cursor()
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # a write takes the write lock at once: no deadlock between two upgrading readers
        write = conn.get_execution_options().get("mtreview_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def postgres_engine(url: URL, schema: str) -> Engine:
    if not PG_SCHEMA.fullmatch(schema):
        raise StoreError(f"invalid store schema name {schema!r}")
    return create_engine(
        url, pool_pre_ping=True, pool_size=2, max_overflow=8,
        connect_args={"options": f"-csearch_path={schema}", "connect_timeout": 10,
                      "application_name": f"mtreview:{schema}"})


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a whole SQLite database (empty, truncated, other bytes),
    before SQLite writes anything to it."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as e:
        raise StoreError(f"cannot read the store: {e.strerror}") from None
    if size == 0:
        raise StoreError("the store file is empty (0 bytes): not an mtreview store")
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise StoreError("not an mtreview store (not an SQLite database)")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change, pages, valid_for = (struct.unpack(">I", header[k:k + 4])[0] for k in (24, 28, 92))
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError("not an mtreview store (damaged SQLite header)")
    wal = Path(f"{path}-wal")
    replayable = wal.is_file() and wal.stat().st_size > 0  # a checkpoint cut short by a kill
    if change == valid_for and pages and size < pages * page_size and not replayable:
        raise StoreError(f"the store is truncated ({size} of {pages * page_size} bytes): "
                         f"restore it from a copy")


def sqlite_writable(path: Path) -> bool:
    """Whether the store may be written: the file and its directory (WAL files) are
    writable, and neither is marked read-only (no write permission bits, which even root,
    whom permissions do not stop, takes as "read-only" here)."""
    for p in (path, path.parent):
        if not os.access(p, os.W_OK) or not p.stat().st_mode & 0o222:
            return False
    return True


def short_error(exc: BaseException) -> str:
    """The first line of a database error, without SQL, parameters or links."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).splitlines() if ln.strip()]
    return lines[0] if lines else type(orig).__name__
