"""The CTranslate2 engine (``mtreview translate --engine ctranslate2``).

A model directory is converted once into CTranslate2's format and the result is cached;
``CT2Translator`` then translates with ``ctranslate2.Translator`` in the batch loop every
engine shares (``mtreview.translate.batching.BatchTranslator``): the same sources, batches,
length limits, resumption, progress and batch log as the Transformers engine.

Conversion uses CTranslate2's own converter machinery (``ctranslate2.converters``, its
loaders for Marian, M2M100/NLLB-200 and mBART) with two changes that make the converted
model the same function of token ids as the Hugging Face one, for every family mtreview
supports:

* the vocabulary is the tokenizer's tokens in id order, padded to the model's embedding
  rows with unused placeholders, so a token id means the same thing on both sides (the
  stock Marian loader assumes ``<pad>`` is the last token and drops it, which breaks models
  whose ``<pad>`` is not last, e.g. mtreview's bundled model);
* the decoder starts from the model's own ``decoder_start_token_id`` (Marian: ``<pad>``,
  whose embedding the stock loader replaces with zeros; the same for OPUS-MT, not for every
  Marian model).

Weights are stored as they are loaded (float32) and quantised when the model is loaded:
``compute_type`` int8 on the CPU by default (``--quantize none``: float32). On the CPU the
translator has one worker per thread (``inter_threads``, one thread each) and batches are
submitted ahead (``BatchTranslator.start_batch``), so batches run side by side and come back
in order: on two cores 1.8x the throughput of both threads on one batch.

Cache: ``$XDG_CACHE_HOME/mtreview/ct2/<family>-<weights sha256[:16]>-ct2-<version>/``
(``~/.cache/mtreview/...`` by default): keyed by the weights hash, so a changed model is
converted again and an unchanged one under another path is not. A conversion is written to a
temporary directory and renamed into place, so an interrupted one leaves nothing behind.

ctranslate2 and torch are imported inside the functions that need them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtreview.errors import UserError
from mtreview.translate.batching import BatchTranslator, auto_threads, generation_cap
from mtreview.translate.cards import ModelSpec
from mtreview.translate.families import get_family
from mtreview.translate.settings import Settings

CONVERTER_REVISION = 1  # bump when the conversion changes: converted models are redone
META_FILE = "mtreview.json"


def version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def cache_dir(spec: ModelSpec, weights: str) -> Path:
    from mtreview.paths import cache_home

    return (cache_home() / "ct2" /
            f"{spec.family}-{weights[:16]}-ct2-{version()}-r{CONVERTER_REVISION}")


# -- conversion -------------------------------------------------------------------------
def vocabulary(tokenizer: Any, size: int) -> list[str]:
    """The tokenizer's tokens in id order, ``size`` of them; ids the tokenizer does not
    name (or names twice) get unused placeholders, so ids mean the same on both sides."""
    tokens: list[str] = []
    seen: set[str] = set()
    for i in range(size):
        tok = tokenizer.convert_ids_to_tokens(i)
        if not isinstance(tok, str) or tok in seen:
            tok = f"<mtreview_unused_{i}>"
        seen.add(tok)
        tokens.append(tok)
    return tokens


def _loader(family: str) -> Any:
    """A CTranslate2 loader for ``family`` with mtreview's vocabulary and decoder start."""
    from ctranslate2.converters import transformers as ct2t

    base = {"marian": ct2t.MarianMTLoader, "nllb": ct2t.M2M100Loader,
            "m2m100": ct2t.M2M100Loader, "mbart50": ct2t.MBartLoader}.get(family)
    if base is None:
        raise UserError(f"--engine ctranslate2 does not support the {family} family")

    class Loader(base):  # type: ignore[misc, valid-type]
        def get_model_spec(self, model: Any) -> Any:
            if family == "marian":  # the stock loader also drops the last (pad) row
                model.config.normalize_before = False
                model.config.normalize_embedding = False
                return ct2t.BartLoader.get_model_spec(self, model)
            if family == "mbart50":  # pre-norm with an embedding layer norm, as mBART is;
                model.config.normalize_before = True  # transformers 5's MBartConfig no
                model.config.normalize_embedding = True  # longer names the two
            return super().get_model_spec(model)

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            if family == "marian":  # start from the real <pad> embedding, as transformers
                ct2t.BartLoader.set_decoder(self, spec, decoder)
            else:
                super().set_decoder(spec, decoder)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            super().set_config(config, model, tokenizer)
            ids = tokenizer.convert_ids_to_tokens
            config.decoder_start_token = ids(model.config.decoder_start_token_id)
            for name in ("bos", "eos", "unk"):  # a tokenizer may leave one unnamed
                if getattr(config, f"{name}_token", "") is None:
                    tid = getattr(model.config, f"{name}_token_id", None)
                    setattr(config, f"{name}_token",
                            ids(tid) if tid is not None else tokenizer.eos_token)

        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            return vocabulary(tokenizer, model.get_input_embeddings().num_embeddings)

    return Loader()


def convert(spec: ModelSpec, weights: str) -> Path:
    """The converted model directory of ``spec`` (converted now unless cached)."""
    out = cache_dir(spec, weights)
    if (out / META_FILE).is_file():
        return out
    import ctranslate2.converters
    import torch

    from mtreview.translate.engine import load_model

    model, tokenizer = load_model(spec)
    loader = _loader(spec.family)

    class Converter(ctranslate2.converters.Converter):
        def _load(self) -> Any:
            with torch.no_grad():
                return loader(model, tokenizer)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
    try:
        Converter().convert(str(tmp), force=True)
        gen = model.generation_config
        meta = {"family": spec.family, "weights_sha256": weights, "ctranslate2": version(),
                "converter_revision": CONVERTER_REVISION, "source": str(spec.path),
                "vocabulary_size": model.get_input_embeddings().num_embeddings,
                "forced_eos_token_id": gen.forced_eos_token_id,
                "max_position_embeddings": int(
                    getattr(model.config, "max_position_embeddings", 0) or 512)}
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        try:
            tmp.rename(out)
        except OSError:  # converted meanwhile by another run: keep that one
            if not (out / META_FILE).is_file():
                raise
    except (ValueError, NotImplementedError, KeyError, AttributeError) as e:
        raise UserError(f"cannot convert {spec.ref} for CTranslate2: {e}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# -- the translator ---------------------------------------------------------------------
@dataclass
class CT2Translator(BatchTranslator):
    """A converted model (``ctranslate2.Translator``) and the Hugging Face tokenizer."""

    spec: ModelSpec
    settings: Settings
    translator: Any
    tokenizer: Any
    tokens: list[str]  # the converted model's vocabulary: id -> token
    meta: dict[str, Any]
    prefix: str = ""
    target_prefix: list[str] = field(default_factory=list)
    suppress: list[list[str]] = field(default_factory=list)
    log_path: str | None = None
    parallel: int = 1  # batches submitted at once (the translator's inter_threads)

    @classmethod
    def load(cls, spec: ModelSpec, settings: Settings, weights: str) -> CT2Translator:
        import ctranslate2

        from mtreview.translate.engine import LOG_ENV, load_tokenizer

        path = convert(spec, weights)
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        device, _, index = settings.device.partition(":")
        # CPU: one batch per core, each on one thread (batches run side by side: 1.8x the
        # throughput of two threads on one batch, FLORES beam 4 on 2 cores); GPU: one stream
        workers = max(1, settings.threads or auto_threads()) if device == "cpu" else 1
        translator = ctranslate2.Translator(
            str(path), device=device, device_index=int(index or 0),
            compute_type=settings.compute_type, intra_threads=1 if device == "cpu" else 0,
            inter_threads=workers)
        tokenizer = load_tokenizer(spec)
        family = get_family(spec.family)
        tokens = vocabulary(tokenizer, int(meta["vocabulary_size"]))
        forced = family.generation_ids(tokenizer, spec.src, spec.tgt).get("forced_bos_token_id")
        return cls(spec, settings, translator, tokenizer, tokens, meta,
                   prefix=family.source_prefix(tokenizer, spec.src, spec.tgt),
                   target_prefix=[tokens[forced]] if forced is not None else [],
                   suppress=([[tokens[tokenizer.pad_token_id]]] if spec.family == "marian"
                             else []),
                   log_path=os.environ.get(LOG_ENV) or None, parallel=workers)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        enc = self.tokenizer([self.prefix + t for t in texts], truncation=True,
                             max_length=int(self.meta["max_position_embeddings"]))
        return [list(ids) for ids in enc["input_ids"]]

    def run_batch(self, batch: list[int], ids: list[list[int]], members: list[list[int]],
                  keys: Sequence[Any] | None, shape: tuple[int, int] | None
                  ) -> Iterator[tuple[list[int], list[str], int]]:
        yield from self.start_batch(batch, ids, members, keys, shape)()

    def start_batch(self, batch: list[int], ids: list[list[int]], members: list[list[int]],
                    keys: Sequence[Any] | None, shape: tuple[int, int] | None
                    ) -> Callable[[], Iterator[tuple[list[int], list[str], int]]]:
        """Submit the batch to the translator's workers now; the function returned waits
        for its results."""
        rows = [ids[j] for j in batch]
        s = self.settings
        cap = generation_cap(s, max(len(r) for r in rows))
        # transformers forces </s> as the last of its ``cap`` tokens; CTranslate2 stops
        # at its limit without one: one token fewer gives the same text
        limit = cap - 1 if self.meta.get("forced_eos_token_id") is not None else cap
        results = self.translator.translate_batch(
            [[self.tokens[i] for i in r] for r in rows],
            target_prefix=[self.target_prefix] * len(rows) if self.target_prefix else None,
            beam_size=s.beams, length_penalty=s.length_penalty,
            repetition_penalty=s.repetition_penalty,
            no_repeat_ngram_size=s.no_repeat_ngram_size,
            max_decoding_length=limit, min_decoding_length=s.min_new_tokens,
            suppress_sequences=self.suppress or None, max_input_length=0,
            return_scores=False, asynchronous=True)
        return lambda: self._finish(batch, rows, [r.result() for r in results], members, keys,
                                    cap)

    def _finish(self, batch: list[int], rows: list[list[int]], results: list[Any],
                members: list[list[int]], keys: Sequence[Any] | None, cap: int
                ) -> Iterator[tuple[list[int], list[str], int]]:
        """The translations of a batch whose results have come."""
        index = self._index()
        out_ids = [[index[t] for t in r.hypotheses[0]] for r in results]
        texts = [t.replace("\n", " ").strip()
                 for t in self.tokenizer.batch_decode(out_ids, skip_special_tokens=True)]
        n_tokens = sum(len(o) for o in out_ids)
        self.log_batch({"max_new_tokens": cap, "num_beams": self.settings.beams,
                        "target_prefix": self.target_prefix,
                        "source_first": [r[0] for r in rows],
                        "source_last": [r[-1] for r in rows],
                        "output_prefix": [o[:3] for o in out_ids],
                        "steps": max((len(o) for o in out_ids), default=0)},
                       [members[j] for j in batch], keys)
        yield batch, texts, n_tokens

    def _index(self) -> dict[str, int]:
        if not hasattr(self, "_token_ids"):
            self._token_ids = {t: i for i, t in enumerate(self.tokens)}
        return self._token_ids
