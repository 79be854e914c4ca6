"""Reviews from another copy of the same project (`mtreview import-reviews DIR FILE`).

Reads a file written by ``mtreview export`` (``--format jsonl``, or an ``hf`` directory),
checks every row against the project (the segment's source and the system's translation
must be the same text: it is the same project), and plans a merge keyed by (segment,
system, reviewer, protocol): a review the project lacks is added; one it has is replaced
only when the file's ``end_time`` is later; an identical or older one is skipped. Importing
the same file twice changes nothing the second time. Nothing is written when any row is bad.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mtreview.core.protocols import PROTOCOLS
from mtreview.core.types import ErrorSpan, Review
from mtreview.core.visible import bad_name_chars, visible
from mtreview.errors import UserError

KEY_FIELDS = ("seg_id", "system", "reviewer", "protocol")


@dataclass
class MergePlan:
    add: list[Review] = field(default_factory=list)
    update: list[Review] = field(default_factory=list)
    skipped: int = 0
    unreviewed: int = 0  # rows of translations nobody reviewed (export --all)

    def summary(self) -> str:
        return (f"{len(self.add)} added, {len(self.update)} updated (later end_time), "
                f"{self.skipped} skipped (already there or older), {self.unreviewed} rows "
                f"without a review")


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        t = value if value.tzinfo else value.replace(tzinfo=UTC)
        return t.astimezone(UTC).isoformat()
    if isinstance(value, (int, float)):  # pandas' epoch milliseconds
        return datetime.fromtimestamp(value / 1000, UTC).isoformat()
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a time: {visible(str(value))[:40]!r}") from None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(
        UTC).isoformat()


def _instant(iso: str | None) -> datetime | None:
    return None if iso is None else datetime.fromisoformat(iso)


def read_rows(path: Path) -> list[dict]:
    """The rows of an exported review file: a jsonl file or an ``hf`` dataset directory."""
    if path.is_dir():
        import datasets

        try:
            ds = datasets.load_from_disk(str(path))
        except (FileNotFoundError, ValueError, OSError) as e:
            raise UserError(f"{path}: not a saved dataset ({type(e).__name__})") from None
        if isinstance(ds, datasets.DatasetDict):
            raise UserError(f"{path}: a dataset dictionary, not an mtreview export")
        return ds.to_list()
    from mtreview.core.ingest import read_jsonl

    rows = read_jsonl(path)  # strict UTF-8, one JSON object a line; errors name the line
    if not rows:
        raise UserError(f"{path}: no rows")
    return rows


def _review(row: dict) -> Review:
    spans = row.get("error_spans") or []
    if isinstance(spans, str):
        spans = json.loads(spans)
    card_order = row.get("card_order") or ()
    if isinstance(card_order, str):
        card_order = json.loads(card_order)
    score = row.get("score")
    return Review(
        int(row["seg_id"]), str(row["system"]), str(row["reviewer"]), str(row["protocol"]),
        None if score is None else float(score),
        tuple(ErrorSpan.from_dict(s) for s in spans), str(row.get("comment") or ""),
        _iso(row.get("start_time")), _iso(row.get("end_time")),
        blind=bool(row.get("blind") or False), card_order=tuple(map(str, card_order)))


def _same(a: Review, b: Review) -> bool:
    return (a.score, a.spans, a.comment, _instant(a.end_time), a.blind, a.card_order) == (
        b.score, b.spans, b.comment, _instant(b.end_time), b.blind, b.card_order)


def plan_merge(rows: Iterable[dict], sources: dict[int, str],
               translations: dict[str, dict[int, str]], existing: Iterable[Review],
               where: str) -> MergePlan:
    """Check every row and plan the merge (see the module docstring)."""
    have = {(r.seg_id, r.system, r.reviewer, r.protocol): r for r in existing}
    plan = MergePlan()
    seen: set[tuple] = set()
    for n, row in enumerate(rows, 1):
        at = f"{where}: row {n}"
        missing = [k for k in ("seg_id", "system", "reviewer", "src", "tgt") if k not in row]
        if missing:
            raise UserError(f"{at}: not an mtreview review export (no {', '.join(missing)})")
        if row.get("reviewer") in (None, ""):
            plan.unreviewed += 1
            continue
        try:
            review = _review(row)
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as e:
            raise UserError(f"{at}: bad value ({visible(str(e))[:80]})") from None
        if review.protocol not in PROTOCOLS:
            raise UserError(f"{at}: unknown protocol {visible(review.protocol)[:20]!r}")
        if bad_name_chars(review.reviewer) or bad_name_chars(review.system):
            raise UserError(f"{at}: a reviewer or system name with control characters")
        if sources.get(review.seg_id) != row["src"]:
            raise UserError(f"{at}: segment {review.seg_id} has another source text here: "
                            f"the file is not from a copy of this project")
        if translations.get(review.system, {}).get(review.seg_id) != row["tgt"]:
            raise UserError(f"{at}: system {visible(review.system)!r} has another translation "
                            f"of segment {review.seg_id} here (or no such system)")
        key = (review.seg_id, review.system, review.reviewer, review.protocol)
        if key in seen:
            raise UserError(f"{at}: the same review appears twice in the file")
        seen.add(key)
        old = have.get(key)
        if old is None:
            plan.add.append(review)
        elif _same(old, review):
            plan.skipped += 1
        elif (_instant(review.end_time) or datetime.min.replace(tzinfo=UTC)) > (
                _instant(old.end_time) or datetime.min.replace(tzinfo=UTC)):
            plan.update.append(review)
        else:
            plan.skipped += 1
    return plan
