"""Campaigns: work split into batches for a team of reviewers, with overlap and attention
checks. Pure planning: no store, no I/O (``mtreview assign`` saves what this plans).

* **Batches** keep documents whole and balance source words: documents are dealt, largest
  first, to the batch with the fewest words so far (as many batches as ``items /
  batch_size``, rounded up), then each batch lists its documents in corpus order. An item is
  one (segment, system) translation, the unit a reviewer scores.
* **Overlap**: every batch goes to ``overlap`` different reviewers, each time to the ones
  with the least work (source words) so far; ties by name. Overlapping items feed the
  agreement figures of the report.
* **Reassigning** (running ``assign`` again) keeps every assignment that is finished or that
  belongs to a reviewer still in the team, drops the unfinished ones of reviewers who left,
  and fills each batch up to ``overlap`` from the least-loaded reviewers who do not have it.
* **Attention checks**, as Appraise makes its "BAD references": a copy of a real
  translation in which a run of words, proportional to its length (a quarter of the words,
  at least one, at most eight), is replaced by as many words taken from the translation of
  another segment. A reviewer who reads should score the copy clearly lower than the
  original: the report counts how often they do.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ATTENTION_PREFIX = "attention:"  # the system name of an attention copy: attention:<system>
PASS_MARGIN = 10.0  # an attention copy passes when scored this much lower than its original
PASS_THRESHOLD = 0.8  # reviewers whose pass rate is below this are marked in the report


@dataclass(frozen=True)
class Item:
    seg_id: int
    system: str


@dataclass(frozen=True)
class PlannedBatch:
    index: int  # 1-based, stable for the same project and batch size
    doc_ids: tuple[str, ...]
    items: tuple[Item, ...]
    words: int


@dataclass(frozen=True)
class Assignment:
    batch: int
    reviewer: str


def plan_batches(segments: Sequence[tuple[int, str, str]], systems: Sequence[str],
                 batch_size: int) -> list[PlannedBatch]:
    """``segments``: (seg_id, doc_id, source) in corpus order. Documents stay whole."""
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    docs: dict[str, list[tuple[int, str]]] = {}
    for seg_id, doc_id, source in segments:
        docs.setdefault(doc_id, []).append((seg_id, source))
    order = {d: i for i, d in enumerate(docs)}
    n_items = len(segments) * len(systems)
    n_batches = max(1, min(len(docs), -(-n_items // batch_size)))
    words = {d: sum(len(s.split()) for _, s in segs) * len(systems) for d, segs in docs.items()}
    bins: list[list[str]] = [[] for _ in range(n_batches)]
    load = [0] * n_batches
    for d in sorted(docs, key=lambda d: (-words[d], order[d])):
        i = min(range(n_batches), key=lambda b: (load[b], b))
        bins[i].append(d)
        load[i] += words[d]
    bins = sorted((sorted(b, key=order.__getitem__) for b in bins if b),
                  key=lambda b: order[b[0]])
    out = []
    for index, doc_ids in enumerate(bins, 1):
        items = tuple(Item(seg_id, system) for d in doc_ids for seg_id, _ in docs[d]
                      for system in systems)
        out.append(PlannedBatch(index, tuple(doc_ids), items, sum(words[d] for d in doc_ids)))
    return out


def assign(batches: Sequence[PlannedBatch], reviewers: Sequence[str], overlap: int,
           existing: Iterable[Assignment] = (), finished: Iterable[Assignment] = ()
           ) -> list[Assignment]:
    """The assignments after (re)assigning: see the module docstring."""
    if overlap < 1:
        raise ValueError("overlap must be at least 1")
    if overlap > len(reviewers):
        raise ValueError(f"overlap {overlap} needs at least {overlap} reviewers")
    team = set(reviewers)
    done = set(finished)
    kept = [a for a in existing if a in done or a.reviewer in team]
    words = {b.index: b.words for b in batches}
    load = {r: 0 for r in reviewers}
    for a in kept:
        if a.reviewer in load:
            load[a.reviewer] += words.get(a.batch, 0)
    have: dict[int, set[str]] = {}
    for a in kept:
        have.setdefault(a.batch, set()).add(a.reviewer)
    out = list(kept)
    for b in sorted(batches, key=lambda b: (-b.words, b.index)):
        holders = have.setdefault(b.index, set())
        while len(holders & team) < overlap:
            free = [r for r in reviewers if r not in holders]
            r = min(free, key=lambda r: (load[r], r))
            holders.add(r)
            load[r] += b.words
            out.append(Assignment(b.index, r))
    return sorted(out, key=lambda a: (a.batch, a.reviewer))


def _rng(*parts: object) -> random.Random:
    return random.Random(hashlib.sha256("\0".join(map(str, parts)).encode()).digest())


def corrupt(text: str, donor: str, seed: object) -> str:
    """A copy of ``text`` with a run of words replaced by words of ``donor``."""
    words = text.split()
    other = donor.split() or ["…"]
    if not words:
        return " ".join(other[:3])
    n = max(1, min(8, len(words) // 4))
    rnd = _rng("corrupt", seed)
    start = rnd.randrange(0, len(words) - n + 1)
    at = rnd.randrange(0, max(1, len(other) - n + 1))
    repl = (other[at:at + n] + other * n)[:n]
    if repl == words[start:start + n]:  # never a copy that is not corrupted
        repl = [w[::-1] if len(w) > 1 else w + w for w in repl]
    return " ".join(words[:start] + repl + words[start + n:])


def attention_items(batch: PlannedBatch, translations: Mapping[str, Mapping[int, str]],
                    share: float, seed: object = 0) -> list[tuple[Item, str]]:
    """Attention copies for a batch: ``(Item(seg, "attention:<system>"), text)``, about
    ``share`` of its items, each a corrupted copy of one of the batch's translations."""
    if not 0 < share < 1:
        return []
    items = [it for it in batch.items if translations.get(it.system, {}).get(it.seg_id)]
    if len(items) < 2:
        return []
    rnd = _rng("attention", seed, batch.index)
    k = max(1, round(share * len(items)))
    out = []
    for it in sorted(rnd.sample(items, min(k, len(items))), key=lambda i: (i.seg_id, i.system)):
        donors = [d for d in items if d.seg_id != it.seg_id] or items
        d = donors[rnd.randrange(len(donors))]
        text = corrupt(translations[it.system][it.seg_id], translations[d.system][d.seg_id],
                       (seed, batch.index, it.seg_id, it.system))
        out.append((Item(it.seg_id, ATTENTION_PREFIX + it.system), text))
    return out


def is_attention(system: str) -> bool:
    return system.startswith(ATTENTION_PREFIX)


def original_of(system: str) -> str:
    return system[len(ATTENTION_PREFIX):] if is_attention(system) else system


@dataclass(frozen=True)
class AttentionResult:
    reviewer: str
    checks: int  # attention copies the reviewer scored together with their original
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.checks if self.checks else None

    @property
    def flagged(self) -> bool:
        return self.checks > 0 and (self.rate or 0.0) < PASS_THRESHOLD


def attention_results(scores: Iterable[tuple[str, int, str, float]]) -> list[AttentionResult]:
    """``scores``: (reviewer, seg_id, system, score). A check passes when the attention copy
    is scored at least PASS_MARGIN below the same reviewer's score of its original."""
    by: dict[tuple[str, int, str], float] = {(r, s, sy): sc for r, s, sy, sc in scores}
    counts: dict[str, list[int]] = {}
    for (reviewer, seg, system), score in by.items():
        if not is_attention(system):
            continue
        original = by.get((reviewer, seg, original_of(system)))
        if original is None:
            continue
        c = counts.setdefault(reviewer, [0, 0])
        c[0] += 1
        c[1] += score <= original - PASS_MARGIN
    return [AttentionResult(r, n, p) for r, (n, p) in sorted(counts.items())]
