"""Reviews: one per (segment, system, reviewer, protocol), with blind and card order.

Every method takes an optional ``protocol``: None means every protocol (a reviewer who did
MQM and DA on one translation has two reviews of it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, distinct, func, select
from sqlalchemy.sql import ColumnElement

from mtreview.core.store import schema as S
from mtreview.core.store.base import StoreBase
from mtreview.core.types import ErrorSpan, Review

_R = S.reviews
_REVIEW_COLS = (_R.c.seg_id, _R.c.system, _R.c.reviewer, _R.c.protocol, _R.c.score,
                _R.c.spans, _R.c.comment, _R.c.start_time, _R.c.end_time, _R.c.updated,
                _R.c.blind, _R.c.card_order)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _row(r: Review) -> dict[str, Any]:
    return {"seg_id": r.seg_id, "system": r.system, "reviewer": r.reviewer,
            "protocol": r.protocol, "score": r.score,
            "spans": json.dumps([s.to_dict() for s in r.spans], ensure_ascii=False),
            "comment": r.comment, "start_time": r.start_time, "end_time": r.end_time,
            "updated": r.updated or utcnow(), "blind": bool(r.blind),
            "card_order": json.dumps(list(r.card_order), ensure_ascii=False)}


class ReviewsMixin(StoreBase):
    def save_review(self, review: Review) -> None:
        """Upsert one review in its own transaction. Keeps the first start_time."""
        self._execute_many(_save_stmt(self._ins), [_row(review)], idempotent=True)

    def add_reviews(self, reviews: Iterable[Review]) -> int:
        """Insert many reviews (an import) in one transaction; an existing one is an error."""
        rows = [_row(r) for r in reviews]
        if rows:
            self._execute_many(_R.insert(), rows)
        return len(rows)

    def merge_reviews(self, reviews: Iterable[Review]) -> int:
        """Insert or replace many reviews (every field, start time included) in one
        transaction: an import of reviews made elsewhere."""
        rows = [_row(r) for r in reviews]
        if rows:
            self._execute_many(_merge_stmt(self._ins), rows, idempotent=True)
        return len(rows)

    def delete_review(self, seg_id: int, system: str, reviewer: str,
                      protocol: str | None = None) -> None:
        """Delete one review (every protocol's when ``protocol`` is None)."""
        cond = [_R.c.seg_id == seg_id, _R.c.system == system, _R.c.reviewer == reviewer]
        if protocol is not None:
            cond.append(_R.c.protocol == protocol)
        self._write(lambda c: c.execute(_R.delete().where(*cond)), idempotent=True)

    def reviews(self, reviewer: str | None = None, system: str | None = None,
                seg_id: int | None = None, protocol: str | None = None) -> list[Review]:
        given = {k: v for k, v in (("reviewer", reviewer), ("system", system),
                                   ("seg_id", seg_id), ("protocol", protocol))
                 if v is not None}
        rows = self._rows(_reviews_stmt(tuple(given), self.is_sqlite), **given)
        return [
            Review(seg, sys_, rev, proto, score,
                   tuple(ErrorSpan.from_dict(s) for s in json.loads(spans)), comment,
                   start, end, updated, bool(blind), tuple(json.loads(order)))
            for seg, sys_, rev, proto, score, spans, comment, start, end, updated, blind, order
            in rows
        ]

    def review_counts(self, protocol: str | None = None) -> dict[str, int]:
        """reviewer → number of reviews (of ``protocol``, or of every protocol)."""
        given = {} if protocol is None else {"protocol": protocol}
        return dict(self._rows(_counts_stmt(protocol is not None), **given))

    def reviewed_segments(self, reviewer: str, protocol: str | None = None) -> dict[int, int]:
        """seg_id → number of systems this reviewer has reviewed on that segment (in
        ``protocol``, or in any protocol)."""
        given = {"reviewer": reviewer} if protocol is None else {
            "reviewer": reviewer, "protocol": protocol}
        return dict(self._rows(_reviewed_stmt(protocol is not None), **given))

    # -- export (issue 8): bulk rows for mtreview.export ------------------------------
    def export_rows(self, reviewer: str | None = None, system: str | None = None,
                    include_unreviewed: bool = False, protocol: str | None = None
                    ) -> list[tuple]:
        """Rows for the export: one per review (and, with ``include_unreviewed``, one per
        translation that nobody — or not ``reviewer`` in ``protocol`` — reviewed).

        Each row: (seg_id, doc_id, source, system, tgt, reviewer, protocol, score,
        spans JSON, comment, start_time, end_time, blind, card_order JSON), ordered by
        segment, system position, reviewer, protocol. Review columns are None on
        unreviewed rows; ``blind`` is a bool.
        """
        given = {k: v for k, v in (("reviewer", reviewer), ("system", system),
                                   ("protocol", protocol)) if v is not None}
        stmt = _export_stmt(tuple(given), include_unreviewed, self.is_sqlite)
        rows = self._rows(stmt, **given)
        if self.is_sqlite:  # SQLite keeps booleans as 0/1
            rows = [r[:12] + (None if r[12] is None else bool(r[12]), r[13]) for r in rows]
        return rows


def _order(col: ColumnElement, sqlite: bool) -> ColumnElement:
    """Text ordered by code point on both engines (PostgreSQL's default is a locale)."""
    return col if sqlite else col.collate("C")


@cache
def _save_stmt(dialect_insert: Any) -> Any:
    """The upsert of one review (``dialect_insert``: the engine's ``insert``)."""
    ins = dialect_insert(_R)
    return ins.on_conflict_do_update(
        index_elements=[_R.c.seg_id, _R.c.system, _R.c.reviewer, _R.c.protocol],
        set_={"score": ins.excluded.score, "spans": ins.excluded.spans,
              "comment": ins.excluded.comment,
              "start_time": func.coalesce(_R.c.start_time, ins.excluded.start_time),
              "end_time": ins.excluded.end_time, "updated": ins.excluded.updated,
              "blind": ins.excluded.blind, "card_order": ins.excluded.card_order})


@cache
def _merge_stmt(dialect_insert: Any) -> Any:
    ins = dialect_insert(_R)
    return ins.on_conflict_do_update(
        index_elements=[_R.c.seg_id, _R.c.system, _R.c.reviewer, _R.c.protocol],
        set_={name: ins.excluded[name] for name in (
            "score", "spans", "comment", "start_time", "end_time", "updated", "blind",
            "card_order")})


@cache
def _reviews_stmt(filters: tuple[str, ...], sqlite: bool) -> Any:
    stmt = select(*_REVIEW_COLS)
    for name in filters:
        stmt = stmt.where(_R.c[name] == bindparam(name))
    return stmt.order_by(_R.c.seg_id, _order(_R.c.system, sqlite),
                         _order(_R.c.reviewer, sqlite), _order(_R.c.protocol, sqlite))


@cache
def _counts_stmt(by_protocol: bool) -> Any:
    stmt = select(_R.c.reviewer, func.count()).group_by(_R.c.reviewer)
    return stmt.where(_R.c.protocol == bindparam("protocol")) if by_protocol else stmt


@cache
def _reviewed_stmt(by_protocol: bool) -> Any:
    stmt = (select(_R.c.seg_id, func.count(distinct(_R.c.system)))
            .where(_R.c.reviewer == bindparam("reviewer")).group_by(_R.c.seg_id))
    return stmt.where(_R.c.protocol == bindparam("protocol")) if by_protocol else stmt


@cache
def _export_stmt(filters: tuple[str, ...], include_unreviewed: bool, sqlite: bool) -> Any:
    t, s, y = S.translations, S.segments, S.systems
    on = and_(_R.c.seg_id == t.c.seg_id, _R.c.system == t.c.system)
    for name in ("reviewer", "protocol"):
        if name in filters:
            on = and_(on, _R.c[name] == bindparam(name))
    joined = (t.join(s, s.c.id == t.c.seg_id).join(y, y.c.name == t.c.system)
              .join(_R, on, isouter=include_unreviewed))
    stmt = (select(s.c.id, s.c.doc_id, s.c.source, t.c.system, t.c.text, _R.c.reviewer,
                   _R.c.protocol, _R.c.score, _R.c.spans, _R.c.comment, _R.c.start_time,
                   _R.c.end_time, _R.c.blind, _R.c.card_order)
            .select_from(joined)
            .order_by(s.c.id, y.c.position, _order(_R.c.reviewer, sqlite),
                      _order(_R.c.protocol, sqlite)))
    if "system" in filters:
        stmt = stmt.where(t.c.system == bindparam("system"))
    return stmt
