"""Per-segment sufficient statistics, computed once through sacrebleu and cached in the store.

Cache key (table ``stats``): system, metric (the metric's full sacrebleu signature, so a new
sacrebleu version or tokenizer invalidates it) and reference hash (all references of the
project). Each segment's row carries the hash of the hypothesis it was computed from, so a
changed translation is recomputed and nothing else is.

Each system has one block per metric and reference set (:class:`Block`): a row of
statistics per segment with the hash of its hypothesis, under a digest of the last request
(segment ids and hypotheses), so a warm report reads one value per system and metric.

What a metric needs is declared in ``metrics.registry``; nothing here tests a name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mtreview.metrics.registry import Metric

@dataclass(frozen=True)
class RefSet:
    """The references of the scored segments, as sacrebleu reference streams."""

    seg_ids: tuple[int, ...]
    streams: tuple[tuple[str | None, ...], ...]  # streams[k][i]: k-th reference of seg i
    hash: str
    num_refs: int  # sacrebleu's nrefs: the common count, or -1 when it varies

    @classmethod
    def build(cls, references: dict[int, list[str]], seg_ids: Sequence[int]) -> "RefSet":
        ids = tuple(seg_ids)
        width = max((len(references[s]) for s in ids), default=0)
        streams = tuple(
            tuple(references[s][k] if k < len(references[s]) else None for s in ids)
            for k in range(width))
        counts = {len(references[s]) for s in ids}
        digest = hashlib.sha1(json.dumps(
            [[s, references[s]] for s in sorted(references)], ensure_ascii=False
        ).encode("utf-8")).hexdigest()[:16]
        return cls(ids, streams, digest, counts.pop() if len(counts) == 1 else -1)

    def subset(self, positions: Sequence[int]) -> list[list[str | None]]:
        return [[stream[i] for i in positions] for stream in self.streams]


def compute_stats(metric: Metric, hyps: list[str], refs: list[list[str | None]],
                  sources: list[str] | None = None) -> np.ndarray:
    """Statistics of ``hyps`` (rows) against reference streams ``refs``."""
    return metric.compute(hyps, refs, sources)


def segment_stats(store, system: str, metric: Metric, refset: RefSet,
                  hyps: Sequence[str]) -> tuple[np.ndarray, int]:
    """Statistics of one system, one row per scored segment (in ``refset.seg_ids`` order).

    Returns ``(stats, n_computed)``; see :func:`collect_stats`.
    """
    out, n = collect_stats(store, metric, refset, {system: list(hyps)})
    return out[system], n


def hyp_hashes(hyps: Sequence[str]) -> np.ndarray:
    """A 64-bit hash (the start of SHA-1) of each hypothesis."""
    sha1 = hashlib.sha1
    return np.frombuffer(b"".join(sha1(h.encode("utf-8")).digest()[:8] for h in hyps),
                         dtype=np.uint64)


@dataclass(frozen=True)
class Block:
    """One system's cached statistics for one metric and reference set, a row per segment:
    the segments of the last request first, in its order, then older ones."""

    seg_ids: np.ndarray  # int64 (n,)
    hashes: np.ndarray  # uint64 (n,): hypothesis hashes
    stats: np.ndarray  # float64 (n, width)

    def to_bytes(self) -> bytes:
        n, width = self.stats.shape
        return b"".join((np.array([n, width], dtype=np.int64).tobytes(),
                         self.seg_ids.astype(np.int64).tobytes(),
                         self.hashes.astype(np.uint64).tobytes(),
                         np.ascontiguousarray(self.stats, dtype=np.float64).tobytes()))

    @classmethod
    def from_bytes(cls, value: bytes) -> "Block | None":
        """The block, or None if ``value`` is not one (then it is recomputed)."""
        if len(value) < 16:
            return None
        n, width = (int(x) for x in np.frombuffer(value, dtype=np.int64, count=2))
        if n < 0 or width < 0 or len(value) != 16 + 16 * n + 8 * n * width:
            return None
        return cls(np.frombuffer(value, dtype=np.int64, count=n, offset=16),
                   np.frombuffer(value, dtype=np.uint64, count=n, offset=16 + 8 * n),
                   np.frombuffer(value, dtype=np.float64, count=n * width,
                                 offset=16 + 16 * n).reshape(n, width))


def request_digest(seg_ids: np.ndarray, hashes: np.ndarray) -> str:
    """Identifies a request: these segments, in this order, with these hypotheses."""
    return hashlib.sha1(seg_ids.tobytes() + hashes.tobytes()).hexdigest()[:16]


def _reusable(block: Block | None, seg_ids: Sequence[int], hashes: np.ndarray) -> np.ndarray:
    """For each requested segment, its row in ``block`` if the hypothesis is unchanged,
    else -1."""
    where = np.full(len(seg_ids), -1, dtype=np.int64)
    if block is None or not len(block.seg_ids):
        return where
    row = {s: i for i, s in enumerate(block.seg_ids.tolist())}
    found = np.fromiter((row.get(s, -1) for s in seg_ids), dtype=np.int64, count=len(seg_ids))
    ok = found >= 0
    ok[ok] = block.hashes[found[ok]] == hashes[ok]
    where[ok] = found[ok]
    return where


def collect_stats(store, metric: Metric, refset: RefSet, hyps: dict[str, list[str]],
                  hashes: dict[str, np.ndarray] | None = None
                  ) -> tuple[dict[str, np.ndarray], int]:
    """Statistics of several systems, one row per scored segment, and how many were computed.

    A system whose block was written for this very request (same segments, order and
    hypotheses) is read as is. Otherwise rows with an unchanged hypothesis are reused and
    the rest computed: systems with nothing to reuse together by the vectorised exact path
    (``mtreview.metrics.fast``) when it covers the metric and references, the others
    through sacrebleu. New blocks are written in one transaction. ``hashes``: each
    system's :func:`hyp_hashes`, when the caller has them.
    """
    n_seg = len(refset.seg_ids)
    if not n_seg:
        return {s: np.zeros((0, 0)) for s in hyps}, 0
    key = metric.name + "|" + metric.signature(refset.num_refs)
    seg_arr = np.asarray(refset.seg_ids, dtype=np.int64)
    hashes = hashes or {}
    out: dict[str, np.ndarray] = {}
    pending: dict[str, tuple[Block | None, np.ndarray, np.ndarray, str]] = {}
    for system, hs in hyps.items():
        hh = hashes[system] if system in hashes else hyp_hashes(hs)
        digest = request_digest(seg_arr, hh)
        row = store.get_stats_block(system, key, refset.hash)
        block = Block.from_bytes(row[1]) if row else None
        if block is not None and row[0] == digest:
            out[system] = block.stats[:n_seg]
            continue
        pending[system] = (block, _reusable(block, refset.seg_ids, hh), hh, digest)
    fresh: dict[str, np.ndarray] = {}
    whole = [s for s, (_, where, _, _) in pending.items() if (where < 0).all()]
    if whole:
        batch = metric.batch_stats([hyps[s] for s in whole], [list(r) for r in refset.streams])
        if batch is not None:
            fresh.update(zip(whole, batch))
    computed, writes = 0, []
    for system, (block, where, hh, digest) in pending.items():
        todo = np.flatnonzero(where < 0)
        if system in fresh:
            new = fresh[system]
        elif len(todo):
            new = compute_stats(metric, [hyps[system][i] for i in todo],
                                refset.subset(todo.tolist()))
        else:
            new = np.zeros((0, block.stats.shape[1]))
        if len(todo) < n_seg:
            stats = np.empty((n_seg, block.stats.shape[1]))  # some rows reused: a block
            kept = where >= 0
            stats[kept] = block.stats[where[kept]]
            stats[todo] = new
        else:
            stats = new
        out[system] = stats
        computed += len(todo)
        seg_ids, row_hashes = seg_arr, hh
        if block is not None:  # keep the rows of segments outside this request
            older = np.flatnonzero(~np.isin(block.seg_ids, seg_arr))
            if len(older) and block.stats.shape[1] == stats.shape[1]:
                seg_ids = np.concatenate([seg_arr, block.seg_ids[older]])
                row_hashes = np.concatenate([hh, block.hashes[older]])
                stats = np.vstack([stats, block.stats[older]])
        writes.append((system, digest, Block(seg_ids, row_hashes, stats).to_bytes()))
    if writes:
        store.put_stats_blocks(key, refset.hash, writes)
    return {s: out[s] for s in hyps}, computed
