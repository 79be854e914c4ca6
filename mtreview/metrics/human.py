"""Human scores from reviews: DA/ESA means and per-reviewer z-scores, MQM penalties,
and correlations between automatic metrics and human judgements.

* DA / ESA: a review's ``score`` (0–100). Per system: the raw mean and the mean of
  z-scores, where each reviewer's scores are standardised with that reviewer's own mean and
  (sample) standard deviation over everything they scored. 95% CIs are mean ± 1.96·s/√n.
* MQM: each error span costs its weight from :mod:`mtreview.core.protocols` (the one home
  of the weights and their source, shared with every exporter). A review's MQM penalty is
  the sum (lower is better); a system's is the mean over its reviews.
* Correlations: Pearson's r and Kendall's tau-b between a metric and the human score, at
  segment level (sentence metric vs. the mean human score of each (segment, system)) and at
  system level (corpus metric vs. the system's human mean).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mtreview.core import protocols
from mtreview.core.types import Review

Z95 = 1.959963984540054


def mqm_penalty(review: Review) -> float:
    """The weighted error count of one MQM review (:func:`protocols.mqm_penalty`)."""
    return float(protocols.mqm_penalty(review.spans))


@dataclass(frozen=True)
class Estimate:
    mean: float
    ci: float  # half-width of the 95% interval (nan with fewer than 2 values)
    n: int

    def to_dict(self) -> dict:
        return {"mean": _num(self.mean), "ci": _num(self.ci), "n": self.n}


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def estimate(values: Sequence[float]) -> Estimate:
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 0:
        return Estimate(math.nan, math.nan, 0)
    ci = Z95 * v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else math.nan
    return Estimate(float(v.mean()), float(ci), len(v))


def z_scores(reviews: Iterable[Review]) -> dict[tuple[int, str, str], float]:
    """(seg_id, system, reviewer) → the score standardised per reviewer."""
    by_reviewer: dict[str, list[Review]] = defaultdict(list)
    for r in reviews:
        if r.score is not None:
            by_reviewer[r.reviewer].append(r)
    out = {}
    for reviewer, rs in by_reviewer.items():
        v = np.array([r.score for r in rs], dtype=np.float64)
        sd = v.std(ddof=1) if len(v) > 1 else 0.0
        mu = v.mean()
        for r, x in zip(rs, v):
            out[(r.seg_id, r.system, reviewer)] = float((x - mu) / sd) if sd > 0 else 0.0
    return out


@dataclass(frozen=True)
class HumanScores:
    protocol: str  # "esa", "da" or "mqm"
    systems: dict[str, dict[str, Estimate]]  # system → {"raw"|"z"|"mqm": Estimate}
    segment: dict[tuple[int, str], float]  # (seg, system) → mean human score (higher=better)
    reviewers: tuple[str, ...]
    n_reviews: int


def human_scores(reviews: Sequence[Review], protocol: str) -> HumanScores:
    """Aggregate the reviews of one protocol."""
    rs = [r for r in reviews if r.protocol == protocol]
    per_sys: dict[str, dict[str, Estimate]] = {}
    seg_vals: dict[tuple[int, str], list[float]] = defaultdict(list)
    if not protocols.PROTOCOLS[protocol].has_score:  # MQM: the weighted spans
        by_sys: dict[str, list[float]] = defaultdict(list)
        for r in rs:
            pen = mqm_penalty(r)
            by_sys[r.system].append(pen)
            seg_vals[(r.seg_id, r.system)].append(-pen)
        per_sys = {s: {"mqm": estimate(v)} for s, v in by_sys.items()}
    else:
        rs = [r for r in rs if r.score is not None]
        z = z_scores(rs)
        raw: dict[str, list[float]] = defaultdict(list)
        zs: dict[str, list[float]] = defaultdict(list)
        for r in rs:
            assert r.score is not None  # unscored reviews filtered out above
            raw[r.system].append(float(r.score))
            zs[r.system].append(z[(r.seg_id, r.system, r.reviewer)])
            seg_vals[(r.seg_id, r.system)].append(float(r.score))
        per_sys = {s: {"raw": estimate(raw[s]), "z": estimate(zs[s])} for s in raw}
    segment = {k: float(np.mean(v)) for k, v in seg_vals.items()}
    return HumanScores(protocol, per_sys, segment,
                       tuple(sorted({r.reviewer for r in rs})), len(rs))


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(a) < 2:
        return math.nan
    a, b = a - a.mean(), b - b.mean()
    den = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 0 else math.nan


def kendall_tau_b(x: Sequence[float], y: Sequence[float], block: int = 2048) -> float:
    """Kendall's tau-b (ties handled as in scipy.stats.kendalltau), O(n²) in numpy blocks."""
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(a)
    if n < 2:
        return math.nan
    conc = disc = tie_x = tie_y = 0
    for start in range(0, n, block):
        sa, sb = a[start:start + block, None], b[start:start + block, None]
        dx, dy = np.sign(sa - a[None, :]), np.sign(sb - b[None, :])
        rows = np.arange(start, min(start + block, n))[:, None]
        upper = np.arange(n)[None, :] > rows  # each pair once
        prod = (dx * dy)[upper]
        conc += int((prod > 0).sum())
        disc += int((prod < 0).sum())
        tie_x += int(((dx == 0) & upper).sum())
        tie_y += int(((dy == 0) & upper).sum())
    pairs = n * (n - 1) // 2
    den = math.sqrt((pairs - tie_x) * (pairs - tie_y))
    return float((conc - disc) / den) if den > 0 else math.nan


@dataclass(frozen=True)
class Correlation:
    metric: str
    level: str  # "segment" or "system"
    pearson: float
    kendall: float
    n: int

    def to_dict(self) -> dict:
        return {"pearson": _num(self.pearson), "kendall": _num(self.kendall), "n": self.n}


def correlate(metric: str, level: str, x: Sequence[float], y: Sequence[float]) -> Correlation:
    return Correlation(metric, level, pearson(x, y), kendall_tau_b(x, y), len(x))
