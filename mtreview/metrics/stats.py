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
from collections.abc import Sequence
from dataclasses import dataclass

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
    def build(cls, references: dict[int, list[str]], seg_ids: Sequence[int]) -> RefSet:
        ids = tuple(seg_ids)
        width = max((len(references[s]) for s in ids), default=0)
        streams = tuple(
            tuple(references[s][k] if k < len(references[s]) else None for s in ids)
            for k in range(width))
        counts = {len(references[s]) for s in ids}
        order = sorted(references)
        flat = [t for s in order for t in references[s]]
        h = hashlib.sha1(np.array(order, dtype=np.int64).tobytes())
        h.update(np.array([len(references[s]) for s in order], dtype=np.int64).tobytes())
        h.update(np.fromiter(map(len, flat), dtype=np.int64, count=len(flat)).tobytes())
        h.update("".join(flat).encode("utf-8", "surrogatepass"))
        digest = h.hexdigest()[:16]
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
    def from_bytes(cls, value: bytes) -> Block | None:
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


def request_digest(seg_ids: np.ndarray, hyps: Sequence[str]) -> str:
    """Identifies a request: these segments, in this order, with these hypotheses (one
    hash over all the text: a warm report hashes no line on its own)."""
    lengths = np.fromiter(map(len, hyps), dtype=np.int64, count=len(hyps))
    h = hashlib.sha1(seg_ids.tobytes())
    h.update(lengths.tobytes())
    h.update("".join(hyps).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


class _Pool:
    """Rows of every loaded block by (segment, hypothesis hash): a hypothesis that another
    system (or an earlier request) has already been scored on is not computed again."""

    def __init__(self, blocks: list[Block]):
        width = next((b.stats.shape[1] for b in blocks if len(b.seg_ids)), None)
        blocks = [b for b in blocks if len(b.seg_ids) and b.stats.shape[1] == width]
        self.stats = np.concatenate([b.stats for b in blocks]) if blocks else None
        self.row: dict[tuple[int, int], int] = {}
        start = 0
        for b in blocks:
            for i, k in enumerate(zip(b.seg_ids.tolist(), b.hashes.tolist()), start):
                self.row.setdefault(k, i)
            start += len(b.seg_ids)

    def find(self, seg_ids: Sequence[int], hashes: np.ndarray) -> np.ndarray:
        """For each (segment, hash), its row in :attr:`stats`, else -1."""
        get = self.row.get
        return np.fromiter((get(k, -1) for k in zip(seg_ids, hashes.tolist())),
                           dtype=np.int64, count=len(seg_ids))


def collect_stats(store, metric: Metric, refset: RefSet, hyps: dict[str, list[str]],
                  hashes: dict[str, np.ndarray] | None = None,
                  digests: dict[str, str] | None = None,
                  sources: list[str] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """Statistics of several systems, one row per scored segment, and how many were computed.

    A system whose block was written for this very request (same segments, order and
    hypotheses) is read as is. Otherwise each row whose (segment, hypothesis hash) is in a
    loaded block (this system's or another's) is reused and the rest computed, systems
    with the same rows to compute together (``Metric.batch_stats``, else
    ``Metric.compute``). New blocks are written in one transaction. ``hashes`` and
    ``digests`` (system → :func:`hyp_hashes`, :func:`request_digest`) are caches the
    caller may share between metrics: filled here when missing.
    """
    n_seg = len(refset.seg_ids)
    if not n_seg:
        return {s: np.zeros((0, 0)) for s in hyps}, 0
    key = metric.name + "|" + metric.signature(refset.num_refs)
    seg_arr = np.asarray(refset.seg_ids, dtype=np.int64)
    hashes = {} if hashes is None else hashes
    digests = {} if digests is None else digests
    out: dict[str, np.ndarray] = {}
    blocks: dict[str, Block | None] = {}
    for system, hs in hyps.items():
        if system not in digests:
            digests[system] = request_digest(seg_arr, hs)
        row = store.get_stats_block(system, key, refset.hash)
        block = blocks[system] = Block.from_bytes(row[1]) if row else None
        if block is not None and row[0] == digests[system]:
            out[system] = block.stats[:n_seg]
    pending = [s for s in hyps if s not in out]
    if not pending:
        return {s: out[s] for s in hyps}, 0
    pool = _Pool([b for b in blocks.values() if b is not None])
    where: dict[str, np.ndarray] = {}
    groups: dict[bytes, list[str]] = {}  # the same rows to compute: one batch
    for system in pending:
        if system not in hashes:
            hashes[system] = hyp_hashes(hyps[system])
        where[system] = pool.find(refset.seg_ids, hashes[system])
        groups.setdefault(np.flatnonzero(where[system] < 0).tobytes(), []).append(system)
    computed, writes = 0, []
    for todo_key, systems in groups.items():
        todo = np.frombuffer(todo_key, dtype=np.int64)
        new = _compute(metric, refset, todo, [hyps[s] for s in systems], sources)
        for system, rows in zip(systems, new):
            stats = rows
            if len(todo) < n_seg:  # some rows reused
                assert pool.stats is not None  # the reused rows come from the pool
                stats = np.empty((n_seg, pool.stats.shape[1]))
                kept = where[system] >= 0
                stats[kept] = pool.stats[where[system][kept]]
                if len(todo):
                    stats[todo] = rows
            out[system] = stats
            computed += len(todo)
            writes.append((system, digests[system],
                           _with_older(blocks[system], seg_arr, hashes[system], stats)))
    store.put_stats_blocks(key, refset.hash, writes)
    return {s: out[s] for s in hyps}, computed


def _compute(metric: Metric, refset: RefSet, todo: np.ndarray, hyps: list[list[str]],
             sources: list[str] | None) -> list[np.ndarray]:
    """Statistics of the ``todo`` rows of several systems' hypotheses."""
    if not len(todo):
        return [np.zeros((0, 0)) for _ in hyps]
    whole = len(todo) == len(refset.seg_ids)
    refs = [list(r) for r in refset.streams] if whole else refset.subset(todo.tolist())
    part = [h if whole else [h[i] for i in todo] for h in hyps]
    src = None if sources is None else [sources[i] for i in todo]
    batch = metric.batch_stats(part, refs) if src is None else None
    return batch if batch is not None else [compute_stats(metric, h, refs, src) for h in part]


def _with_older(block: Block | None, seg_arr: np.ndarray, hashes: np.ndarray,
                stats: np.ndarray) -> bytes:
    """The block to write: this request's rows, then the block's rows of other segments."""
    seg_ids, row_hashes = seg_arr, hashes
    if block is not None:
        older = np.flatnonzero(~np.isin(block.seg_ids, seg_arr))
        if len(older) and block.stats.shape[1] == stats.shape[1]:
            seg_ids = np.concatenate([seg_arr, block.seg_ids[older]])
            row_hashes = np.concatenate([hashes, block.hashes[older]])
            stats = np.vstack([stats, block.stats[older]])
    return Block(seg_ids, row_hashes, stats).to_bytes()


RESULTS = ""  # the pseudo-system whose blocks cache a report's significance results


def cached_value(store, key: str, ref_hash: str, digest: str) -> bytes | None:
    """A value cached beside the statistics (e.g. significance results) for ``digest``."""
    row = store.get_stats_block(RESULTS, key, ref_hash)
    return row[1] if row is not None and row[0] == digest else None


def cache_value(store, key: str, ref_hash: str, digest: str, value: bytes) -> None:
    store.put_stats_blocks(key, ref_hash, [(RESULTS, digest, value)])
