"""Opening a store, migrating it, and running every read and write as one transaction.

SQLite: a write is ``BEGIN IMMEDIATE`` … ``COMMIT`` (WAL mode, ``synchronous=NORMAL``): a
process killed at any moment leaves the store before or after the write, never in between.
PostgreSQL: a write is one SERIALIZABLE transaction; a serialization failure or deadlock is
retried, and so is a lost connection for writes that are safe to repeat (idempotent).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self, TypeVar, cast

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.schema import CreateSchema, DropSchema

from mtreview.core.store import schema as S
from mtreview.core.store.engine import (
    StoreError,
    Target,
    check_sqlite_file,
    parse_store_url,
    postgres_engine,
    short_error,
    sqlite_engine,
    sqlite_writable,
)

T = TypeVar("T")
RETRY_SECONDS = 60.0  # how long a write waits for a restarting PostgreSQL server
_RETRY_STATES = ("40001", "40P01")  # serialization failure, deadlock detected


def _target(where: str | os.PathLike, schema: str | None) -> Target:
    text_ = os.fspath(where)
    if "://" not in text_:
        return Target(path=Path(text_))
    if text_.startswith("sqlite:///"):
        return Target(path=Path(text_[len("sqlite:///"):]))
    url = parse_store_url(text_)
    if url is None or not schema:
        raise StoreError("a PostgreSQL store needs its schema name")
    return Target(url=url, schema=schema)


class StoreBase:
    """Connection, transactions and migrations; the data methods are in :class:`Store`."""

    def __init__(self, where: str | os.PathLike, *, create: bool = False,
                 schema: str | None = None, read_only: bool | None = None):
        self.target = _target(where, schema)
        self._reached = False  # connected once: later connection errors are worth a retry
        self._raw_lock = threading.RLock()
        self._raw_conn: Any = None  # SQLite: one pooled DBAPI connection for the fast path
        self._compiled_cache: dict[Any, tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        self.path = self.target.path  # None for PostgreSQL
        if self.target.is_sqlite:
            path = self.target.path
            assert path is not None  # a SQLite target has a file
            exists = path.is_file()
            if not exists and (not create or path.exists()):
                raise StoreError(f"no store at {path}")
            if exists and not (create and path.stat().st_size == 0):
                check_sqlite_file(path)
            writable = sqlite_writable(path) if exists else os.access(path.parent, os.W_OK)
            self.read_only = (not writable) if read_only is None else read_only
            self._engine = sqlite_engine(path, self.read_only)
            from sqlalchemy.dialects.sqlite import insert  # upserts: this engine's dialect
            self._ins: Callable[..., Any] = insert
        else:
            self.read_only = bool(read_only)
            assert self.target.url is not None and self.target.schema is not None  # PostgreSQL
            self._engine = postgres_engine(self.target.url, self.target.schema)
            from sqlalchemy.dialects.postgresql import insert as pg_insert
            self._ins = pg_insert
        try:
            self._open(create)
        except BaseException:
            self._engine.dispose()
            raise

    # -- plumbing ---------------------------------------------------------------------
    def close(self) -> None:
        with self._raw_lock:
            if self._raw_conn is not None:
                self._raw_conn.close()  # back to the pool, closed by dispose()
                self._raw_conn = None
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_sqlite(self) -> bool:
        return self.target.is_sqlite

    def _read(self, fn: Callable[[Connection], T]) -> T:
        return self._run(fn, write=False, idempotent=True)

    def _write(self, fn: Callable[[Connection], T], *, idempotent: bool = False) -> T:
        """Run ``fn(connection)`` as one write transaction (all or nothing)."""
        self._check_writable()
        return self._run(fn, write=True, idempotent=idempotent)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store is read-only ({self.target.label}): nothing was "
                             f"saved")

    def _run(self, fn: Callable[[Connection], T], *, write: bool, idempotent: bool) -> T:
        deadline = time.monotonic() + RETRY_SECONDS
        delay = 0.02
        while True:
            connected = False
            try:
                with self._engine.connect() as conn:
                    connected = self._reached = True
                    if write and self.is_sqlite:
                        conn.execution_options(mtreview_write=True)
                    elif write:
                        conn.execution_options(isolation_level="SERIALIZABLE")
                    with conn.begin():
                        return fn(conn)
            except DBAPIError as e:
                if not (self._retryable(e, connected, idempotent)
                        and time.monotonic() < deadline):
                    raise self._error(e) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    # -- the fast path: Core statements compiled once, run on one DBAPI connection --------
    # SQLAlchemy's per-call work (pool checkout, cache key, result rows) costs ~20x a small
    # SQLite query: on SQLite, reads and single-statement writes run the statement SQLAlchemy
    # compiled for this dialect directly. PostgreSQL (network-bound) takes the normal path.
    def _compiled(self, stmt: Any) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        hit = self._compiled_cache.get(stmt)
        if hit is None:
            c = stmt.compile(dialect=self._engine.dialect)
            hit = (c.string, tuple(c.positiontup or ()), dict(c.params))
            self._compiled_cache[stmt] = hit
        return hit

    def _raw(self) -> Any:
        if self._raw_conn is None:
            self._raw_conn = self._engine.raw_connection()
        return self._raw_conn.dbapi_connection

    def _rows(self, stmt: Any, **params: Any) -> list[tuple]:
        """All rows of a read (``stmt`` uses ``bindparam`` names for ``params``)."""
        if not self.is_sqlite:
            return self._read(lambda c: [tuple(r) for r in c.execute(stmt, params)])
        sql, names, defaults = self._compiled(stmt)
        args = [params[n] if n in params else defaults[n] for n in names]
        with self._raw_lock:
            try:
                return self._raw().execute(sql, args).fetchall()
            except sqlite3.Error as e:
                raise self._error(e) from None

    def _execute_many(self, stmt: Any, rows: list[dict[str, Any]], *,
                      idempotent: bool = False) -> None:
        """One single-statement write (``rows``: one dict per execution), one transaction."""
        if not self.is_sqlite:
            self._write(lambda c: c.execute(stmt, rows), idempotent=idempotent)
            return
        self._check_writable()
        sql, names, defaults = self._compiled(stmt)
        args = [[r[n] if n in r else defaults[n] for n in names] for r in rows]
        with self._raw_lock:
            con = self._raw()
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    con.executemany(sql, args)
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            except sqlite3.Error as e:
                raise self._error(e) from None

    def _retryable(self, e: DBAPIError, connected: bool, idempotent: bool) -> bool:
        if self.is_sqlite:
            return False
        state = getattr(e.orig, "sqlstate", None) or ""
        if state in _RETRY_STATES:
            return True  # the transaction was rolled back: always safe to run again
        lost = e.connection_invalidated or (
            isinstance(e, OperationalError) and (not state or state[:2] in ("08", "57")))
        # before connecting nothing was sent; afterwards only an idempotent write may repeat.
        # A server never reached is not waited for (a wrong URL fails at once).
        return lost and self._reached and (idempotent or not connected)

    def _error(self, e: Exception) -> StoreError:
        msg = short_error(e)
        if isinstance(e, IntegrityError | sqlite3.IntegrityError):
            return StoreError(f"conflicting data, nothing saved: {msg}")
        if self.is_sqlite and ("not a database" in msg or "malformed" in msg):
            return StoreError(f"the store is damaged ({msg}): restore it from a copy")
        if self.is_sqlite and "readonly" in msg:
            return StoreError(f"the store is read-only ({self.target.label}): nothing was "
                              f"saved")
        if not self.is_sqlite and isinstance(e, OperationalError) and not getattr(
                getattr(e, "orig", None), "sqlstate", None):
            return StoreError(f"cannot reach the store at {self.target.label}: {msg}")
        return StoreError(f"store error: {msg}")

    # -- schema versions and migrations ------------------------------------------------
    def schema_version(self) -> int:
        return self._read(self._version)

    def _version(self, c: Connection) -> int:
        if self.is_sqlite:
            return int(cast(int, c.exec_driver_sql("PRAGMA user_version").scalar()))
        if not inspect(c).has_table("meta"):
            return 0
        value = c.execute(select(S.meta.c.value).where(S.meta.c.key == "schema_version"))
        return int(json.loads(value.scalar() or "0"))

    def _set_version(self, c: Connection, version: int) -> None:
        if self.is_sqlite:
            c.exec_driver_sql(f"PRAGMA user_version={int(version)}")
        self._upsert_meta(c, {"schema_version": version})

    def _upsert_meta(self, c: Connection, values: dict[str, Any]) -> None:
        stmt = self._ins(S.meta)
        stmt = stmt.on_conflict_do_update(index_elements=[S.meta.c.key],
                                          set_={"value": stmt.excluded.value})
        c.execute(stmt, [{"key": k, "value": json.dumps(v)} for k, v in values.items()])

    def _open(self, create: bool) -> None:
        if create and not self.is_sqlite:
            schema = self.target.schema
            assert schema is not None  # a PostgreSQL target has a schema
            self._write(lambda c: c.execute(CreateSchema(schema,
                                                         if_not_exists=True)),
                        idempotent=True)
        version = self.schema_version()
        if version == S.SCHEMA_VERSION:
            return
        if version > S.SCHEMA_VERSION:
            raise StoreError(f"store schema version {version} is newer than this mtreview "
                             f"({S.SCHEMA_VERSION}): upgrade mtreview")
        if version == 0 and not create:
            raise StoreError(f"no mtreview store at {self.target.label}")
        if self.read_only:
            raise StoreError(f"the store needs an upgrade (version {version} to "
                             f"{S.SCHEMA_VERSION}) but is read-only: open it once with "
                             f"write access")
        while self._write(self._migrate_step) < S.SCHEMA_VERSION:
            pass

    def _migrate_step(self, c: Connection) -> int:
        """One migration in one transaction; the version is read inside it, so two processes
        opening an old store at once do not both migrate."""
        version = self._version(c)
        if version >= S.SCHEMA_VERSION:
            return version
        if version == 0:
            S.metadata.create_all(c)
            version = S.SCHEMA_VERSION
        else:
            S.MIGRATIONS[version](c)
            version += 1
        self._set_version(c, version)
        return version

    def destroy(self) -> None:
        """PostgreSQL: drop this store's schema with all its rows (tests, failed creates)."""
        if self.is_sqlite:
            raise StoreError("destroy() is for PostgreSQL stores; delete the file instead")
        schema = self.target.schema
        assert schema is not None  # a PostgreSQL target has a schema
        self._write(lambda c: c.execute(DropSchema(schema, cascade=True,
                                                   if_exists=True)), idempotent=True)
        self.close()

    def dump(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted: compare two dumps to prove nothing changed."""
        def run(c: Connection) -> dict[str, list[tuple]]:
            return {name: sorted((tuple(r) for r in c.execute(select(table))), key=repr)
                    for name, table in S.metadata.tables.items()}
        return self._read(run)
