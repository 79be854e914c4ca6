"""Paired significance tests from per-segment sufficient statistics, vectorised with numpy.

Both tests reproduce sacrebleu's (``--paired-bs`` / ``--paired-ar``, sacrebleu 2.x) exactly:

* **Paired bootstrap**: ``numpy.random.default_rng(seed).choice(N, size=(B, N))`` gives the
  resample indices, the same for every system; each system's resampled corpus statistics are
  one matrix product ``counts @ stats`` (``counts[b, i]`` = how often segment ``i`` is drawn in
  resample ``b``) instead of B fancy-indexed sums. Like sacrebleu, the sums and the scores
  are float32 (NumPy 2 promotion), the 95% CI is half the distance between the sorted
  resamples ``B//40`` and ``B - B//40 - 1`` and the mean is the resample mean; the p-value is
  ``(#{|Δ_b| - mean|Δ| > |Δ|} + 1) / (B + 1)``.
* **Approximate randomisation**: ``default_rng(seed).integers(2, size=(T, N), dtype=bool)``
  swaps segments between the two systems; both pseudo-systems come from one matrix
  product; ``p = (#{|a_t - b_t| > |Δ|} + 1) / (T + 1)``.

Clusters (as WMT): systems sorted best first; a boundary is drawn between positions k and
k+1 when every system above it is significantly better (paired bootstrap, p < alpha) than
every system below it.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

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
            fn: Any = getattr(ctypes.CDLL(path), "openblas_set_num_threads_local")
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


def bootstrap_counts(n: int, samples: int, seed: int | None) -> np.ndarray:
    """(samples, n) matrix: how often each segment is drawn in each resample (float32)."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(n, size=(samples, n), replace=True)
    flat = (idx + (np.arange(samples) * n)[:, None]).ravel()
    counts = np.bincount(flat, minlength=samples * n).reshape(samples, n)
    # float32 holds these small counts exactly; the products are made exact below
    return counts.astype(np.float32)


def ar_selection(n: int, trials: int, seed: int | None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(2, size=(trials, n), dtype=bool)


def estimate_ci(scores: np.ndarray) -> tuple[float, float]:
    """sacrebleu's estimate: (mean of the resamples, half-width of the 95% interval)."""
    s = np.sort(scores)
    lo = len(s) // 40
    return float(s.mean()), float(0.5 * (s[len(s) - lo - 1] - s[lo]))


def _p_value(stats: np.ndarray, real: float) -> float:
    return (int(np.sum(stats > real)) + 1) / (len(stats) + 1)


def all_bootstrap_scores(metric: Metric, stats: dict[str, np.ndarray], counts: np.ndarray
                         ) -> dict[str, np.ndarray]:
    """Resample scores of every system from one matrix product over all their statistics.

    Integer statistics are multiplied in float32 when every partial sum stays below 2**24
    (then exact), otherwise in float64; the sums are float32 either way, as in sacrebleu.
    """
    names = list(stats)
    wide = np.concatenate([stats[s] for s in names], axis=1)
    exact32 = metric.integer_stats and float(np.abs(wide).sum(0).max(initial=0)) * \
        float(counts.max(initial=0)) < 2 ** 24
    dtype = np.float32 if exact32 else np.float64
    with one_blas_thread():
        sums = (counts.astype(dtype, copy=False) @ wide.astype(dtype)).astype(np.float32)
    d = stats[names[0]].shape[1]
    return {s: metric.scores(sums[:, i * d:(i + 1) * d]) for i, s in enumerate(names)}


def bootstrap_p(scores_sys: np.ndarray, scores_base: np.ndarray, real_diff: float) -> float:
    diffs = np.abs(scores_sys - scores_base)
    return _p_value(diffs - diffs.mean(), float(real_diff))


def ar_p(metric: Metric, sys_stats: np.ndarray, base_stats: np.ndarray, sel: np.ndarray,
         real_diff: float) -> float:
    """Approximate randomisation p-value of one system against the baseline."""
    with one_blas_thread():
        d = sel.astype(np.float64) @ (base_stats - sys_stats)
    a = sys_stats.sum(0) + d  # pos @ base + neg @ sys
    b = base_stats.sum(0) - d  # neg @ base + pos @ sys
    if metric.integer_stats:
        a, b = np.rint(a), np.rint(b)
    diffs = np.abs(metric.scores(a) - metric.scores(b))
    return _p_value(diffs, float(real_diff))


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


def run_tests(metric: Metric, stats: dict[str, np.ndarray], scores: dict[str, float],
              baseline: str, bootstrap: int = 1000, ar: int = 0,
              seed: int | None = DEFAULT_SEED, alpha: float = 0.05,
              counts: np.ndarray | None = None) -> MetricTests:
    """Bootstrap CIs, p-values against ``baseline`` (bootstrap and AR), pairwise p, clusters.

    ``stats``: system → (N, d) per-segment statistics (same segments, same order);
    ``scores``: system → exact corpus score; ``counts``: precomputed
    :func:`bootstrap_counts` (the same for every metric of one report).
    """
    names = list(stats)
    n = len(next(iter(stats.values())))
    boot: dict[str, np.ndarray] = {}
    if bootstrap > 0 and n > 0:
        if counts is None:
            counts = bootstrap_counts(n, bootstrap, seed)
        boot = all_bootstrap_scores(metric, stats, counts)
    sel = ar_selection(n, ar, seed) if ar > 0 and n > 0 else None
    results: dict[str, SystemTest] = {}
    for s in names:
        mean = ci = p_bs = p_ar = None
        if boot:
            mean, ci = estimate_ci(boot[s])
        if s != baseline:
            diff = abs(scores[baseline] - scores[s])
            if boot:
                p_bs = bootstrap_p(boot[s], boot[baseline], diff)
            if sel is not None:
                p_ar = ar_p(metric, stats[s], stats[baseline], sel, diff)
        results[s] = SystemTest(scores[s], mean, ci, p_bs, p_ar)
    pairwise: dict[str, dict[str, float]] = {}
    groups: list[list[str]] = []
    if boot:
        for a in names:
            pairwise[a] = {b: (1.0 if a == b else bootstrap_p(
                boot[a], boot[b], abs(scores[a] - scores[b]))) for b in names}
        sign = 1 if metric.higher_is_better else -1
        order = sorted(names, key=lambda s: -sign * scores[s])
        groups = clusters(order, pairwise, alpha)
    return MetricTests(metric.name, baseline, results, pairwise, groups)
