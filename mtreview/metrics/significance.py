"""Paired significance tests from per-segment statistics, in bounded memory.

Both tests reproduce sacrebleu's (``--paired-bs`` / ``--paired-ar``, sacrebleu 2.x) exactly:

* **Paired bootstrap**: ``numpy.random.default_rng(seed).choice(N, size=(B, N))`` gives the
  resample indices, the same for every system; each system's resampled corpus statistics are
  a matrix product ``counts @ stats`` (``counts[b, i]`` = how often segment ``i`` is drawn in
  resample ``b``) instead of B fancy-indexed sums. Like sacrebleu, the sums and the scores
  are float32 for sacrebleu's metrics (``Metric.sums_dtype``), the 95% CI is half the
  distance between the sorted resamples ``B//40`` and ``B - B//40 - 1`` and the mean is the
  resample mean; the p-value is ``(#{|Δ_b| - mean|Δ| > |Δ|} + 1) / (B + 1)``.
* **Approximate randomisation**: ``default_rng(seed).integers(2, size=(T, N), dtype=bool)``
  swaps segments between each system and the baseline: with ``D = base - sys``, the two
  pseudo-systems are ``sys + sel @ D`` and ``base - sel @ D``;
  ``p = (#{|a_t - b_t| > |Δ|} + 1) / (T + 1)``.

Memory stays bounded: the random draws are made and used in chunks of about
``CHUNK_CELLS`` (bootstrap) / ``AR_CHUNK_CELLS`` (randomisation) cells, small enough for
their memory to be reused rather than faulted in again. The generator's stream is the same
as one large draw: bootstrap chunks are whole resamples, randomisation chunks a multiple of
32 trials (numpy draws booleans as the bits of 32-bit words, which :func:`ar_chunks` draws
and unpacks itself, several times faster). Each chunk takes ONE product over the columns of
every system and metric together (all-zero columns left out, equal columns once). Integer statistics are
multiplied in float32 when every partial sum stays below 2**24 (then exact), otherwise in
float64. Only the resampled scores (B per system and metric) and the randomisation counts
are kept.

Clusters (as WMT): systems sorted best first; a boundary is drawn between positions k and
k+1 when every system above it is significantly better (paired bootstrap, p < alpha) than
every system below it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mtreview.metrics.registry import Metric

DEFAULT_SEED = 12345  # sacrebleu's default (SACREBLEU_SEED)


@functools.lru_cache(maxsize=1)
def _blas_thread_setter() -> Callable[[int], int] | None:
    """``openblas_set_num_threads_local`` of numpy's bundled OpenBLAS (None when absent)."""
    import ctypes
    import glob
    import os

    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "*openblas*"))):
        try:
            fn: Any = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the resampling products on one BLAS thread (this thread only, then restored).

    They are small (B×N @ N×d): OpenBLAS's worker threads cost more than they save, and on a
    busy machine a 0.5 ms product can take 10 ms. Without numpy's OpenBLAS: no change.
    """
    setter = _blas_thread_setter()
    if setter is None:
        yield
        return
    previous = setter(1)
    try:
        yield
    finally:
        setter(previous)


# Draws per chunk (resamples or trials × segments): the arrays of a chunk stay below
# glibc's mmap threshold, so their memory is reused instead of faulted in again.
CHUNK_CELLS = 1 << 20  # bootstrap: int64 indices and counts
AR_CHUNK_CELLS = 1 << 22  # randomisation: booleans and their float32 copy


def bootstrap_chunks(n: int, samples: int, seed: int | None,
                     cells: int = CHUNK_CELLS) -> Iterator[np.ndarray]:
    """(rows, n) float32 chunks, together (samples, n): how often each segment is drawn in
    each resample (the same draws as one ``choice(n, size=(samples, n))``)."""
    rng = np.random.default_rng(seed)
    rows = max(1, cells // max(n, 1))
    for start in range(0, samples, rows):
        r = min(rows, samples - start)
        idx = rng.choice(n, size=(r, n), replace=True)
        idx += (np.arange(r) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=r * n).reshape(r, n)
        yield counts.astype(np.float32)  # exact: counts are small integers


def bootstrap_counts(n: int, samples: int, seed: int | None) -> np.ndarray:
    """All of :func:`bootstrap_chunks` as one (samples, n) matrix (small inputs, tests)."""
    return np.concatenate(list(bootstrap_chunks(n, samples, seed)) or
                          [np.zeros((0, n), dtype=np.float32)])


def ar_chunks(n: int, trials: int, seed: int | None,
              cells: int = AR_CHUNK_CELLS) -> Iterator[np.ndarray]:
    """(rows, n) boolean chunks, together the same as ``integers(2, size=(trials, n))``.

    numpy draws those booleans as the bits of 32-bit words, lowest bit first; drawing the
    words and unpacking their bits gives the same array several times faster."""
    rng = np.random.default_rng(seed)
    rows = max(32, (cells // max(n, 1)) // 32 * 32)  # keeps the 32-bit buffer aligned
    for start in range(0, trials, rows):
        r = min(rows, trials - start)
        words = rng.integers(0, 2 ** 32, size=(r * n + 31) // 32, dtype=np.uint32)
        bits = np.unpackbits(words.view(np.uint8), bitorder="little", count=r * n)
        yield bits.view(bool).reshape(r, n)


def ar_selection(n: int, trials: int, seed: int | None) -> np.ndarray:
    return np.random.default_rng(seed).integers(2, size=(trials, n), dtype=bool)


def estimate_ci(scores: np.ndarray) -> tuple[float, float]:
    """sacrebleu's estimate: (mean of the resamples, half-width of the 95% interval)."""
    s = np.sort(scores)
    lo = len(s) // 40
    return float(s.mean()), float(0.5 * (s[len(s) - lo - 1] - s[lo]))


def _p_value(stats: np.ndarray, real: float) -> float:
    return (int(np.sum(stats > real)) + 1) / (len(stats) + 1)


class _Columns:
    """Statistics of several (metric, system) pairs side by side: ONE product per chunk.

    ``parts``: key → (metric, (n, d) statistics). ``product(x)`` gives ``x @ wide`` split
    back per key, float32 where exact: integer statistics and every partial sum below
    2**24, bounded by ``row_total`` × the largest statistic (``row_total``: the sum of
    each row of ``x``, e.g. n for bootstrap counts) or, for 0/1 rows, by column sums."""

    def __init__(self, parts: dict[Any, tuple[Metric, np.ndarray]],
                 row_total: int | None = None):
        self.keys = list(parts)
        self.width = {k: a.shape[1] for k, (_, a) in parts.items()}
        self.groups: list[tuple[list[Any], np.ndarray, tuple[np.ndarray, np.ndarray]]] = []
        exact = [k for k in self.keys if parts[k][0].integer_stats]
        for keys, integer in ((exact, True), ([k for k in self.keys if k not in exact], False)):
            if not keys:
                continue
            wide = np.concatenate([parts[k][1] for k in keys], axis=1)
            used = np.flatnonzero(np.any(wide != 0, axis=0))  # zero columns: zero sums
            # equal columns (e.g. every system's reference lengths) multiplied once
            wide, first, again = np.unique(wide[:, used], axis=1, return_index=True,
                                           return_inverse=True)
            wide = wide[:, np.argsort(first)]  # in first-seen order (a stable product)
            rank = np.empty(len(first), dtype=np.int64)
            rank[np.argsort(first)] = np.arange(len(first))
            columns = (used, rank[again.reshape(-1)])
            absw = np.abs(wide)
            bound = float(absw.max(initial=0)) * row_total if row_total is not None else \
                float(absw.sum(0).max(initial=0))
            if integer and bound < 2 ** 24:
                wide = wide.astype(np.float32)
            self.groups.append((keys, wide, columns))

    def product(self, x: np.ndarray) -> dict[Any, np.ndarray]:
        """``x @ stats`` of every key (float64 arrays, exact for integer statistics)."""
        out: dict[Any, np.ndarray] = {}
        for keys, wide, used in self.groups:
            full = np.zeros((len(x), sum(self.width[k] for k in keys)))
            with one_blas_thread():
                full[:, used[0]] = (x.astype(wide.dtype, copy=False) @ wide)[:, used[1]]
            start = 0
            for k in keys:
                out[k] = full[:, start:start + self.width[k]]
                start += self.width[k]
        return out


def bootstrap_scores(parts: dict[Any, tuple[Metric, np.ndarray]], samples: int,
                     seed: int | None) -> dict[Any, np.ndarray]:
    """Resampled scores of every (metric, system) key: ``samples`` per key."""
    n = len(next(iter(parts.values()))[1])
    cols = _Columns(parts, row_total=n)
    chunks: dict[Any, list[np.ndarray]] = {k: [] for k in parts}
    for counts in bootstrap_chunks(n, samples, seed):
        sums = cols.product(counts)
        for k, (metric, _) in parts.items():  # scores keep their dtype (sacrebleu's mean)
            chunks[k].append(metric.scores(sums[k].astype(metric.sums_dtype)))
    return {k: np.concatenate(v) for k, v in chunks.items()}


def all_bootstrap_scores(metric: Metric, stats: dict[str, np.ndarray], counts: np.ndarray
                         ) -> dict[str, np.ndarray]:
    """Resample scores of every system from given counts (one metric; small inputs)."""
    cols = _Columns({s: (metric, a) for s, a in stats.items()}, row_total=len(counts.T))
    sums = cols.product(counts)
    return {s: metric.scores(sums[s].astype(metric.sums_dtype)) for s in stats}


def bootstrap_p(scores_sys: np.ndarray, scores_base: np.ndarray, real_diff: float) -> float:
    diffs = np.abs(scores_sys - scores_base)
    return _p_value(diffs - diffs.mean(), float(real_diff))


def ar_pvalues(pairs: dict[Any, tuple[Metric, np.ndarray, np.ndarray, float]], trials: int,
               seed: int | None) -> dict[Any, float]:
    """Approximate randomisation p-values: key → (metric, system stats, baseline stats,
    real |Δ|), all keys from the same trials in one pass."""
    n = len(next(iter(pairs.values()))[1])
    cols = _Columns({k: (m, b - s) for k, (m, s, b, _) in pairs.items()})
    above = dict.fromkeys(pairs, 0)
    totals = {k: (s.sum(0), b.sum(0)) for k, (_, s, b, _) in pairs.items()}
    for sel in ar_chunks(n, trials, seed):
        d = cols.product(sel)
        for k, (metric, _, _, real) in pairs.items():
            a, c = totals[k][0] + d[k], totals[k][1] - d[k]  # pos @ base + neg @ sys, back
            if metric.integer_stats:
                a, c = np.rint(a), np.rint(c)
            above[k] += int(np.sum(np.abs(metric.scores(a) - metric.scores(c)) > real))
    return {k: (above[k] + 1) / (trials + 1) for k in pairs}


def ar_p(metric: Metric, sys_stats: np.ndarray, base_stats: np.ndarray, trials: int,
         seed: int | None, real_diff: float) -> float:
    """Approximate randomisation p-value of one system against the baseline."""
    return ar_pvalues({0: (metric, sys_stats, base_stats, real_diff)}, trials, seed)[0]


@dataclass(frozen=True)
class SystemTest:
    score: float
    mean: float | None = None  # bootstrap mean
    ci: float | None = None  # half-width of the 95% interval
    p_bs: float | None = None  # paired bootstrap p-value against the baseline
    p_ar: float | None = None  # approximate randomisation p-value against the baseline


@dataclass(frozen=True)
class MetricTests:
    metric: str
    baseline: str
    systems: dict[str, SystemTest]
    pairwise_p: dict[str, dict[str, float]] = field(default_factory=dict)  # bootstrap
    clusters: list[list[str]] = field(default_factory=list)


RESULTS_VERSION = 1  # part of the key of cached results: bump when the numbers change


def tests_to_bytes(tests: dict[str, MetricTests]) -> bytes:
    """JSON of every metric's results (floats round-trip exactly)."""
    return json.dumps({m: [t.metric, t.baseline,
                           {s: [x.score, x.mean, x.ci, x.p_bs, x.p_ar]
                            for s, x in t.systems.items()}, t.pairwise_p, t.clusters]
                       for m, t in tests.items()}).encode("utf-8")


def tests_from_bytes(value: bytes) -> dict[str, MetricTests] | None:
    """The results :func:`tests_to_bytes` wrote, or None if ``value`` is not that."""
    try:
        raw = json.loads(value.decode("utf-8"))
        return {m: MetricTests(name, base, {s: SystemTest(*x) for s, x in systems.items()},
                               pairwise, groups)
                for m, (name, base, systems, pairwise, groups) in raw.items()}
    except (ValueError, TypeError):
        return None


def clusters(order: list[str], p: dict[str, dict[str, float]], alpha: float = 0.05,
             ) -> list[list[str]]:
    """WMT-style clusters of ``order`` (best first) from pairwise p-values."""
    out: list[list[str]] = []
    current: list[str] = []
    for k, name in enumerate(order):
        current.append(name)
        if k == len(order) - 1:
            break
        above, below = order[:k + 1], order[k + 1:]
        if all(p[a][b] < alpha for a in above for b in below):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def run_all(metrics: dict[str, Metric], stats: dict[str, dict[str, np.ndarray]],
            scores: dict[str, dict[str, float]], baseline: str, bootstrap: int = 1000,
            ar: int = 0, seed: int | None = DEFAULT_SEED, alpha: float = 0.05
            ) -> dict[str, MetricTests]:
    """Bootstrap CIs, p-values against ``baseline`` (bootstrap and AR), pairwise p and
    clusters of every metric, all metrics and systems resampled in one pass.

    ``stats``: metric → system → (N, d) per-segment statistics (same segments, same order);
    ``scores``: metric → system → exact corpus score. Metrics that do not declare
    ``significance`` get their scores only.
    """
    tested = [m for m in metrics if metrics[m].significance]
    n = len(next(iter(stats[tested[0]].values()))) if tested else 0
    boot: dict[tuple[str, str], np.ndarray] = {}
    if bootstrap > 0 and n > 0:
        boot = bootstrap_scores({(m, s): (metrics[m], a) for m in tested
                                 for s, a in stats[m].items()}, bootstrap, seed)
    p_ar: dict[tuple[str, str], float] = {}
    if ar > 0 and n > 0:
        pairs = {(m, s): (metrics[m], a, stats[m][baseline],
                          float(abs(scores[m][baseline] - scores[m][s])))
                 for m in tested for s, a in stats[m].items() if s != baseline}
        if pairs:
            p_ar = ar_pvalues(pairs, ar, seed)
    out = {}
    for m, metric in metrics.items():
        names = list(stats[m])
        results: dict[str, SystemTest] = {}
        for s in names:
            mean = ci = p_bs = None
            if (m, s) in boot:
                mean, ci = estimate_ci(boot[m, s])
                if s != baseline:
                    p_bs = bootstrap_p(boot[m, s], boot[m, baseline],
                                       abs(scores[m][baseline] - scores[m][s]))
            results[s] = SystemTest(scores[m][s], mean, ci, p_bs, p_ar.get((m, s)))
        pairwise: dict[str, dict[str, float]] = {}
        groups: list[list[str]] = []
        if boot and m in tested:
            for a in names:
                pairwise[a] = {b: (1.0 if a == b else bootstrap_p(
                    boot[m, a], boot[m, b], abs(scores[m][a] - scores[m][b]))) for b in names}
            sign = 1 if metric.higher_is_better else -1
            order = sorted(names, key=lambda s: -sign * scores[m][s])
            groups = clusters(order, pairwise, alpha)
        out[m] = MetricTests(m, baseline, results, pairwise, groups)
    return out


def run_tests(metric: Metric, stats: dict[str, np.ndarray], scores: dict[str, float],
              baseline: str, bootstrap: int = 1000, ar: int = 0,
              seed: int | None = DEFAULT_SEED, alpha: float = 0.05) -> MetricTests:
    """:func:`run_all` for one metric."""
    return run_all({metric.name: metric}, {metric.name: stats}, {metric.name: scores},
                   baseline, bootstrap, ar, seed, alpha)[metric.name]
