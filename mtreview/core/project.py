"""A review project: a directory with ``mtreview.toml`` (config) and ``store.sqlite``.

Layout of a project directory::

    DIR/mtreview.toml   configuration (languages, review protocol, display, blind review)
    DIR/store.sqlite    the system of record (see mtreview.core.store), unless
                        ``[store] url`` names a PostgreSQL database (then the data is in
                        its schema ``[store] schema``, one per project; the URL never
                        holds a password)
    DIR/dataset/        a datasets snapshot of all reviews (written by export)
    DIR/cache/          derived files (converted models, …), safe to delete
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import tomllib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from mtreview.core.protocols import MQM_CATEGORIES
from mtreview.core.store import STORE_NAME, Store, StoreError, parse_store_url, public_url, utcnow
from mtreview.core.types import Document, Reference, Segment
from mtreview.errors import UserError

CONFIG_NAME = "mtreview.toml"

DEFAULT_MQM_CATEGORIES = list(MQM_CATEGORIES)  # the tree of core/protocols.py


def default_config(src_lang: str, tgt_lang: str, name: str) -> dict[str, Any]:
    return {
        "project": {"name": name, "src_lang": src_lang, "tgt_lang": tgt_lang,
                    "created": utcnow()},
        "review": {"protocol": "esa", "blind": False, "shuffle": False, "display": "shaped"},
        "mqm": {"categories": list(DEFAULT_MQM_CATEGORIES)},
    }


@dataclass
class Project:
    path: Path
    config: dict[str, Any] = field(default_factory=dict)
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            url, schema = self.store_location
            self._store = (Store(self.path / STORE_NAME) if url is None
                           else Store(url, schema=schema))
        return self._store

    @property
    def store_location(self) -> tuple[str | None, str | None]:
        """(PostgreSQL URL without password, schema), or (None, None) for SQLite."""
        section = self.config.get("store") or {}
        url = section.get("url")
        if not url or str(url).lower() == "sqlite":
            return None, None
        return public_url(parse_store_url(str(url))), str(section.get("schema") or "")

    @property
    def src_lang(self) -> str:
        return self.config.get("project", {}).get("src_lang", "ar")

    @property
    def tgt_lang(self) -> str:
        return self.config.get("project", {}).get("tgt_lang", "en")

    @property
    def name(self) -> str:
        return self.config.get("project", {}).get("name", self.path.name)

    @property
    def dataset_dir(self) -> Path:
        return self.path / "dataset"

    @property
    def cache_dir(self) -> Path:
        return self.path / "cache"

    def review_config(self) -> dict[str, Any]:
        return dict(self.config.get("review", {}))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def discard(self) -> None:
        """Delete a project just created whose filling failed: its directory and, on
        PostgreSQL, its schema (a failure to reach the server leaves the schema)."""
        if self.store_location[0] is not None:
            with contextlib.suppress(StoreError):
                self.store.destroy()
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening and creating ---------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike) -> Project:
        p = Path(path)
        if not (p / CONFIG_NAME).is_file():
            raise UserError(f"{p} is not an mtreview project (no {CONFIG_NAME}); "
                            f"create one with `mtreview init`")
        try:
            config = tomllib.loads((p / CONFIG_NAME).read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
            raise UserError(f"{p / CONFIG_NAME}: invalid TOML: {e}") from None
        project = cls(p, config)
        from mtreview.core.langs import check_language

        for key in ("src_lang", "tgt_lang"):  # they name files: a BCP-47 tag or nothing
            check_language(getattr(project, key), f"{key} in {p / CONFIG_NAME}")
        try:
            url, _schema = project.store_location
        except StoreError as e:
            raise UserError(f"{p / CONFIG_NAME}: [store] url: {e}") from None
        if url is None and not (p / STORE_NAME).is_file():
            raise UserError(f"{p} is not an mtreview project (no {STORE_NAME}); "
                            f"create one with `mtreview init`")
        try:
            project.store  # noqa: B018 - open (and migrate) now so errors surface here
        except StoreError as e:
            raise UserError(f"{p / STORE_NAME}: {e}" if url is None else str(e)) from None
        except OSError as e:
            raise UserError(f"{p / STORE_NAME}: {e.strerror or e}") from None
        return project

    @classmethod
    def create(
        cls,
        path: str | os.PathLike,
        documents: Iterable[Document],
        segments: Iterable[Segment],
        references: Iterable[Reference] = (),
        *,
        src_lang: str = "ar",
        tgt_lang: str = "en",
        extra_config: dict[str, Any] | None = None,
        store_url: str | None = None,
    ) -> Project:
        """Create a project atomically: built in a temporary sibling, then renamed.

        ``store_url``: None or ``sqlite`` for ``DIR/store.sqlite``, or a PostgreSQL URL
        without password (the project's rows go to a new schema ``mtreview_<id>``)."""
        import tomli_w

        url = parse_store_url(store_url or "")  # refuses a password before anything exists
        p = Path(path)
        if p.exists() and (not p.is_dir() or any(p.iterdir())):
            what = "an mtreview project" if (p / CONFIG_NAME).exists() else "not empty"
            raise UserError(f"{p} already exists and is {what}")
        config = default_config(src_lang, tgt_lang, p.name)
        for section, values in (extra_config or {}).items():
            config.setdefault(section, {}).update(values)
        if url is not None:
            config["store"] = {"url": public_url(url),
                               "schema": f"mtreview_{uuid.uuid4().hex[:16]}"}
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.", dir=p.parent))
        store = None
        try:
            (tmp / CONFIG_NAME).write_text(tomli_w.dumps(config), encoding="utf-8")
            store = (Store(tmp / STORE_NAME, create=True) if url is None else
                     Store(config["store"]["url"], schema=config["store"]["schema"],
                           create=True))
            store.set_meta({"src_lang": src_lang, "tgt_lang": tgt_lang,
                            "created": config["project"]["created"]})
            store.add_corpus(documents, segments, references)
            store.close()
            if p.exists():
                p.rmdir()
            tmp.rename(p)
        except BaseException:
            if store is not None and url is not None:
                with contextlib.suppress(StoreError):
                    store.destroy()  # the new schema goes with the failed project
            if store is not None:
                store.close()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls.open(p)
