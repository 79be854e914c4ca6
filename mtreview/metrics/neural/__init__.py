"""Neural metrics offline: COMET, CometKiwi and MetricX-24.

The metric declarations live in ``mtreview.metrics.registry`` (``NeuralMetric``); this
package finds the checkpoint (``resolve``: no torch) and scores with it (``comet``,
``metricx``, ``runner``: torch and transformers, imported only when a score is computed,
so a report that reads its scores from the store's cache never loads them).

    from mtreview.metrics.neural import checkpoint, segment_scores
    ckpt = checkpoint("comet", "path/to/wmt22-comet-da")   # or a card name, or a hub id
    segment_scores(ckpt, mt=[...], src=[...], ref=[...])

Segment scores are cached by the report like every metric's statistics (``metrics.stats``:
the store's ``stats`` table), under a signature that carries the checkpoint's sha256.
"""

from __future__ import annotations

from functools import lru_cache

FAMILY = {"comet": "comet", "cometkiwi": "comet", "metricx": "metricx"}
VERSION = "1"  # bump when mtreview's scoring changes in a way that changes scores


@lru_cache(maxsize=16)
def checkpoint(metric: str, model: str | None):
    """The resolved checkpoint for ``metric`` (``model``: path, card, hub id or None)."""
    from mtreview.metrics.neural import resolve
    return resolve.resolve(metric, model, FAMILY[metric])


def signature(metric: str, model: str | None) -> str:
    ckpt = checkpoint(metric, model)
    return f"model:{ckpt.name}|sha256:{ckpt.sha256[:16]}|mtreview-neural:{VERSION}"


def segment_scores(ckpt, mt: list[str], src: list[str], ref: list[str] | None,
                   label: str = "") -> list[float]:
    from mtreview.metrics.neural import runner
    return runner.score(ckpt, mt, src, ref, label or ckpt.name)
