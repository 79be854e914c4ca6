"""Campaigns in the store: batches, their items, assignments and attention copies.

The plan itself is made by :mod:`mtreview.core.campaign`; here it is saved (one
transaction) and read back. Settings (overlap, batch size, attention share, seed) are the
``campaign`` key of ``meta``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from mtreview.core.campaign import Assignment, Item, PlannedBatch
from mtreview.core.store import schema as S
from mtreview.core.store.base import StoreBase
from mtreview.core.store.reviews import utcnow

_B, _BI, _A, _AT = S.batches, S.batch_items, S.assignments, S.attention


class CampaignsMixin(StoreBase):
    def save_campaign(self, settings: Mapping[str, Any], batches: Iterable[PlannedBatch],
                      assignments: Iterable[Assignment],
                      attention: Iterable[tuple[int, Item, str]] = ()) -> None:
        """Save a campaign in one transaction: the batches and attention copies when there
        are none yet (a campaign's batches never change), the assignments replaced."""
        batches, assignments, attention = list(batches), list(assignments), list(attention)
        now = utcnow()

        def run(c: Any) -> None:
            c.execute(S.meta.delete().where(S.meta.c.key == "campaign"))
            c.execute(S.meta.insert(), [{"key": "campaign",
                                         "value": json.dumps(dict(settings), sort_keys=True)}])
            if c.execute(select(_B.c.idx).limit(1)).first() is None:
                if batches:
                    c.execute(_B.insert(), [{"idx": b.index, "doc_ids": json.dumps(b.doc_ids),
                                             "words": b.words} for b in batches])
                    c.execute(_BI.insert(), [{"batch": b.index, "seg_id": it.seg_id,
                                              "system": it.system}
                                             for b in batches for it in b.items])
                if attention:
                    c.execute(_AT.insert(), [{"seg_id": it.seg_id, "system": it.system,
                                              "batch": b, "text": text}
                                             for b, it, text in attention])
            old = {(r[0], r[1]): r[2] for r in c.execute(
                select(_A.c.batch, _A.c.reviewer, _A.c.assigned))}
            c.execute(_A.delete())
            if assignments:
                c.execute(_A.insert(), [{"batch": a.batch, "reviewer": a.reviewer,
                                         "assigned": old.get((a.batch, a.reviewer), now)}
                                        for a in assignments])

        self._write(run)

    def campaign(self) -> dict[str, Any] | None:
        rows = self._rows(select(S.meta.c.value).where(S.meta.c.key == "campaign"))
        return json.loads(rows[0][0]) if rows else None

    def batches(self) -> list[PlannedBatch]:
        items: dict[int, list[Item]] = {}
        for batch, seg_id, system in self._rows(_Q.items):
            items.setdefault(batch, []).append(Item(seg_id, system))
        return [PlannedBatch(idx, tuple(json.loads(docs)), tuple(items.get(idx, ())), words)
                for idx, docs, words in self._rows(_Q.batches)]

    def assignments(self) -> list[Assignment]:
        return [Assignment(b, r) for b, r in self._rows(_Q.assignments)]

    def assignment_progress(self, protocol: str | None = None
                            ) -> list[tuple[Assignment, int, int]]:
        """(assignment, items reviewed, items) for every assignment: an item counts as
        reviewed with a score or spans (in ``protocol``, or any when None); attention copies
        are items of their batch."""
        items = {b.index: {(it.seg_id, it.system) for it in b.items} for b in self.batches()}
        for (seg, system), (batch, _) in self.attention_copies().items():
            items.setdefault(batch, set()).add((seg, system))
        done: dict[str, set[tuple[int, str]]] = {}
        for r in self.reviews(protocol=protocol):  # type: ignore[attr-defined]
            if r.score is not None or r.spans:
                done.setdefault(r.reviewer, set()).add((r.seg_id, r.system))
        return [(a, len(items.get(a.batch, set()) & done.get(a.reviewer, set())),
                 len(items.get(a.batch, ()))) for a in self.assignments()]

    def campaign_reviewers(self) -> list[str]:
        return sorted({a.reviewer for a in self.assignments()})

    def attention_copies(self) -> dict[tuple[int, str], tuple[int, str]]:
        """(seg_id, "attention:<system>") → (batch, text)."""
        return {(seg, system): (batch, text)
                for seg, system, batch, text in self._rows(_Q.attention)}

    def assigned_items(self, reviewer: str) -> list[Item]:
        """The (segment, system) items of the reviewer's batches, attention copies included,
        in corpus order."""
        mine = {b for b, r in self._rows(_Q.assignments) if r == reviewer}
        out = [Item(seg, system) for batch, seg, system in self._rows(_Q.items) if batch in mine]
        out += [Item(seg, system) for seg, system, batch, _ in self._rows(_Q.attention)
                if batch in mine]
        return sorted(out, key=lambda it: (it.seg_id, it.system))


class _Q:
    batches = select(_B.c.idx, _B.c.doc_ids, _B.c.words).order_by(_B.c.idx)
    items = select(_BI.c.batch, _BI.c.seg_id, _BI.c.system).order_by(
        _BI.c.batch, _BI.c.seg_id, _BI.c.system)
    assignments = select(_A.c.batch, _A.c.reviewer).order_by(_A.c.batch, _A.c.reviewer)
    attention = select(_AT.c.seg_id, _AT.c.system, _AT.c.batch, _AT.c.text).order_by(
        _AT.c.seg_id, _AT.c.system)
