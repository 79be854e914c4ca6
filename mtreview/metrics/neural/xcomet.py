"""xCOMET (unbabel-comet's ``xcomet_metric``): segment scores and predicted error spans.

An xCOMET checkpoint is a unified COMET model (``comet.CometModel``) plus a tag head
(``hidden2tag``: a linear layer on encoder layer ``word_layer``) that labels each token
``O``, ``I-minor``, ``I-major`` or ``I-critical``. As unbabel-comet 2.2.7 predicts:

* with references, three inputs are encoded, ``mt+src``, ``mt+ref`` and ``mt+src+ref``;
  each gives a regression score (the mixed layers' CLS through the estimator, capped at 1)
  and tag probabilities (softmax) for the MT's tokens, which are averaged with the weights
  0.1667, 0.3333 and 0.5;
* without references, ``mt+src`` alone;
* each MT token (``<s>`` and ``</s>`` included) takes its most likely label; a run of
  error-labelled tokens is a span with the severity of its first token, from the first
  token's start offset to the last one's end offset, and a confidence that is the mean of
  the tokens' top probabilities. A run still open at the last token is dropped (``</s>``
  in an error closes nothing, as in unbabel-comet);
* the MQM-like score is ``(25 - min(25, minor + 5 major + 10 critical)) / 25``;
* the score is ``0.12 s(mt+src) + 0.33 s(mt+ref) + 0.33 s(mt+src+ref) + 0.22 mqm``, or
  without references ``0.78 s(mt+src) + 0.22 mqm``.

A span is ``{"start", "end", "severity", "confidence", "text"}``: character offsets into
the MT text (the tokenizer's offsets), and the decoded tokens as unbabel-comet gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from mtreview.errors import UserError

LABELS = ("O", "minor", "major", "critical")
PENALTY = {"minor": 1, "major": 5, "critical": 10}
INPUT_WEIGHTS = (0.1667, 0.3333, 0.5)  # tag probabilities of mt+src, mt+ref, mt+src+ref
SCORE_WEIGHTS = (0.12, 0.33, 0.33, 0.22)  # the three regressions, then the MQM score
MQM_CAP = 25


def tag_head(ckpt, sd: dict[str, Any], hp: dict[str, Any],
             config) -> tuple[torch.nn.Module, int]:
    """The tag head of an xCOMET state dict and the encoder layer it reads."""
    labels = list(hp.get("error_labels", ["minor", "major", "critical"]))
    if labels != list(LABELS[1:]):
        raise UserError(f"{ckpt.path}: xCOMET error labels {labels} are not supported")
    word_layer = hp.get("word_layer", 24)
    if not isinstance(word_layer, int) or not 0 <= word_layer <= config.num_hidden_layers:
        raise UserError(f"{ckpt.path}: invalid xCOMET word_layer {word_layer!r}")
    w, b = sd["hidden2tag.weight"], sd["hidden2tag.bias"]
    head = torch.nn.Linear(w.shape[1], w.shape[0])
    head.load_state_dict({"weight": w.float(), "bias": b.float()})
    if w.shape[0] != len(LABELS):
        raise UserError(f"{ckpt.path}: xCOMET tag head has {w.shape[0]} labels, not 4")
    return head, word_layer


def mqm(spans: list[dict]) -> float:
    """The MQM-like score in [0, 1] of one segment's spans."""
    penalty = min(MQM_CAP, sum(PENALTY[s["severity"]] for s in spans))
    return (MQM_CAP - penalty) / MQM_CAP


def decode(model, probs: torch.Tensor, ids: list[int],
           offsets: list[tuple[int, int]]) -> list[dict]:
    """Error spans of one segment from its MT tokens' label probabilities [tokens, 4]."""
    top, labels = probs.max(dim=1)
    spans: list[dict] = []
    run: dict | None = None
    for k, (label, (start, end)) in enumerate(zip(labels.tolist(), offsets)):
        if label and run is None:
            run = {"tokens": [k], "severity": LABELS[label], "start": start, "end": end}
        elif label and run is not None:
            run["tokens"].append(k)
            run["end"] = end
        elif not label and run is not None:
            spans.append(run)
            run = None
    return [{"text": model.tokenizer.decode([ids[k] for k in s["tokens"]]),
             "confidence": float(top[s["tokens"]].mean()),
             "severity": s["severity"], "start": s["start"], "end": s["end"]}
            for s in spans]


def mt_tokens(model, mt: list[str]) -> tuple[list[list[int]], list[list[tuple[int, int]]]]:
    """The MT's token ids and character offsets, as unbabel-comet gets them.

    transformers 5 rebuilds XLM-R's tokenizer pipeline (it splits on whitespace before the
    Metaspace), so a token's offsets leave out the space before it; unbabel-comet (transformers
    4) reads the encoder's ``tokenizer.json`` as it is, whose offsets take the space in. That
    file, read by ``tokenizers`` itself, gives the reference offsets; without one the
    tokenizer's own are used."""
    limit = model.max_positions - 2
    raw = model.raw_tokenizer
    if raw is None:
        enc = model.tokenizer(mt, truncation=True, max_length=limit,
                              return_offsets_mapping=True)
        return enc["input_ids"], enc["offset_mapping"]
    ids, offsets = [], []
    for e in raw.encode_batch(mt, add_special_tokens=True):
        i, o = list(e.ids), list(e.offsets)
        if len(i) > limit:  # keep </s>, as truncation does
            i, o = i[:limit - 1] + i[-1:], o[:limit - 1] + o[-1:]
        ids.append(i)
        offsets.append(o)
    return ids, offsets


def score(model, mt: list[str], src: list[str], ref: list[str] | None, label: str,
          run_batches: Callable) -> tuple[list[float], list[list[dict]]]:
    """Segment scores and error spans of an xCOMET ``model`` (``comet.CometModel``);
    ``run_batches``: ``runner.run_batches``."""
    mt_ids, mt_offsets = mt_tokens(model, mt)
    tok = {"mt": mt_ids, "src": model.tokenize(src)}
    if ref is not None:
        tok["ref"] = model.tokenize(ref)
        combos = [("mt", "src"), ("mt", "ref"), ("mt", "src", "ref")]
    else:
        combos = [("mt", "src")]

    def forward(ids: torch.Tensor, mask: torch.Tensor) -> list:
        layers = model.layers(ids, mask)
        scores = model.estimate(model.mix_layers(layers, mask)[:, 0, :]).cpu()
        probs = torch.softmax(model.tagger(layers[model.word_layer].float()), dim=2).cpu()
        return list(zip(scores, probs))

    n = len(mt)
    regression = torch.zeros(n)
    probs: list[torch.Tensor] = [torch.zeros(0)] * n
    for c, combo in enumerate(combos):
        seqs = [model.join([tok[k][i] for k in combo]) for i in range(n)]
        out = run_batches(seqs, model.tokenizer.pad_token_id, model.device, forward, label)
        weight = SCORE_WEIGHTS[c] if len(combos) > 1 else sum(SCORE_WEIGHTS[:3])
        regression += torch.stack([s for s, _ in out]).clamp(max=1.0) * weight
        for i, (_, p) in enumerate(out):
            p = p[:len(tok["mt"][i])]
            if len(combos) > 1:
                p = p * INPUT_WEIGHTS[c]
                probs[i] = p if c == 0 else probs[i] + p
            else:
                probs[i] = p
    spans = [decode(model, probs[i], mt_ids[i], mt_offsets[i]) for i in range(n)]
    scores = [float(r) + mqm(s) * SCORE_WEIGHTS[3] for r, s in zip(regression.tolist(), spans)]
    return scores, spans
