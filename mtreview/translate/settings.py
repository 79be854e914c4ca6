"""How a model is run: ``Settings`` (engine, device, precision, generation parameters,
batching), resolved from the user's choices, the model card and defaults.

``Settings.output_params()`` are the parameters that change the translations: they enter
the fingerprint kept in a system's provenance (see ``mtreview.translate.run``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mtreview.errors import UserError
from mtreview.translate.batching import auto_threads, resolve_device, resolve_dtype
from mtreview.translate.cards import ModelSpec

ENGINES = ("transformers", "ctranslate2")
QUANTIZE = ("none", "int8")
CACHES = ("dynamic", "static")
# On CUDA bigger batches pay (a 24M Marian on an H100: 65536 tokens 3.5x faster than 16384);
# a batch that runs out of GPU memory is split in two and retried.
CUDA_BATCH_TOKENS = 65536
CPU_BATCH_TOKENS = 4096


@dataclass(frozen=True)
class Settings:
    """Everything that decides how a model is run. ``output_params`` decide the text."""

    device: str = "cpu"  # "cpu", "cuda" or "cuda:N" (resolved, never "auto")
    dtype: str = "float32"  # resolved, never "auto"
    beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    batch_tokens: int = CPU_BATCH_TOKENS
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    max_len_a: float = 2.0
    max_len_b: int = 16
    quantize: str = "none"
    threads: int = 0  # CPU threads; 0: auto (the cores not already busy)
    cache: str = "dynamic"  # "static": fixed-shape batches and a static KV cache
    engine: str = "transformers"
    compute_type: str = ""  # ctranslate2 only: int8, float32, int8_float16, ...

    @classmethod
    def resolve(cls, spec: ModelSpec, *, device: str = "auto", dtype: str = "auto",
                beams: int | None = None, max_new_tokens: int | None = None,
                batch_tokens: int | None = None, quantize: str | None = None,
                threads: int | None = None, cache: str | None = None,
                engine: str = "transformers") -> Settings:
        """Validate user choices; fill the rest from the model card, then defaults."""
        if engine not in ENGINES:
            raise UserError(f"invalid --engine {engine!r} (choose from {', '.join(ENGINES)})")
        ct2 = engine == "ctranslate2"
        if ct2:
            dev = resolve_device(device, _ct2_cuda_available())
        else:
            dev = resolve_device(device)
        dt = resolve_dtype(dtype, dev)
        card = dict(spec.generation)
        card_q = card.pop("cpu_quantize", "none")
        card_cache = card.pop("cuda_cache", "dynamic")
        if ct2:  # int8 on the CPU unless asked otherwise
            q = quantize or ("int8" if dev == "cpu" else "none")
        else:
            q = quantize or (card_q if dev == "cpu" and dt == "float32" else "none")
        if q not in QUANTIZE:
            raise UserError(f"invalid --quantize {quantize!r} (choose from {', '.join(QUANTIZE)})")
        if q == "int8" and not ct2 and (not dev.startswith("cpu") or dt != "float32"):
            raise UserError("--quantize int8 needs --device cpu and float32")
        if ct2 and cache == "static":
            raise UserError("--cache static is for --engine transformers only")
        card["cache"] = cache = cache or (card_cache if dev.startswith("cuda") and not ct2
                                          else "dynamic")
        if cache not in CACHES:
            raise UserError(f"invalid --cache {cache!r} (choose from {', '.join(CACHES)})")
        given = {"beams": beams, "max_new_tokens": max_new_tokens, "batch_tokens": batch_tokens,
                 "threads": threads if threads != 0 else None}
        for key, value in given.items():
            if value is not None and value < 1:
                raise UserError(f"--{key.replace('_', '-')} must be at least 1 (got {value})")
            if value is not None:
                card[key] = value
        card.setdefault("batch_tokens",
                        CUDA_BATCH_TOKENS if dev.startswith("cuda") else CPU_BATCH_TOKENS)
        known = {f for f in cls.__dataclass_fields__}
        card["threads"] = card.get("threads") or (auto_threads() if dev == "cpu" else 0)
        compute = _compute_type(dev, dt, q) if ct2 else ""
        return cls(device=dev, dtype=dt, quantize=q, engine=engine, compute_type=compute,
                   **{k: v for k, v in card.items() if k in known})

    def output_params(self) -> dict[str, Any]:
        """The parameters that change the translations (part of the fingerprint). For the
        Transformers engine they are what they were before engines existed, so systems
        translated then still resume."""
        d = asdict(self)
        for k in ("device", "dtype", "batch_tokens", "threads", "cache"):
            d.pop(k)
        if self.engine == "transformers":
            d.pop("engine")
            d.pop("compute_type")
        else:
            d.pop("quantize")  # part of compute_type
        return d


def _ct2_cuda_available() -> bool:
    try:
        import ctranslate2
    except ImportError:
        raise UserError("--engine ctranslate2 needs the ctranslate2 package "
                        "(pip install 'ctranslate2==4.8.*')") from None
    return bool(ctranslate2.get_cuda_device_count() > 0)


def _compute_type(device: str, dtype: str, quantize: str) -> str:
    """CTranslate2's compute type: int8 or float32 on the CPU (bfloat16 when asked); on
    CUDA the dtype, with int8 weights when --quantize int8."""
    if device == "cpu":
        return "int8" if quantize == "int8" else dtype
    return f"int8_{dtype}" if quantize == "int8" else dtype
