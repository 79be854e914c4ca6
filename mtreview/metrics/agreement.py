"""Agreement between reviewers: Krippendorff's alpha (interval) on scores, span-level F1.

Krippendorff's alpha follows Krippendorff (2011), "Computing Krippendorff's Alpha-
Reliability": a coincidence matrix over pairable values (units with at least two values),
D_o and D_e with the interval metric (c - k)², alpha = 1 - D_o / D_e.

Span F1 between two reviewers: character-level overlap of their marked error spans on the
translations both reviewed (target and source sides kept apart), micro-averaged:
F1 = 2·|A∩B| / (|A| + |B|), i.e. one reviewer's spans scored against the other's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from mtreview.core.types import Review


def krippendorff_alpha_interval(units: Mapping[Any, Sequence[float]]) -> float:
    """Alpha (interval metric) from unit → the values the coders gave it (missing omitted)."""
    groups = [np.asarray(v, dtype=np.float64) for v in units.values() if len(v) >= 2]
    if not groups:
        return math.nan
    n = sum(len(g) for g in groups)
    if n < 2:
        return math.nan
    # Observed disagreement: within each unit, every ordered pair of distinct coders.
    d_o = 0.0
    for g in groups:
        diff = g[:, None] - g[None, :]
        d_o += float((diff ** 2).sum()) / (len(g) - 1)
    d_o /= n
    # Expected disagreement: all pairs of pairable values.
    # Expected disagreement over all ordered pairs of pairable values:
    # sum_{i,j} (v_i - v_j)² = 2·n·sum_i (v_i - mean)².
    allv = np.concatenate(groups)
    d_e = 2.0 * n * float(((allv - allv.mean()) ** 2).sum()) / (n * (n - 1))
    return float(1.0 - d_o / d_e) if d_e > 0 else math.nan


def score_alpha(reviews: Sequence[Review], value=lambda r: r.score) -> tuple[float, int]:
    """Alpha over (segment, system) units with ≥ 2 reviewers; returns (alpha, n_units)."""
    units: dict[tuple[int, str], list[float]] = defaultdict(list)
    for r in reviews:
        v = value(r)
        if v is not None:
            units[(r.seg_id, r.system)].append(float(v))
    pairable = {k: v for k, v in units.items() if len(v) >= 2}
    return krippendorff_alpha_interval(pairable), len(pairable)


def _chars(review: Review) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for s in review.spans:
        out.update((s.side, i) for i in range(s.start, s.end))
    return out


def span_f1(a: Sequence[Review], b: Sequence[Review]) -> tuple[float, int]:
    """Micro character-overlap F1 of two reviewers' spans on their common (seg, system)."""
    ia = {(r.seg_id, r.system): r for r in a}
    ib = {(r.seg_id, r.system): r for r in b}
    common = sorted(set(ia) & set(ib))
    inter = size = 0
    for k in common:
        ca, cb = _chars(ia[k]), _chars(ib[k])
        inter += len(ca & cb)
        size += len(ca) + len(cb)
    if not common:
        return math.nan, 0
    return (2.0 * inter / size if size else 1.0), len(common)


def pairwise_span_f1(reviews: Sequence[Review]) -> dict[tuple[str, str], tuple[float, int]]:
    by: dict[str, list[Review]] = defaultdict(list)
    for r in reviews:
        by[r.reviewer].append(r)
    out = {}
    for x, y in combinations(sorted(by), 2):
        f1, n = span_f1(by[x], by[y])
        if n:
            out[(x, y)] = (f1, n)
    return out
