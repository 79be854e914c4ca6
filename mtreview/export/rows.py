"""Review rows built from the store as a pyarrow table, column by column.

No per-row dicts: one SQL query gives the rows, the span JSON of all rows is parsed in
one ``json.loads`` call, timestamps are parsed by one Arrow cast, and every column goes
to Arrow in one ``pa.array`` call against the declared schema.
"""

from __future__ import annotations

import gc
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from mtreview.core.store import Store
from mtreview.export.schema import arrow_schema, features


@dataclass(frozen=True)
class RowFilter:
    reviewer: str | None = None
    system: str | None = None
    include_unreviewed: bool = False


def build_table(store: Store, lp: str, flt: RowFilter = RowFilter()) -> pa.Table:
    """All review rows of ``store`` (filtered) as a table with :func:`arrow_schema`."""
    # the rows are many small objects that all live until the end: the cyclic garbage
    # collector would only rescan them again and again (a third of the time at 100k rows)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_table(store, lp, flt)
    finally:
        if enabled:
            gc.enable()


def _build_table(store: Store, lp: str, flt: RowFilter) -> pa.Table:
    rows = store.export_rows(flt.reviewer, flt.system, flt.include_unreviewed)
    schema = arrow_schema()
    if not rows:
        return schema.empty_table()
    (seg_ids, doc_ids, srcs, systems, tgts, reviewers, protocols, scores, spans,
     comments, starts, ends, *later) = zip(*rows)
    blind, card_order = _review_view(reviewers, later)
    refs = store.references()
    first_ref = [refs[s][0] if s in refs else None for s in seg_ids]
    provenance = {s.name: json.dumps(dict(s.provenance), ensure_ascii=False, sort_keys=True)
                  for s in store.systems()}
    columns: dict[str, Any] = {
        "lp": [lp] * len(rows),
        "doc_id": doc_ids,
        "seg_id": seg_ids,
        "system": systems,
        "reviewer": reviewers,
        "src": srcs,
        "tgt": tgts,
        "ref": first_ref,
        "protocol": protocols,
        "score": scores,
        "error_spans": _parse_spans(spans),
        "flags": _flags_column(store, seg_ids, systems),
        "comment": [c or "" for c in comments],
        "start_time": _timestamps(starts),
        "end_time": _timestamps(ends),
        "provenance": [provenance.get(s, "{}") for s in systems],
        "blind": blind,
        "card_order": card_order,
    }
    arrays = [columns[f.name] if isinstance(columns[f.name], pa.Array)
              else pa.array(columns[f.name], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def to_dataset(table: pa.Table) -> Any:
    """A ``datasets.Dataset`` over ``table`` with the declared features."""
    import datasets
    from datasets.table import InMemoryTable

    schema = arrow_schema()
    if not table.schema.equals(schema, check_metadata=True):
        table = table.cast(schema)
    # a fresh fingerprint: hashing the whole table (the default) costs more than the export
    return datasets.Dataset(InMemoryTable(table),
                            info=datasets.DatasetInfo(features=features()),
                            fingerprint=uuid.uuid4().hex)


def _parse_spans(spans: tuple[str | None, ...]) -> list[list[dict[str, Any]]]:
    """Parse all rows' span JSON in one call; fill the fields the schema declares."""
    parsed = json.loads("[" + ",".join(s or "[]" for s in spans) + "]")
    for row in parsed:
        for sp in row:
            sp.setdefault("category", "")
            sp.setdefault("side", "tgt")
            sp.setdefault("severity", "minor")
            sp.setdefault("origin", "reviewer")
    return parsed


def _review_view(reviewers: tuple[str | None, ...], later: list[tuple[Any, ...]]
                 ) -> tuple[list[bool | None], list[list[str] | None]]:
    """The ``blind`` and ``card_order`` columns: from the store's rows when it gives them
    (a bool, and a JSON list or a sequence), else not blind and no recorded order; null on
    unreviewed rows."""
    n = len(reviewers)
    blind_in = later[0] if len(later) > 0 else (False,) * n
    order_in = later[1] if len(later) > 1 else (None,) * n
    blind: list[bool | None] = []
    order: list[list[str] | None] = []
    for reviewer, b, o in zip(reviewers, blind_in, order_in):
        if reviewer is None:
            blind.append(None)
            order.append(None)
            continue
        blind.append(bool(b))
        if isinstance(o, str):
            o = json.loads(o) if o else []
        order.append([str(x) for x in (o or ())])
    return blind, order


def _flags_column(store: Store, seg_ids: tuple[int, ...],
                  systems: tuple[str, ...]) -> list[list[dict[str, Any]]]:
    """Per row: the flags touching its segment whose system is the row's or None."""
    by_key: dict[tuple[int, str | None], list[dict[str, Any]]] = {}
    for f in store.flags():
        item = {"check": f.check, "severity": f.severity, "forms": list(f.forms)}
        for seg in f.segments:
            by_key.setdefault((seg, f.system), []).append(item)
    if not by_key:
        return [[] for _ in seg_ids]
    return [by_key.get((seg, None), []) + by_key.get((seg, sys_), [])
            for seg, sys_ in zip(seg_ids, systems)]


def _timestamps(values: tuple[str | None, ...]) -> pa.Array:
    """ISO 8601 strings → timestamp[us, UTC]; one Arrow cast, per-value parse as fallback
    (a naive time is taken as UTC)."""
    ts_type = pa.timestamp("us", tz="UTC")
    try:
        return pa.array(values, type=pa.string()).cast(ts_type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([_parse_time(v) for v in values], type=ts_type)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
