"""xCOMET's predicted error spans for the report (JSON: ``segment_scores[i].error_spans``).

A metric whose checkpoint is an xCOMET (``mtreview.metrics.neural.gives_spans``) predicts
error spans with its scores. They are cached in the store beside the scores' statistics:
one JSON block per system under ``spans|<metric>|<signature>`` and the reference hash,
for the request digest of the scores (these segments, in this order, with these
hypotheses). A miss computes the whole system's spans (taken from the model when this
process has just scored those segments), so a warm report loads no model.
"""

from __future__ import annotations

import json

from mtreview.metrics.registry import Metric, NeuralMetric
from mtreview.metrics.stats import RefSet

Spans = list[list[dict]]  # per segment: the spans of one system's translation


def collect_spans(store, metrics: dict[str, Metric], names: tuple[str, ...], refset: RefSet,
                  scored: dict[str, list[str]], digests: dict[str, str],
                  sources: list[str] | None) -> dict[str, dict[str, Spans]]:
    """system → metric → spans per scored segment, for the metrics that predict spans."""
    from mtreview.metrics import neural

    out: dict[str, dict[str, Spans]] = {}
    for m in names:
        metric = metrics[m]
        if not isinstance(metric, NeuralMetric) or not neural.gives_spans(m, metric.model):
            continue
        assert sources is not None  # a neural metric reads the source
        key = f"spans|{m}|{metric.signature(refset.num_refs)}"
        ref = None  # as NeuralMetric.segment_scores: the first reference (every segment has one)
        if metric.needs_references and refset.streams:
            ref = [t if t is not None else "" for t in refset.streams[0]]
        for system, hyps in scored.items():
            row = store.get_stats_block(system, key, refset.hash)
            if row is not None and row[0] == digests[system]:
                spans = json.loads(row[1])
            else:
                spans = neural.segment_spans(neural.checkpoint(m, metric.model), hyps,
                                             sources, ref, metric.label, metric.precision)
                value = json.dumps(spans, ensure_ascii=False).encode("utf-8")
                store.put_stats_blocks(key, refset.hash, [(system, digests[system], value)])
            out.setdefault(system, {})[m] = spans
    return out
