"""The Transformers engine: ``Translator`` runs a Hugging Face seq2seq model's ``generate()``.

Use::

    from mtreview.translate.cards import resolve_model
    from mtreview.translate.engine import Translator
    from mtreview.translate.settings import Settings

    spec = resolve_model("models/my-model")          # or a card name, or a cached hub id
    translator = Translator.load(spec, Settings.resolve(spec, device="cpu", beams=4))
    english = translator.translate(["جملة عربية"])   # list[str], input order

How it is fast: the batch loop of ``mtreview.translate.batching`` (sources tokenized once,
sorted by length, cut by a token budget, identical sources translated once); ``generate()``
runs under ``torch.inference_mode()`` with an explicit ``GenerationConfig`` (transformers 5
ignores generation settings left in a model's config); each batch may generate at most
``max_len_a * longest source + max_len_b`` new tokens (capped by ``max_new_tokens``), so a
degenerate repetition cannot run away; bf16 on CUDA; on CPU ``torch.set_flush_denormal(True)``,
every available core, and optional dynamic int8 quantisation of the Linear layers
(``quantize="int8"``). ``cache="static"`` pads every batch to one shape (the longest source,
rounded up to 8 tokens, and as many rows as the token budget allows) and asks ``generate()``
for a static KV cache, which transformers compiles on CUDA: the compiled decoder step is
reused by every batch. A batch that runs out of GPU memory is split in two and retried.

Debugging: when ``MTREVIEW_TRANSLATE_LOG`` names a file, every batch appends one JSON line
(segment ids, the GenerationConfig token ids given to ``generate()``, the first and last
source token ids and the first generated ids of each row); the tests use it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtreview.errors import UserError
from mtreview.translate.batching import (
    BatchTranslator,
    auto_threads,
    generation_cap,
    make_batches,
    static_shape,
)
from mtreview.translate.cards import ModelSpec
from mtreview.translate.families import get_family
from mtreview.translate.settings import Settings

LOG_ENV = "MTREVIEW_TRANSLATE_LOG"
LOAD_ERRORS = (OSError, ValueError, KeyError, TypeError, AssertionError, AttributeError,
               ImportError, RuntimeError)


def load_tokenizer(spec: ModelSpec) -> Any:
    """The model's tokenizer, set up for its family's languages (offline)."""
    from transformers import AutoTokenizer

    family = get_family(spec.family)
    tokenizer = AutoTokenizer.from_pretrained(str(spec.path), local_files_only=True,
                                              **family.tokenizer_kwargs(spec.src, spec.tgt))
    family.check_codes(tokenizer, spec.src, spec.tgt)
    family.prepare_tokenizer(tokenizer, spec.src, spec.tgt)
    return tokenizer


def load_model(spec: ModelSpec, dtype: str = "float32") -> tuple[Any, Any]:
    """(model in eval mode, tokenizer); a directory that fails to load is a UserError."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    import transformers
    from safetensors import SafetensorError
    from transformers import AutoModelForSeq2SeqLM

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    try:
        tokenizer = load_tokenizer(spec)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            str(spec.path), local_files_only=True, dtype=getattr(torch, dtype))
    except (*LOAD_ERRORS, SafetensorError) as e:  # a broken directory fails many ways
        if isinstance(e, UserError):
            raise
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"cannot load model {spec.ref}: {first}") from None
    model.eval()
    return model, tokenizer


@dataclass
class Translator(BatchTranslator):
    """A loaded model + tokenizer + generation config, ready to translate texts."""

    spec: ModelSpec
    settings: Settings
    model: Any
    tokenizer: Any
    generation_config: Any
    max_source_tokens: int
    prefix: str = ""
    log_path: str | None = field(default=None)

    @classmethod
    def load(cls, spec: ModelSpec, settings: Settings) -> Translator:
        import torch

        if settings.device == "cpu":
            torch.set_flush_denormal(True)
            torch.set_num_threads(settings.threads or auto_threads())
        model, tokenizer = load_model(spec, settings.dtype)
        if settings.quantize == "int8":
            with warnings.catch_warnings():  # torch.ao announces its move to torchao
                warnings.simplefilter("ignore", (DeprecationWarning, UserWarning))
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8)
        model.to(settings.device)
        gen = build_generation_config(model, tokenizer, spec, settings)
        limit = int(getattr(model.config, "max_position_embeddings", 0) or 512)
        family = get_family(spec.family)
        return cls(spec, settings, model, tokenizer, gen, limit,
                   prefix=family.source_prefix(tokenizer, spec.src, spec.tgt),
                   log_path=os.environ.get(LOG_ENV) or None)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        enc = self.tokenizer([self.prefix + t for t in texts], truncation=True,
                             max_length=self.max_source_tokens)
        return [list(ids) for ids in enc["input_ids"]]

    def plan(self, lengths: Sequence[int]) -> tuple[list[list[int]], tuple[int, int] | None]:
        s = self.settings
        if s.cache != "static":
            return make_batches(lengths, s.batch_tokens, s.beams), None
        shape = static_shape(lengths, s.batch_tokens, s.beams)
        return make_batches(lengths, shape[0] * shape[1] * s.beams, s.beams,
                            width=shape[1]), shape

    def run_batch(self, batch: list[int], ids: list[list[int]], members: list[list[int]],
                  keys: Sequence[Any] | None, shape: tuple[int, int] | None
                  ) -> Iterator[tuple[list[int], list[str], int]]:
        """(part of ``batch``, translations, target tokens): the whole batch, or its halves
        (recursively) when it runs out of GPU memory."""
        import torch

        try:
            outputs, n_tokens = self._generate([ids[j] for j in batch],
                                               [members[j] for j in batch], keys, shape)
        except torch.OutOfMemoryError:
            if len(batch) == 1:
                raise UserError("out of GPU memory on a single sentence: use fewer --beams, "
                                "a smaller --max-new-tokens or --device cpu") from None
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            half = (len(batch) + 1) // 2
            smaller = None if shape is None else (half, shape[1])
            yield from self.run_batch(batch[:half], ids, members, keys, smaller)
            yield from self.run_batch(batch[half:], ids, members, keys, smaller)
            return
        yield batch, outputs, n_tokens

    def _generate(self, rows: list[list[int]], members: list[list[int]],
                  keys: Sequence[Any] | None, shape: tuple[int, int] | None = None
                  ) -> tuple[list[str], int]:
        """Translate one batch. ``shape``: (rows, width) to pad it to (the static cache
        mode: every batch has one shape, so a compiled decoder step is reused); the extra
        rows repeat the first and their outputs are dropped."""
        import torch

        pad = self.tokenizer.pad_token_id
        width = max(len(r) for r in rows)
        n_rows, n_cols = shape if shape is not None else (len(rows), width)
        input_ids = torch.full((n_rows, n_cols), pad, dtype=torch.long)
        mask = torch.zeros((n_rows, n_cols), dtype=torch.long)
        for k in range(n_rows):
            r = rows[k] if k < len(rows) else rows[0]
            input_ids[k, :len(r)] = torch.tensor(r)
            mask[k, :len(r)] = 1
        s = self.settings
        cap = generation_cap(s, width)
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids.to(s.device), attention_mask=mask.to(s.device),
                generation_config=self.generation_config, max_new_tokens=cap)
        out = out[:len(rows)].cpu()
        texts = [t.replace("\n", " ").strip()
                 for t in self.tokenizer.batch_decode(out, skip_special_tokens=True)]
        n_tokens = int(((out != pad) & (out != self.generation_config.eos_token_id)).sum())
        g = self.generation_config
        self.log_batch({
            "max_new_tokens": cap, "num_beams": g.num_beams,
            "forced_bos_token_id": g.forced_bos_token_id,
            "decoder_start_token_id": g.decoder_start_token_id,
            "source_first": [r[0] for r in rows], "source_last": [r[-1] for r in rows],
            "output_prefix": [row[:3].tolist() for row in out],
            "shape": list(shape) if shape is not None else None,
            "steps": int(out.shape[1]),
        }, members, keys)
        return texts, n_tokens


def build_generation_config(model: Any, tokenizer: Any, spec: ModelSpec, s: Settings) -> Any:
    """An explicit GenerationConfig: token ids from the model, the rest from Settings."""
    from transformers import GenerationConfig

    mg = model.generation_config
    cfg = model.config
    decoder_start = mg.decoder_start_token_id
    if decoder_start is None:
        decoder_start = getattr(cfg, "decoder_start_token_id", None)
    eos = mg.eos_token_id if mg.eos_token_id is not None else tokenizer.eos_token_id
    kwargs: dict[str, Any] = {
        "num_beams": s.beams, "do_sample": False, "max_new_tokens": s.max_new_tokens,
        "min_new_tokens": s.min_new_tokens or None, "length_penalty": s.length_penalty,
        "early_stopping": s.beams > 1, "no_repeat_ngram_size": s.no_repeat_ngram_size or None,
        "cache_implementation": "static" if s.cache == "static" else None,
        "repetition_penalty": s.repetition_penalty if s.repetition_penalty != 1.0 else None,
        "decoder_start_token_id": decoder_start, "eos_token_id": eos,
        "pad_token_id": tokenizer.pad_token_id, "bos_token_id": mg.bos_token_id,
        "forced_eos_token_id": mg.forced_eos_token_id,
        "bad_words_ids": [[tokenizer.pad_token_id]] if spec.family == "marian" else None,
    }
    kwargs.update(get_family(spec.family).generation_ids(tokenizer, spec.src, spec.tgt))
    return GenerationConfig(**{k: v for k, v in kwargs.items() if v is not None})
