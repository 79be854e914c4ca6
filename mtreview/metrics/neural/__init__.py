"""Neural metrics offline: COMET, CometKiwi, xCOMET and MetricX-24.

The metric declarations live in ``mtreview.metrics.registry`` (``NeuralMetric``); this
package finds the checkpoint (``resolve``: no torch) and scores with it (``comet``,
``metricx``, ``runner``: torch and transformers, imported only when a score is computed,
so a report that reads its scores from the store's cache never loads them).

    from mtreview.metrics.neural import checkpoint, segment_scores
    ckpt = checkpoint("comet", "path/to/wmt22-comet-da")   # or a card name, or a hub id
    segment_scores(ckpt, mt=[...], src=[...], ref=[...])

An xCOMET checkpoint (``xcomet_metric``) is used as ``comet`` (with references) or as
``cometkiwi`` (without); ``segment_spans`` gives its predicted error spans
(``mtreview.report.spans`` puts them in the report's JSON and caches them).

Segment scores are cached by the report like every metric's statistics (``metrics.stats``:
the store's ``stats`` table), under a signature that carries the checkpoint's sha256 and the
precision the scores were computed in.

Precision (``report --metric-precision``): ``fp32`` gives the reference implementations'
scores (the parity tests); ``bf16`` runs the encoder's weights in bfloat16 — the fast path on
GPUs and on CPUs with AMX or AVX512-BF16 (about 4× fp32 on the development machine's AMX
cores), scores within ~1e-2 of fp32; ``auto`` (the default) is bf16 where CUDA is available and
fp32 on the CPU. It is resolved without importing torch (a warm report must not), so the
signature names the precision actually used.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

FAMILY = {"comet": "comet", "cometkiwi": "comet", "metricx": "metricx"}
VERSION = "1"  # bump when mtreview's scoring changes in a way that changes scores
PRECISIONS = ("auto", "fp32", "bf16")


def cuda_wanted() -> bool:
    """Will the scores be computed on a GPU? Without importing torch: its answer when it is
    loaded already, else whether an NVIDIA driver is present (``MTREVIEW_NEURAL_DEVICE=cpu``
    says no)."""
    if os.environ.get("MTREVIEW_NEURAL_DEVICE", "") == "cpu":
        return False
    torch = sys.modules.get("torch")
    if torch is not None:
        return bool(torch.cuda.is_available())
    return Path("/proc/driver/nvidia/version").exists()


def resolve_precision(precision: str) -> str:
    """``fp32`` or ``bf16`` for a ``--metric-precision`` value (see the module docstring)."""
    if precision not in PRECISIONS:
        from mtreview.errors import UserError
        raise UserError(f"--metric-precision must be one of {', '.join(PRECISIONS)}, "
                        f"not {precision!r}")
    if precision == "auto":
        return "bf16" if cuda_wanted() else "fp32"
    return precision


@lru_cache(maxsize=16)
def checkpoint(metric: str, model: str | None):
    """The resolved checkpoint for ``metric`` (``model``: path, card, hub id or None)."""
    from mtreview.metrics.neural import resolve
    return resolve.resolve(metric, model, FAMILY[metric])


def signature(metric: str, model: str | None, precision: str = "fp32") -> str:
    """The cache key and the report's signature of a neural metric's scores (``precision``:
    resolved, ``fp32`` or ``bf16``)."""
    ckpt = checkpoint(metric, model)
    return f"model:{ckpt.name}|sha256:{ckpt.sha256[:16]}|prec:{precision}|" \
           f"mtreview-neural:{VERSION}"


def segment_scores(ckpt, mt: list[str], src: list[str], ref: list[str] | None,
                   label: str = "", precision: str = "fp32") -> list[float]:
    from mtreview.metrics.neural import runner
    return runner.score(ckpt, mt, src, ref, label or ckpt.name, precision)


def segment_spans(ckpt, mt: list[str], src: list[str], ref: list[str] | None,
                  label: str = "", precision: str = "fp32") -> list[list[dict]]:
    """xCOMET's predicted error spans per segment (``[]`` each for other models): dicts with
    ``start``, ``end`` (character offsets into the MT), ``severity`` (minor, major, critical),
    ``confidence`` and ``text``, as unbabel-comet's ``metadata.error_spans``."""
    from mtreview.metrics.neural import runner
    return runner.error_spans(ckpt, mt, src, ref, label or ckpt.name, precision)


@lru_cache(maxsize=16)
def gives_spans(metric: str, model: str | None) -> bool:
    """Does the checkpoint predict error spans (an xCOMET, ``xcomet_metric``)? From its
    ``hparams.yaml``, without torch."""
    ckpt = checkpoint(metric, model)
    if ckpt.family != "comet":
        return False
    import yaml
    try:
        hp = yaml.safe_load((ckpt.path / "hparams.yaml").read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return False  # the model's loading says what is wrong
    return isinstance(hp, dict) and hp.get("class_identifier") == "xcomet_metric"
