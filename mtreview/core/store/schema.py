"""The store's tables (SQLAlchemy Core) and the migrations between schema versions.

One schema for both engines: SQLite (the embedded default) and PostgreSQL (one schema per
project). A new store gets the current tables in one step (``metadata.create_all``) and
version :data:`SCHEMA_VERSION`; an existing store of version ``v`` runs ``MIGRATIONS[v]``,
``MIGRATIONS[v + 1]``, … — each one transaction — up to :data:`SCHEMA_VERSION`.

To add a table: define it below (new stores get it from ``create_all``), then add
``MIGRATIONS[SCHEMA_VERSION] = create_tables("name")`` so existing stores get it too.
Migrations use Core constructs or SQL that both engines accept; nothing engine-specific.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    false,
    text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()
_NO_ROWID: dict[str, Any] = {"sqlite_with_rowid": False}

meta = Table(
    "meta", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
documents = Table(
    "documents", metadata,
    Column("id", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
)
segments = Table(
    "segments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("doc_id", Text, ForeignKey("documents.id"), nullable=False),
    Column("para_id", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Index("segments_doc", "doc_id"),
)
refs = Table(
    "refs", metadata,
    Column("seg_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("seg_id", "idx"),
    **_NO_ROWID,
)
systems = Table(
    "systems", metadata,
    Column("name", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("provenance", Text, nullable=False, server_default="{}"),
    Column("created", Text, nullable=False),
    Column("position", Integer, nullable=False),
)
translations = Table(
    "translations", metadata,
    Column("system", Text, ForeignKey("systems.name"), nullable=False),
    Column("seg_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("system", "seg_id"),
    **_NO_ROWID,
)
flags = Table(
    "flags", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Text, nullable=False),
    Column("check_id", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("system", Text),
    Column("segments", Text, nullable=False),
    Column("forms", Text, nullable=False),
    Column("spans", Text, nullable=False),
    Column("message", Text, nullable=False),
    Index("flags_check", "check_id"),
)
flag_segments = Table(
    "flag_segments", metadata,
    Column("flag_id", Integer, ForeignKey("flags.id", ondelete="CASCADE"), nullable=False),
    Column("seg_id", Integer, nullable=False),
    PrimaryKeyConstraint("seg_id", "flag_id"),
    **_NO_ROWID,
)
# Version 3: one review per (segment, system, reviewer, protocol), with blind and card order.
reviews = Table(
    "reviews", metadata,
    Column("seg_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("system", Text, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("protocol", Text, nullable=False),
    Column("score", Float),
    Column("spans", Text, nullable=False, server_default="[]"),
    Column("comment", Text, nullable=False, server_default=""),
    Column("start_time", Text),
    Column("end_time", Text),
    Column("updated", Text, nullable=False),
    Column("blind", Boolean, nullable=False, server_default=false()),
    Column("card_order", Text, nullable=False, server_default="[]"),
    PrimaryKeyConstraint("seg_id", "system", "reviewer", "protocol"),
    Index("reviews_reviewer", "reviewer"),
    **_NO_ROWID,
)
# Cached metric statistics: one block per (system, metric, references) (version 2).
stats = Table(
    "stats", metadata,
    Column("system", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("ref_hash", Text, nullable=False),
    Column("digest", Text, nullable=False),
    Column("value", LargeBinary, nullable=False),
    PrimaryKeyConstraint("system", "metric", "ref_hash"),
    **_NO_ROWID,
)
# Campaigns (version 4): batches of whole documents, their (segment, system) items, who has
# which batch, and the attention copies (corrupted translations, system "attention:<name>").
batches = Table(
    "batches", metadata,
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("doc_ids", Text, nullable=False),
    Column("words", Integer, nullable=False),
)
batch_items = Table(
    "batch_items", metadata,
    Column("batch", Integer, ForeignKey("batches.idx"), nullable=False),
    Column("seg_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("system", Text, nullable=False),
    PrimaryKeyConstraint("batch", "seg_id", "system"),
    **_NO_ROWID,
)
assignments = Table(
    "assignments", metadata,
    Column("batch", Integer, ForeignKey("batches.idx"), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("assigned", Text, nullable=False),
    PrimaryKeyConstraint("batch", "reviewer"),
    **_NO_ROWID,
)
attention = Table(
    "attention", metadata,
    Column("seg_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("system", Text, nullable=False),
    Column("batch", Integer, ForeignKey("batches.idx"), nullable=False),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("seg_id", "system"),
    **_NO_ROWID,
)


Migration = Callable[[Connection], None]


def create_tables(*names: str) -> Migration:
    """A migration that creates the named tables (as defined above) and their indexes."""
    def run(c: Connection) -> None:
        for name in names:
            metadata.tables[name].create(c)
    return run


def _v1_to_v2(c: Connection) -> None:
    """Version 2: the per-segment statistics cache became one block per system (the cache is
    dropped; reports rebuild it)."""
    c.execute(text("DROP TABLE stats"))
    stats.create(c)


_REVIEW_COLUMNS = ("seg_id, system, reviewer, protocol, score, spans, comment, start_time, "
                   "end_time, updated")


def _v2_to_v3(c: Connection) -> None:
    """Version 3: reviews keyed by protocol too, with ``blind`` and ``card_order`` (issue 12).
    Every existing review is kept (not blind, card order unknown)."""
    c.execute(text("ALTER TABLE reviews RENAME TO reviews_v2"))
    c.execute(text("DROP INDEX IF EXISTS reviews_reviewer"))
    reviews.create(c)
    c.execute(text(f"INSERT INTO reviews ({_REVIEW_COLUMNS}) "
                   f"SELECT {_REVIEW_COLUMNS} FROM reviews_v2"))
    c.execute(text("DROP TABLE reviews_v2"))


# MIGRATIONS[v] brings a store of version v to v + 1 (version 1 was the first SQLite store).
MIGRATIONS: dict[int, Migration] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: create_tables("batches", "batch_items", "assignments", "attention"),
}
SCHEMA_VERSION = max(MIGRATIONS) + 1
assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION)), "migrations must be contiguous"
