"""Run a neural metric fast: length-sorted batches under a token budget, inference_mode,
the precision asked for (bf16 by default on CUDA; see ``mtreview.metrics.neural``), every free
core on the CPU, a progress bar (tqdm, on stderr).

Models stay loaded for the process (a report scores several systems with one model).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache

import torch

from mtreview.metrics.neural import resolve

BATCH_TOKENS_CPU = 4096
BATCH_TOKENS_CUDA = 32768


DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def _device() -> str:
    """Where scores are computed: the GPU exactly when ``cuda_wanted`` (the same decision
    that resolves ``--metric-precision auto``)."""
    from mtreview.metrics.neural import cuda_wanted
    return "cuda" if cuda_wanted() else "cpu"


def set_threads() -> None:
    """Every core this process may use (``MTREVIEW_NEURAL_THREADS`` overrides)."""
    value = os.environ.get("MTREVIEW_NEURAL_THREADS", "")
    cores = len(os.sched_getaffinity(0))
    torch.set_num_threads(int(value) if value.isdigit() and int(value) > 0 else cores)


@lru_cache(maxsize=4)
def load(ckpt: resolve.Checkpoint, precision: str = "fp32"):
    """The model of ``ckpt`` with its weights in ``precision`` (``fp32`` or ``bf16``)."""
    where, dtype = _device(), DTYPES[precision]
    set_threads()
    if ckpt.family == "comet":
        from mtreview.metrics.neural.comet import CometModel
        return CometModel(ckpt, where, dtype)
    from mtreview.metrics.neural.metricx import MetricXModel
    return MetricXModel(ckpt, where, dtype)


def batch_tokens(device: str) -> int:
    value = os.environ.get("MTREVIEW_NEURAL_BATCH_TOKENS")
    if value and value.isdigit() and int(value) > 0:
        return int(value)
    return BATCH_TOKENS_CUDA if device == "cuda" else BATCH_TOKENS_CPU


def length_batches(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Indices sorted longest first, cut so that a batch holds at most ``budget`` padded
    tokens (at least one row each)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        if current and (len(current) + 1) * lengths[current[0]] > budget:
            batches.append(current)
            current = []
        current.append(i)
    return batches + [current] if current else batches


def run_batches(ids: Sequence[list[int]], pad: int, device: str, fn: Callable,
                label: str) -> list:
    """``fn(input_ids, attention_mask)`` over length-sorted batches; results in input order."""
    from tqdm import tqdm

    out: list = [None] * len(ids)
    batches = length_batches([len(x) for x in ids], batch_tokens(device))
    quiet = os.environ.get("MTREVIEW_QUIET") == "1"
    with torch.inference_mode(), tqdm(total=len(ids), desc=label, unit="seg", leave=False,
                                      disable=quiet or None, mininterval=0.5) as bar:
        for batch in batches:
            width = max(len(ids[i]) for i in batch)
            rows = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, i in enumerate(batch):
                rows[r, :len(ids[i])] = torch.tensor(ids[i])
                mask[r, :len(ids[i])] = 1
            res = fn(rows.to(device), mask.to(device))
            for r, i in enumerate(batch):
                out[i] = res[r]
            bar.update(len(batch))
    return out


def comet_scores(model, mt: list[str], src: list[str], ref: list[str] | None,
                 label: str) -> list[float]:
    device = model.device
    if model.kind == "xcomet_metric":
        from mtreview.metrics.neural import xcomet
        scores, spans = xcomet.score(model, mt, src, ref, label, run_batches)
        model.spans.update(zip(zip(mt, src, optional(ref, len(mt))), spans))
        return scores
    if model.kind == "regression_metric":
        assert ref is not None  # a regression metric scores against references
        texts = [t for t in dict.fromkeys([*src, *mt, *ref]) if t not in model.cache]
        if texts:
            embs = run_batches(model.tokenize(texts), model.tokenizer.pad_token_id, device,
                               model.sentence, label)
            model.cache.update(zip(texts, embs))
        with torch.inference_mode():
            out = []
            for k in range(0, len(mt), 256):
                m = torch.stack([model.cache[t] for t in mt[k:k + 256]])
                r = torch.stack([model.cache[t] for t in ref[k:k + 256]])
                s = torch.stack([model.cache[t] for t in src[k:k + 256]])
                feats = torch.cat((m, r, m * r, (m - r).abs(), m * s, (m - s).abs()), dim=1)
                out += model.estimate(feats).tolist()
        return out
    use_src = "src" in model.segments
    use_ref = ref is not None and "ref" in model.segments
    tok = {"mt": model.tokenize(mt)}
    if use_src:
        tok["src"] = model.tokenize(src)
    if use_ref:
        tok["ref"] = model.tokenize(ref)
    if use_src and use_ref:
        combos = [("mt", "src"), ("mt", "ref"), ("mt", "src", "ref")]
    else:
        combos = [tuple(k for k in ("mt", "src", "ref") if k in tok)]
    cls = lambda ids, mask: model.embed(ids, mask)[:, 0, :]
    totals = torch.zeros(len(mt))
    for combo in combos:
        seqs = [model.join([tok[k][i] for k in combo]) for i in range(len(mt))]
        embs = run_batches(seqs, model.tokenizer.pad_token_id, device, cls, label)
        with torch.inference_mode():
            totals += model.estimate(torch.stack(embs)).cpu()
    return (totals / len(combos)).tolist() if len(combos) > 1 else totals.tolist()


def metricx_scores(model, mt: list[str], src: list[str], ref: list[str] | None,
                   label: str) -> list[float]:
    texts = [model.text(s, m, r) for s, m, r in
             zip(src, mt, ref if ref is not None else [None] * len(mt))]
    scores = run_batches(model.tokenize(texts), model.tokenizer.pad_token_id, model.device,
                         model.forward, label)
    return [float(x) for x in scores]


def optional(texts: list[str] | None, n: int) -> list[str | None]:
    return list(texts) if texts is not None else [None] * n


def error_spans(ckpt: resolve.Checkpoint, mt: list[str], src: list[str],
                ref: list[str] | None, label: str, precision: str = "fp32") -> list[list[dict]]:
    """xCOMET's predicted error spans of each segment (those of the segments scored in this
    process are kept with the model; the others are computed)."""
    model = load(ckpt, precision)
    if model.kind != "xcomet_metric":
        return [[] for _ in mt]
    keys = list(zip(mt, src, optional(ref, len(mt))))
    todo = [i for i, k in enumerate(keys) if k not in model.spans]
    if todo:
        comet_scores(model, [mt[i] for i in todo], [src[i] for i in todo],
                     [ref[i] for i in todo] if ref is not None else None, label)
    return [model.spans[k] for k in keys]


def score(ckpt: resolve.Checkpoint, mt: list[str], src: list[str], ref: list[str] | None,
          label: str, precision: str = "fp32") -> list[float]:
    model = load(ckpt, precision)
    if ckpt.family == "comet":
        return comet_scores(model, mt, src, ref, label)
    return metricx_scores(model, mt, src, ref, label)
