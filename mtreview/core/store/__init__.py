"""The project's system of record: one SQLite file (WAL) or one PostgreSQL schema.

This package is the only place that speaks SQL (SQLAlchemy Core, one dialect-neutral
schema: :mod:`.schema`). Every public write method is one transaction; see :mod:`.base`
for the guarantees and :mod:`.engine` for locations and URLs.
"""

from mtreview.core.store.api import Store
from mtreview.core.store.engine import (
    PG_SCHEMA,
    STORE_NAME,
    StoreError,
    parse_store_url,
    public_url,
)
from mtreview.core.store.reviews import utcnow
from mtreview.core.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "PG_SCHEMA", "SCHEMA_VERSION", "STORE_NAME", "Store", "StoreError",
           "parse_store_url", "public_url", "utcnow"]
