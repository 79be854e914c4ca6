"""Per-segment sufficient statistics, computed once through sacrebleu and cached in the store.

Cache key (table ``stats``): system, metric (the metric's full sacrebleu signature, so a new
sacrebleu version or tokenizer invalidates it), reference hash (all references of the
project) and segment; each row also carries the hash of the hypothesis it was computed
from, so a changed translation is recomputed and nothing else is.

Besides the per-segment rows, a whole-system row (segment id ``-1``) holds all rows of the
scored segments in one value, under a digest of (segment ids, hypotheses): a warm report
reads one row per system and metric and hashes nothing per segment.

TER is the slow metric (≈2 ms a segment in sacrebleu): it is computed only when asked for,
cached like the others, and missing segments are spread over worker processes when there
are many of them and more than one CPU.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mtreview.metrics.registry import Metric

# Below this many segments to compute, a worker pool costs more than it saves.
PARALLEL_MIN_SEGMENTS = 400


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


def _compute(metric: Metric, hyps: list[str], refs: list[list[str | None]]) -> np.ndarray:
    m = metric.make()
    rows = m._extract_corpus_statistics(hyps, refs)
    return np.array(rows, dtype=np.float64).reshape(len(hyps), -1)


def _compute_job(args: tuple[str, list[str], list[list[str | None]]]) -> np.ndarray:
    from mtreview.metrics.registry import METRICS
    name, hyps, refs = args
    return _compute(METRICS[name], hyps, refs)


def compute_stats(metric: Metric, hyps: list[str], refs: list[list[str | None]],
                  jobs: int | None = None) -> np.ndarray:
    """Sufficient statistics of ``hyps`` (rows) against reference streams ``refs``."""
    n = len(hyps)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if n < PARALLEL_MIN_SEGMENTS or jobs <= 1 or metric.name != "ter":
        return _compute(metric, hyps, refs)
    import multiprocessing as mp
    chunks = np.array_split(np.arange(n), jobs)
    tasks = [(metric.name, [hyps[i] for i in c], [[r[i] for i in c] for r in refs])
             for c in chunks if len(c)]
    with mp.get_context("fork").Pool(len(tasks)) as pool:
        parts = pool.map(_compute_job, tasks)
    return np.concatenate(parts, axis=0)


def segment_stats(store, system: str, metric: Metric, refset: RefSet,
                  hyps: Sequence[str]) -> tuple[np.ndarray, int]:
    """Statistics of one system, one row per scored segment (in ``refset.seg_ids`` order).

    Returns ``(stats, n_computed)``; see :func:`collect_stats`.
    """
    out, n = collect_stats(store, metric, refset, {system: list(hyps)})
    return out[system], n


def hyp_hashes(hyps: Sequence[str]) -> list[str]:
    sha1 = hashlib.sha1
    return [sha1(h.encode("utf-8")).hexdigest()[:16] for h in hyps]


WHOLE = -1  # segment id of the whole-system row


def system_digest(seg_ids: Sequence[int], hyps: Sequence[str]) -> str:
    text = "\x1f".join(f"{s}\x1e{h}" for s, h in zip(seg_ids, hyps))
    return "all:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def collect_stats(store, metric: Metric, refset: RefSet, hyps: dict[str, list[str]],
                  hashes: dict[str, list[str]] | None = None
                  ) -> tuple[dict[str, np.ndarray], int]:
    """Statistics of several systems, one row per scored segment, and how many were computed.

    Rows come from the store's cache when the hypothesis is unchanged. Systems with nothing
    cached are computed together by the vectorised exact path (``mtreview.metrics.fast``)
    when it covers the metric and references; the rest through sacrebleu. New rows are
    written back, one transaction per system.
    """
    from mtreview.metrics.fast import fast_stats

    key = metric.name + "|" + metric.signature(refset.num_refs)
    rows: dict[str, list[np.ndarray | None]] = {}
    missing: dict[str, list[int]] = {}
    full: dict[str, np.ndarray] = {}
    n_seg = len(refset.seg_ids)
    digests = {s: system_digest(refset.seg_ids, hs) for s, hs in hyps.items()}
    for system in hyps:
        whole = store.get_stats_row(system, key, refset.hash, WHOLE) if n_seg else None
        if whole is not None and whole[0] == digests[system]:
            full[system] = np.frombuffer(whole[1], dtype=np.float64).reshape(n_seg, -1)
    if hashes is None:
        hashes = {s: hyp_hashes(hs) for s, hs in hyps.items() if s not in full}
    for system, hs in hyps.items():
        if system in full:
            missing[system] = []
            continue
        cached = store.get_stats(system, key, refset.hash)
        hits = [cached.get(seg) for seg in refset.seg_ids]
        ok = [hit is not None and hit[0] == h for hit, h in zip(hits, hashes[system])]
        if ok and all(ok):  # every segment cached: one buffer, one array
            full[system] = np.frombuffer(b"".join(hit[1] for hit in hits),
                                         dtype=np.float64).reshape(len(hits), -1)
            missing[system] = []
            store.put_stats(system, key, refset.hash,
                            [(WHOLE, digests[system], full[system].tobytes())])
            continue
        rows[system] = [np.frombuffer(hit[1], dtype=np.float64) if good else None
                        for hit, good in zip(hits, ok)]
        missing[system] = [i for i, good in enumerate(ok) if not good]
    whole = [s for s in hyps if n_seg and len(missing[s]) == n_seg]
    fresh: dict[str, np.ndarray] = {}
    if whole:
        batch = fast_stats(metric.name, metric.make(), [hyps[s] for s in whole],
                           [list(r) for r in refset.streams])
        if batch is not None:
            fresh.update(zip(whole, batch))
    computed = 0
    for system, todo in missing.items():
        if not todo:
            continue
        if system in fresh:
            new = fresh[system]
        else:
            new = compute_stats(metric, [hyps[system][i] for i in todo], refset.subset(todo))
        if len(new) != len(todo):  # the fast path computed every segment
            new = new[todo]
        for j, i in enumerate(todo):
            rows[system][i] = new[j]
        everything = np.vstack(rows[system])
        store.put_stats(system, key, refset.hash, [
            (refset.seg_ids[i], hashes[system][i], new[j].tobytes())
            for j, i in enumerate(todo)] + [(WHOLE, digests[system], everything.tobytes())])
        full[system] = everything
        computed += len(todo)
    out = {s: full[s] if s in full else np.zeros((0, 0)) for s in hyps}
    return out, computed
