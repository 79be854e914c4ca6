"""COMET and CometKiwi from Unbabel's checkpoint format, on transformers 5.

A checkpoint is ``checkpoints/model.ckpt`` (a PyTorch Lightning file: ``state_dict`` and
``hyper_parameters``) and ``hparams.yaml``; ``class_identifier`` says which model:

* ``regression_metric`` (COMET-22 and friends): src, mt and ref are encoded separately by
  the XLM-R encoder; the layers are mixed by a learned scalar mix (``LayerwiseAttention``:
  softmax or sparsemax weights, optional masked layer norm, a gamma); tokens are pooled
  (avg, max, cls or the last layer's CLS); the feed-forward estimator reads
  ``[mt, ref, mt*ref, |mt-ref|, mt*src, |mt-src|]``.
* ``unified_metric`` (CometKiwi): one sequence
  ``<s> mt </s></s> src </s>`` (and ``... </s></s> ref </s>``), each part tokenized and
  truncated on its own first; the mixed layers' CLS embedding goes to the estimator.
  With both src and ref among the model's ``input_segments`` the score is the mean over
  mt+src, mt+ref and mt+src+ref, as unbabel-comet does.
* ``xcomet_metric`` (xCOMET): the unified model plus a tag head on one encoder layer that
  marks MT tokens as minor/major/critical errors; see ``mtreview.metrics.neural.xcomet``.

Sentence embeddings (regression models) do not depend on the side a text is on, so each
distinct text is encoded once, and kept for the next system of the same report.
"""

from __future__ import annotations

from typing import Any, cast

import torch

from mtreview.errors import UserError
from mtreview.metrics.neural import resolve

SUPPORTED = ("regression_metric", "unified_metric", "xcomet_metric")


def sparsemax(z: torch.Tensor) -> torch.Tensor:
    """Sparsemax over a 1-d tensor (Martins & Astudillo, 2016)."""
    s, _ = torch.sort(z, descending=True)
    cum = s.cumsum(0) - 1
    k = torch.arange(1, len(z) + 1, dtype=z.dtype, device=z.device)
    support = (s * k) > cum
    kk = int(support.sum())
    tau = cum[kk - 1] / kk
    return torch.clamp(z - tau, min=0)


class CometModel:
    """A loaded COMET-family checkpoint; ``score(mt, src, ref)`` gives segment scores."""

    def __init__(self, ckpt: resolve.Checkpoint, device: str, dtype: torch.dtype):
        import transformers
        import yaml
        from transformers import AutoTokenizer

        data = torch.load(ckpt.weights, map_location="cpu", weights_only=False)
        hp = dict(data.get("hyper_parameters") or {})
        try:
            hp = {**yaml.safe_load((ckpt.path / "hparams.yaml").read_text("utf-8")), **hp}
        except (OSError, yaml.YAMLError, TypeError) as e:
            raise UserError(f"{ckpt.path / 'hparams.yaml'}: {e}") from None
        self.kind = hp.get("class_identifier")
        if self.kind not in SUPPORTED or (hp.get("word_level_training")
                                          and self.kind != "xcomet_metric"):
            # a unified_metric trained with error spans (not xCOMET) predicts like neither
            what = "word-level (error span)" if self.kind in SUPPORTED else repr(self.kind)
            raise UserError(f"{ckpt.path}: COMET model class {what} is not supported "
                            f"(supported: {', '.join(SUPPORTED)}; error spans: xcomet_metric)")
        if hp.get("encoder_model", "XLM-RoBERTa") not in ("XLM-RoBERTa", "XLM-RoBERTa-XL"):
            raise UserError(f"{ckpt.path}: encoder {hp.get('encoder_model')!r} is not supported")
        enc = resolve.encoder_dir(str(hp.get("pretrained_model", "xlm-roberta-large")),
                                  ckpt.path)
        self.hp, self.device, self.dtype = hp, device, dtype
        self.tokenizer = AutoTokenizer.from_pretrained(str(enc))
        self.raw_tokenizer = None  # tokenizer.json as written (xCOMET's span offsets)
        if self.kind == "xcomet_metric" and (enc / "tokenizer.json").is_file():
            from tokenizers import Tokenizer
            self.raw_tokenizer = Tokenizer.from_file(str(enc / "tokenizer.json"))
            self.raw_tokenizer.no_truncation()
            self.raw_tokenizer.no_padding()
        arch = "XLMRobertaXL" if hp.get("encoder_model") == "XLM-RoBERTa-XL" else "XLMRoberta"
        config = getattr(transformers, f"{arch}Config").from_pretrained(str(enc))
        sd = data["state_dict"]
        # Any: transformers types PreTrainedModel.to() through a decorator mypy misreads
        self.encoder: Any = cast(Any, getattr(transformers, f"{arch}Model")(
            config, add_pooling_layer=False))
        prefix = "encoder.model."
        enc_sd = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
        missing, _ = self.encoder.load_state_dict(enc_sd, strict=False)
        missing = [k for k in missing if "position_ids" not in k]
        if missing:
            raise UserError(f"{ckpt.weights}: encoder weights missing ({missing[0]}, …)")
        self.encoder.to(device=device, dtype=dtype).eval()
        self.max_positions = config.max_position_embeddings - 2
        self.layer = cast("int | str", hp.get("sent_layer", hp.get("layer", "mix")))
        self.mix = None
        if self.layer == "mix":
            n = config.num_hidden_layers + 1
            w = torch.cat([sd[f"layerwise_attention.scalar_parameters.{i}"] for i in range(n)])
            transform = hp.get("layer_transformation", "softmax")
            w = sparsemax(w.float()) if transform == "sparsemax" else torch.softmax(w.float(), 0)
            self.mix = (w.to(device), sd["layerwise_attention.gamma"].float().to(device),
                        bool(hp.get("layer_norm", False)))
        self.estimator = self._feed_forward(sd, "estimator.ff.", hp).to(device).eval()
        self.pool = hp.get("pool", "avg")
        self.segments = list(hp.get("input_segments", ["mt", "src", "ref"]))
        self.needs_reference = self.kind == "regression_metric"
        self.tagger: torch.nn.Module | None = None
        self.spans: dict[tuple[str, str, str | None], list[dict]] = {}  # xCOMET's, by texts
        if self.kind == "xcomet_metric":
            from mtreview.metrics.neural import xcomet
            self.segments = ["mt", "src", "ref"]  # as XCOMETMetric sets it, whatever hparams say
            self.tagger, self.word_layer = xcomet.tag_head(ckpt, sd, hp, config)
            self.tagger.to(device).eval()
        self.cache: dict[str, torch.Tensor] = {}

    @staticmethod
    def _feed_forward(sd: dict[str, Any], prefix: str, hp: dict[str, Any]) -> torch.nn.Module:
        idx = sorted({int(k[len(prefix):].split(".")[0]) for k in sd if k.startswith(prefix)})
        act = str(hp.get("activations", "Tanh")).title()
        final = hp.get("final_activation")
        mods: list[torch.nn.Module] = []
        for j, i in enumerate(idx):
            w, b = sd[f"{prefix}{i}.weight"], sd[f"{prefix}{i}.bias"]
            lin = torch.nn.Linear(w.shape[1], w.shape[0])
            lin.load_state_dict({"weight": w.float(), "bias": b.float()})
            mods.append(lin)
            if j < len(idx) - 1:
                mods.append(getattr(torch.nn, act)())
        if final:
            mods.append(getattr(torch.nn, str(final).title())())
        return torch.nn.Sequential(*mods)

    # -- encoding -----------------------------------------------------------------------
    def tokenize(self, texts: list[str]) -> list[list[int]]:
        return self.tokenizer(texts, truncation=True, max_length=self.max_positions - 2,
                              add_special_tokens=True)["input_ids"]

    def embed(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mixed (or chosen) layer, float32, [batch, length, hidden]."""
        return self.mix_layers(self.layers(ids, mask), mask)

    def layers(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The encoder's hidden states: embeddings, then each layer's output."""
        out = self.encoder(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        return tuple(out.hidden_states)

    def mix_layers(self, layers: tuple[torch.Tensor, ...], mask: torch.Tensor) -> torch.Tensor:
        """``layers`` mixed by the learned scalar mix (or the chosen one), float32."""
        if self.mix is None:
            return layers[int(self.layer)].float()
        weights, gamma, norm = self.mix
        maskf = mask.float()
        bmask = maskf.unsqueeze(-1)
        total = None
        for k, t in enumerate(layers):
            t = t.float()
            if norm:
                b, _, d = t.shape
                count = maskf.sum(1) * d
                tm = t * bmask
                mean = (tm.view(b, -1).sum(1) / count).view(b, 1, 1)
                var = (((tm - mean) * bmask) ** 2).view(b, -1).sum(1) / count
                t = (t - mean) / torch.sqrt(var + 1e-12).view(b, 1, 1)
            piece = weights[k] * t
            total = piece if total is None else total + piece
        return gamma * total

    def sentence(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        emb = self.embed(ids, mask)
        pad = ids.eq(self.tokenizer.pad_token_id).unsqueeze(-1)
        if self.pool == "avg":
            return emb.masked_fill(pad, 0.0).sum(1) / mask.unsqueeze(-1).float().sum(1)
        if self.pool == "max":
            return emb.masked_fill(pad, float("-inf")).max(dim=1)[0]
        if self.pool == "cls":
            return emb[:, 0, :]
        if self.pool == "default":
            out = self.encoder(input_ids=ids, attention_mask=mask)
            return out.last_hidden_state[:, 0, :].float()
        raise UserError(f"COMET pooling {self.pool!r} is not supported")

    def join(self, parts: list[list[int]]) -> list[int]:
        """unbabel-comet's concat_sequences for one row: <s> a </s></s> b </s> ..."""
        bos, eos = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        seq = list(parts[0])
        for p in parts[1:]:
            seq = [bos] + seq[1:-1] + [eos, eos] + p[1:-1] + [eos]
        special = 1 + len(parts) * 2
        if sum(len(p) - 2 for p in parts) > self.max_positions - special:
            seq = seq[: self.max_positions]
        return seq

    def estimate(self, features: torch.Tensor) -> torch.Tensor:
        return self.estimator(features.float()).view(-1)
