"""MetricX-24 (google-research/metricx) on transformers 5: an mT5 encoder-decoder read as a
regression model.

Input text, as ``metricx24/predict.py`` builds it: ``"source: " + src + " candidate: " +
mt`` and, when a reference is given (the hybrid models' reference-based mode),
``+ " reference: " + ref``; tokenized with truncation to ``max_input_length`` (1536 by
default), then the final end-of-sequence token is dropped. The decoder runs one step from
token 0; the score is the logit of token 250089 (``<extra_id_10>``), rescaled by
``d_model ** -0.5`` first when the embeddings are tied, clipped to [0, 25]. Lower is
better (0: no error).
"""

from __future__ import annotations

import json
from typing import Any

import torch

from mtreview.metrics.neural import resolve

SCORE_TOKEN = 250089
MAX_INPUT_LENGTH = 1536


class MetricXModel:
    def __init__(self, ckpt: resolve.Checkpoint, device: str, dtype: torch.dtype):
        from transformers import AutoTokenizer, MT5ForConditionalGeneration

        tok = ckpt.tokenizer or "google/mt5-xl"
        tok_path = tok if resolve.Path(tok).is_dir() else str(
            resolve.hub_snapshot(tok, None, "the MetricX tokenizer"))
        self.tokenizer = AutoTokenizer.from_pretrained(tok_path)
        # Any: transformers types PreTrainedModel.to() through a decorator mypy misreads
        model: Any = MT5ForConditionalGeneration.from_pretrained(str(ckpt.path), dtype=dtype)
        model.to(device).eval()
        self.model, self.device = model, device
        self.max_input_length = ckpt.max_input_length or MAX_INPUT_LENGTH
        row = model.lm_head.weight[SCORE_TOKEN].detach().float()
        # transformers 5 forces MT5Config.tie_word_embeddings to True; MetricX's rescaling
        # follows the value in config.json (mT5's default there: False)
        raw = json.loads((ckpt.path / "config.json").read_text(encoding="utf-8"))
        if raw.get("tie_word_embeddings", False):
            row = row * model.config.d_model ** -0.5
        self.row = row

    @staticmethod
    def text(src: str, mt: str, ref: str | None) -> str:
        out = "source: " + src + " candidate: " + mt
        return out if ref is None else out + " reference: " + ref

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        ids = self.tokenizer(texts, max_length=self.max_input_length, truncation=True,
                             padding=False)["input_ids"]
        return [x[:-1] for x in ids]

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        enc = self.model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        start = torch.zeros((ids.shape[0], 1), dtype=torch.long, device=ids.device)
        dec = self.model.decoder(input_ids=start, encoder_hidden_states=enc,
                                 encoder_attention_mask=mask, use_cache=False)
        hidden = dec.last_hidden_state[:, 0, :].float()
        return torch.clamp(hidden @ self.row, 0, 25)
