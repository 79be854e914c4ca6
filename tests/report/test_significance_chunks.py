"""Bounded-memory resampling: chunked draws equal one large draw; the segment-score slot."""

from __future__ import annotations

import numpy as np

from mtreview.metrics import significance as sig
from mtreview.metrics.registry import METRICS, SEGMENT, SegmentMetric


def test_chunked_draws_equal_one_draw():
    n = 37  # odd: AR chunks must keep numpy's 32-bit boolean buffer aligned
    whole = np.random.default_rng(5).choice(n, size=(50, n))
    counts = np.concatenate(list(sig.bootstrap_chunks(n, 50, 5, cells=7 * n)))
    expect = np.stack([np.bincount(r, minlength=n) for r in whole])
    assert counts.dtype == np.float32 and np.array_equal(counts, expect)
    ar = list(sig.ar_chunks(n, 100, 5, cells=40 * n))
    assert [len(c) for c in ar] == [32, 32, 32, 4]
    assert np.array_equal(np.concatenate(ar), sig.ar_selection(n, 100, 5))


def test_one_pass_equals_per_metric_products():
    """All metrics and systems together give what each (metric, system) alone gives."""
    rng = np.random.default_rng(1)
    n = 300
    stats = {}
    for m, d in (("bleu", 10), ("chrf", 18)):
        stats[m] = {s: rng.integers(0, 9, size=(n, d)).astype(np.float64)
                    for s in ("a", "b", "c")}
        for a in stats[m].values():
            if m == "bleu":
                a[:, 6:10] = a[:, 2:6] + rng.integers(0, 5, size=(n, 4))
                a[:, 0] = a[:, 6] + 1
            else:
                a[:, 2::3] = np.minimum(a[:, 0::3], a[:, 1::3])
    metrics = {m: METRICS[m] for m in stats}
    scores = {m: {s: METRICS[m].corpus_score(a.sum(0)) for s, a in stats[m].items()}
              for m in stats}
    together = sig.run_all(metrics, stats, scores, "a", bootstrap=200, ar=300, seed=3)
    counts = sig.bootstrap_counts(n, 200, 3)
    sel = sig.ar_selection(n, 300, 3).astype(np.float64)
    for m, metric in metrics.items():
        for s in ("b", "c"):
            a, b = stats[m][s], stats[m]["a"]
            boot_s = metric.scores((counts.astype(np.float64) @ a).astype(np.float32))
            boot_b = metric.scores((counts.astype(np.float64) @ b).astype(np.float32))
            diff = abs(scores[m]["a"] - scores[m][s])
            assert together[m].systems[s].p_bs == sig.bootstrap_p(boot_s, boot_b, diff)
            d = sel @ (b - a)
            ar = np.abs(metric.scores(np.rint(a.sum(0) + d)) - metric.scores(np.rint(b.sum(0) - d)))
            assert together[m].systems[s].p_ar == (int((ar > diff).sum()) + 1) / 301
            mean, ci = sig.estimate_ci(boot_s)
            assert together[m].systems[s].mean == mean and together[m].systems[s].ci == ci


class _Length(SegmentMetric):
    """A segment-score metric for the test: the hypothesis length in characters."""

    name = "length"
    label = "Length"
    needs_references = False

    def segment_scores(self, hyps, refs, sources):
        return np.array([float(len(h)) for h in hyps])

    def signature(self, num_refs, sentence=False):
        return "length|v1"


def test_segment_score_metric_slot():
    metric = _Length()
    assert metric.kind == SEGMENT and metric.significance
    hyps = {"a": ["x" * (i % 7) for i in range(120)], "b": ["x" * (i % 5) for i in range(120)]}
    stats = {s: metric.compute(h, [[None] * 120]) for s, h in hyps.items()}
    scores = {s: metric.corpus_score(a.sum(0)) for s, a in stats.items()}
    assert scores["a"] == np.mean([len(h) for h in hyps["a"]])
    assert np.array_equal(metric.sentence_scores(stats["b"]), [len(h) for h in hyps["b"]])
    t = sig.run_all({"length": metric}, {"length": stats}, {"length": scores}, "a",
                    bootstrap=100, ar=100, seed=2)["length"]
    counts = sig.bootstrap_counts(120, 100, 2)
    means = counts @ stats["b"][:, 0] / 120
    assert np.allclose(t.systems["b"].mean, means.mean(), atol=1e-12)
    assert t.systems["b"].p_bs is not None and t.systems["b"].p_ar is not None
    assert t.systems["b"].p_ar < 0.05  # 2.0 vs 2.9 characters on 120 segments
