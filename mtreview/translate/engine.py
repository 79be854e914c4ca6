"""Translate a project's segments with a Hugging Face seq2seq model: fast, offline, resumable.

Public API (used by ``mtreview translate`` and by anything that needs model output)::

    from mtreview.translate.cards import resolve_model
    from mtreview.translate.engine import translate_project, Settings, Translator

    spec = resolve_model("models/my-model")          # or a card name, or a cached hub id
    result = translate_project(project, spec, name=None, device="auto", batch_tokens=None,
                               beams=None, max_new_tokens=None, dtype="auto", cache=None,
                               progress=True)
    result.system         # the System row (kind "model", provenance below)
    result.translated     # segments translated by this run (0: "up to date")

    # plain texts, no project (e.g. evaluating a freshly trained model):
    translator = Translator.load(spec, Settings.resolve(spec, device="cpu", beams=4))
    english = translator.translate(["جملة عربية"])   # list[str], input order

How it is fast: the pending segments are tokenized once, sorted by length (longest first)
and cut into batches holding at most ``batch_tokens`` padded source tokens times beams;
identical sources are translated once; ``generate()`` runs under ``torch.inference_mode()``
with an explicit ``GenerationConfig`` (transformers 5 ignores generation settings left in a
model's config); each batch may generate at most ``max_len_a * longest source + max_len_b``
new tokens (capped by ``max_new_tokens``), so a degenerate repetition cannot run away; bf16
on CUDA; on CPU ``torch.set_flush_denormal(True)``, every available core, and optional
dynamic int8 quantisation of the Linear layers (``quantize="int8"``). ``cache="static"``
pads every batch to one shape (the longest source, rounded up to 8 tokens, and as many rows
as the token budget allows) and asks ``generate()`` for a static KV cache, which transformers
compiles on CUDA: the compiled decoder step is reused by every batch.

Resumable: the system row is created first, then every batch is written in its own
transaction, so a run stopped by Ctrl-C or SIGKILL resumes with the segments still missing
and never translates a finished one again. Output-affecting settings (weights hash, family,
languages, generation parameters, quantisation) form a fingerprint kept in the provenance: a
second run with the same fingerprint only adds what is missing ("up to date" when nothing
is); a different fingerprint under the same system name is refused (``UserError``).

Provenance: model (what was asked for), path, hub id, card, family, languages,
weights_sha256, transformers and torch versions, generation parameters, device, dtype,
quantize, batch_tokens, started, finished, seconds, sentences per second.

Debugging: when ``MTREVIEW_TRANSLATE_LOG`` names a file, every batch appends one JSON line
(segment ids, the GenerationConfig token ids given to ``generate()``, the first and last
source token ids and the first generated ids of each row); the tests use it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from mtreview.errors import UserError
from mtreview.translate.cards import ModelSpec
from mtreview.translate.families import get_family

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "bfloat16", "float16")
QUANTIZE = ("none", "int8")
CACHES = ("dynamic", "static")
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")
LOG_ENV = "MTREVIEW_TRANSLATE_LOG"
MAX_BATCH_SENTENCES = 256
# On CUDA bigger batches pay (a 24M Marian on an H100: 65536 tokens 3.5x faster than 16384);
# a batch that runs out of GPU memory is split in two and retried.
CUDA_BATCH_TOKENS = 65536
LOAD_ERRORS = (OSError, ValueError, KeyError, TypeError, AssertionError, AttributeError,
               ImportError, RuntimeError)


@dataclass(frozen=True)
class Settings:
    """Everything that decides how a model is run. ``output_params`` decide the text."""

    device: str = "cpu"  # "cpu", "cuda" or "cuda:N" (resolved, never "auto")
    dtype: str = "float32"  # resolved, never "auto"
    beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    batch_tokens: int = 4096
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    max_len_a: float = 2.0
    max_len_b: int = 16
    quantize: str = "none"
    threads: int = 0  # CPU threads; 0: auto (the cores not already busy)
    cache: str = "dynamic"  # "static": fixed-shape batches and a static KV cache

    @classmethod
    def resolve(cls, spec: ModelSpec, *, device: str = "auto", dtype: str = "auto",
                beams: int | None = None, max_new_tokens: int | None = None,
                batch_tokens: int | None = None, quantize: str | None = None,
                threads: int | None = None, cache: str | None = None) -> "Settings":
        """Validate user choices; fill the rest from the model card, then defaults."""
        dev = _resolve_device(device)
        dt = _resolve_dtype(dtype, dev)
        card = dict(spec.generation)
        card_q = card.pop("cpu_quantize", "none")
        card_cache = card.pop("cuda_cache", "dynamic")
        q = quantize or (card_q if dev == "cpu" and dt == "float32" else "none")
        if q not in QUANTIZE:
            raise UserError(f"invalid --quantize {quantize!r} (choose from {', '.join(QUANTIZE)})")
        if q == "int8" and (not dev.startswith("cpu") or dt != "float32"):
            raise UserError("--quantize int8 needs --device cpu and float32")
        card["cache"] = cache = cache or (card_cache if dev.startswith("cuda") else "dynamic")
        if cache not in CACHES:
            raise UserError(f"invalid --cache {cache!r} (choose from {', '.join(CACHES)})")
        given = {"beams": beams, "max_new_tokens": max_new_tokens, "batch_tokens": batch_tokens,
                 "threads": threads if threads != 0 else None}
        for key, value in given.items():
            if value is not None and value < 1:
                raise UserError(f"--{key.replace('_', '-')} must be at least 1 (got {value})")
            if value is not None:
                card[key] = value
        card.setdefault("batch_tokens", CUDA_BATCH_TOKENS if dev.startswith("cuda") else 4096)
        known = {f for f in cls.__dataclass_fields__}
        card["threads"] = card.get("threads") or (auto_threads() if dev == "cpu" else 0)
        return cls(device=dev, dtype=dt, quantize=q,
                   **{k: v for k, v in card.items() if k in known})

    def output_params(self) -> dict[str, Any]:
        """The parameters that change the translations (part of the fingerprint)."""
        d = asdict(self)
        for k in ("device", "dtype", "batch_tokens", "threads", "cache"):
            d.pop(k)
        return d


@dataclass(frozen=True)
class RunResult:
    system: Any  # mtreview.core.types.System
    translated: int  # segments translated by this run
    total: int  # segments in the project
    seconds: float = 0.0
    target_tokens: int = 0

    @property
    def up_to_date(self) -> bool:
        return self.translated == 0


# -- settings ---------------------------------------------------------------------------
def auto_threads() -> int:
    """CPU threads for torch: every core when the machine is mostly idle (1-minute load
    average under 3/4 of the cores), else the cores not already busy.

    Torch's default (one thread per core) collapses when other processes keep the cores
    busy: its OpenMP workers wait for each other at every operation, and generation gets
    tens of times slower. On an idle machine this is every core.
    """
    cores = len(os.sched_getaffinity(0))
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    if busy < 0.75 * cores:  # mostly idle (the load may be our own earlier work): all cores
        return cores
    return max(1, min(cores, round(cores - busy)))


def _resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    base = device.split(":", 1)[0]
    if base not in ("cpu", "cuda") or (base == "cpu" and device != "cpu") or (
            ":" in device and not device.split(":", 1)[1].isdigit()):
        raise UserError(f"invalid --device {device!r} (choose from auto, cpu, cuda, cuda:N)")
    if base == "cuda" and not torch.cuda.is_available():
        raise UserError(f"--device {device}: CUDA is not available on this machine "
                        f"(torch {torch.__version__})")
    return device


def _resolve_dtype(dtype: str, device: str) -> str:
    import torch

    if dtype not in DTYPES:
        raise UserError(f"invalid --dtype {dtype!r} (choose from {', '.join(DTYPES)})")
    if dtype == "auto":
        if device.startswith("cuda"):
            return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        return "float32"
    if dtype == "float16" and device == "cpu":
        raise UserError("--dtype float16 is not supported on CPU (use float32 or bfloat16)")
    return dtype


# -- weights hash -----------------------------------------------------------------------
def weights_hash(path: Path) -> str:
    """sha256 over the weight files of a model directory (cached by path, size and mtime)."""
    from mtreview.paths import cache_home

    files = sorted(p for p in Path(path).iterdir()
                   if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))
    if not files:
        raise UserError(f"{path}: no model weights (*.safetensors or *.bin)")
    cache_file = cache_home() / "weights-sha256.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        cache = {}
    parts, changed = [], False
    for f in files:
        real = f.resolve()
        st = real.stat()
        key = f"{real}|{st.st_size}|{st.st_mtime_ns}"
        if key not in cache:
            h = hashlib.sha256()
            with open(real, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            cache[key], changed = h.hexdigest(), True
        parts.append(cache[key] if len(files) == 1 else f"{f.name}:{cache[key]}")
    if changed:
        _write_json_atomic(cache_file, cache)
    if len(parts) == 1:
        return parts[0]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _write_json_atomic(path: Path, data: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return  # a cache that cannot be written only costs a re-hash next time


# -- the translator ---------------------------------------------------------------------
@dataclass
class Translator:
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
    def load(cls, spec: ModelSpec, settings: Settings) -> "Translator":
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        import transformers
        from safetensors import SafetensorError
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        family = get_family(spec.family)
        if settings.device == "cpu":
            torch.set_flush_denormal(True)
            torch.set_num_threads(settings.threads or auto_threads())
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                str(spec.path), local_files_only=True,
                **family.tokenizer_kwargs(spec.src, spec.tgt))
            model = AutoModelForSeq2SeqLM.from_pretrained(
                str(spec.path), local_files_only=True, dtype=getattr(torch, settings.dtype))
        except (*LOAD_ERRORS, SafetensorError) as e:  # a broken directory fails many ways
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise UserError(f"cannot load model {spec.ref}: {first}") from None
        family.check_codes(tokenizer, spec.src, spec.tgt)
        family.prepare_tokenizer(tokenizer, spec.src, spec.tgt)
        model.eval()
        if settings.quantize == "int8":
            with warnings.catch_warnings():  # torch.ao announces its move to torchao
                warnings.simplefilter("ignore", (DeprecationWarning, UserWarning))
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8)
        model.to(settings.device)
        gen = build_generation_config(model, tokenizer, spec, settings)
        limit = int(getattr(model.config, "max_position_embeddings", 0) or 512)
        return cls(spec, settings, model, tokenizer, gen, limit,
                   prefix=family.source_prefix(tokenizer, spec.src, spec.tgt),
                   log_path=os.environ.get(LOG_ENV) or None)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        enc = self.tokenizer([self.prefix + t for t in texts], truncation=True,
                             max_length=self.max_source_tokens)
        return [list(ids) for ids in enc["input_ids"]]

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate texts (any order, duplicates allowed); returns them in input order."""
        out: list[str] = [""] * len(texts)
        for indices, outputs, _ in self.translate_batches(list(texts)):
            for i, text in zip(indices, outputs):
                out[i] = text
        return out

    def translate_batches(self, texts: list[str], keys: Sequence[Any] | None = None
                          ) -> Iterator[tuple[list[int], list[str], int]]:
        """Yield (indices into texts, translations, target tokens) batch by batch.

        Identical texts are translated once; empty texts give "" without the model.
        """
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            groups.setdefault(t, []).append(i)
        empty = [i for t in [t for t in groups if not t.strip()] for i in groups.pop(t)]
        if empty:
            yield empty, [""] * len(empty), 0
        unique = list(groups)
        ids = self.encode(unique)
        lengths = [len(x) for x in ids]
        s = self.settings
        shape = static_shape(lengths, s.batch_tokens, s.beams) if s.cache == "static" else None
        batches = (make_batches(lengths, s.batch_tokens, s.beams) if shape is None else
                   make_batches(lengths, shape[0] * shape[1] * s.beams, s.beams,
                                width=shape[1]))
        members = [groups[t] for t in unique]
        for batch in batches:
            for part, outputs, n_tokens in self._generate_fitting(batch, ids, members, keys,
                                                                  shape):
                indices = [i for j in part for i in members[j]]
                texts_out = [o for j, o in zip(part, outputs) for _ in members[j]]
                yield indices, texts_out, n_tokens

    def _generate_fitting(self, batch: list[int], ids: list[list[int]],
                          members: list[list[int]], keys: Sequence[Any] | None,
                          shape: tuple[int, int] | None
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
            yield from self._generate_fitting(batch[:half], ids, members, keys, smaller)
            yield from self._generate_fitting(batch[half:], ids, members, keys, smaller)
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
        cap = min(s.max_new_tokens,
                  max(s.min_new_tokens + 1, math.ceil(s.max_len_a * width) + s.max_len_b))
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids.to(s.device), attention_mask=mask.to(s.device),
                generation_config=self.generation_config, max_new_tokens=cap)
        out = out[:len(rows)].cpu()
        texts = [t.replace("\n", " ").strip()
                 for t in self.tokenizer.batch_decode(out, skip_special_tokens=True)]
        n_tokens = int(((out != pad) & (out != self.generation_config.eos_token_id)).sum())
        if self.log_path:
            self._log(rows, out, members, keys, cap, shape)
        return texts, n_tokens

    def _log(self, rows, out, members, keys, cap, shape) -> None:
        g = self.generation_config
        seg = [[(keys[i] if keys is not None else i) for i in m] for m in members]
        entry = {
            "segments": seg, "max_new_tokens": cap, "num_beams": g.num_beams,
            "forced_bos_token_id": g.forced_bos_token_id,
            "decoder_start_token_id": g.decoder_start_token_id,
            "source_first": [r[0] for r in rows], "source_last": [r[-1] for r in rows],
            "output_prefix": [row[:3].tolist() for row in out],
            "shape": list(shape) if shape is not None else None,
            "steps": int(out.shape[1]),
        }
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")


def build_generation_config(model: Any, tokenizer: Any, spec: ModelSpec, s: Settings) -> Any:
    """An explicit GenerationConfig: token ids from the model, the rest from Settings."""
    from transformers import GenerationConfig

    mg = model.generation_config
    cfg = model.config
    decoder_start = mg.decoder_start_token_id
    if decoder_start is None:
        decoder_start = getattr(cfg, "decoder_start_token_id", None)
    eos = mg.eos_token_id if mg.eos_token_id is not None else tokenizer.eos_token_id
    kwargs: dict[str, Any] = dict(
        num_beams=s.beams, do_sample=False, max_new_tokens=s.max_new_tokens,
        min_new_tokens=s.min_new_tokens or None, length_penalty=s.length_penalty,
        early_stopping=s.beams > 1, no_repeat_ngram_size=s.no_repeat_ngram_size or None,
        cache_implementation="static" if s.cache == "static" else None,
        repetition_penalty=s.repetition_penalty if s.repetition_penalty != 1.0 else None,
        decoder_start_token_id=decoder_start, eos_token_id=eos,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=mg.bos_token_id,
        forced_eos_token_id=mg.forced_eos_token_id,
        bad_words_ids=[[tokenizer.pad_token_id]] if spec.family == "marian" else None,
    )
    kwargs.update(get_family(spec.family).generation_ids(tokenizer, spec.src, spec.tgt))
    return GenerationConfig(**{k: v for k, v in kwargs.items() if v is not None})


def make_batches(lengths: Sequence[int], batch_tokens: int, beams: int = 1,
                 width: int = 0) -> list[list[int]]:
    """Indices sorted by length (longest first) and cut so that each batch holds at most
    ``batch_tokens`` padded source tokens times beams (a batch has at least one row).
    ``width``: every batch is padded to at least this many tokens."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    width = floor = width
    for i in order:
        w = max(width, lengths[i])
        if current and ((len(current) + 1) * w * beams > batch_tokens
                        or len(current) >= MAX_BATCH_SENTENCES):
            batches.append(current)
            current, w = [], max(floor, lengths[i])
        current.append(i)
        width = w
    if current:
        batches.append(current)
    return batches


def static_shape(lengths: Sequence[int], batch_tokens: int, beams: int) -> tuple[int, int]:
    """(rows, width) of every batch in static cache mode: the longest source rounded up to
    a multiple of 8, and as many rows as ``batch_tokens`` allows at that width."""
    width = max(8, -(-max(lengths, default=1) // 8) * 8)
    return max(1, min(MAX_BATCH_SENTENCES, batch_tokens // (width * beams))), width


# -- the project run --------------------------------------------------------------------
def fingerprint(spec: ModelSpec, weights: str, settings: Settings) -> str:
    payload = {"weights_sha256": weights, "family": spec.family, "src": spec.src,
               "tgt": spec.tgt, **settings.output_params()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def provenance(spec: ModelSpec, weights: str, settings: Settings) -> dict[str, Any]:
    import torch
    import transformers

    from mtreview.core.store import utcnow

    prov = {
        "source": "model", "model": spec.ref, "path": str(Path(spec.path).resolve()),
        "hub": spec.hub, "card": spec.card, "family": spec.family,
        "src_lang": spec.src, "tgt_lang": spec.tgt, "weights_sha256": weights,
        "fingerprint": fingerprint(spec, weights, settings),
        "transformers": transformers.__version__, "torch": torch.__version__,
        "generation": settings.output_params(), "device": settings.device,
        "dtype": settings.dtype, "batch_tokens": settings.batch_tokens,
        "cache": settings.cache,
        "threads": settings.threads or None, "started": utcnow(),
    }
    return {k: v for k, v in prov.items() if v is not None}


def translate_project(project: Any, spec: ModelSpec, name: str | None = None, *,
                      device: str = "auto", batch_tokens: int | None = None,
                      beams: int | None = None, max_new_tokens: int | None = None,
                      dtype: str = "auto", quantize: str | None = None,
                      threads: int | None = None, cache: str | None = None,
                      progress: bool = True) -> RunResult:
    """Add (or complete) system ``name`` (default: the model's name) in ``project``."""
    from mtreview.core.store import utcnow
    from mtreview.core.types import System, Translation
    from mtreview.translate.progress import progress_bar

    settings = Settings.resolve(spec, device=device, dtype=dtype, beams=beams,
                                max_new_tokens=max_new_tokens, batch_tokens=batch_tokens,
                                quantize=quantize, threads=threads, cache=cache)
    name = _check_name(name or spec.name)
    store = project.store
    prov = provenance(spec, weights_hash(spec.path), settings)
    existing = store.system(name)
    if existing is not None:
        _check_same(existing, prov, name)
    segments = store.segments()
    if not segments:
        raise UserError(f"{project.path} has no segments to translate")
    done = set(store.translations(name)) if existing is not None else set()
    pending = [s for s in segments if s.id not in done]
    if not pending:
        return RunResult(existing, 0, len(segments))
    translator = Translator.load(spec, settings)  # before creating the system: load errors
    if existing is None:
        store.add_system(System(name, "model", prov))
    bar = progress_bar(len(pending), label=name, enabled=progress)
    started = time.perf_counter()
    n_tokens = 0
    keys = [s.id for s in pending]
    try:
        for indices, outputs, toks in translator.translate_batches(
                [s.source for s in pending], keys):
            store.add_translations(
                Translation(name, pending[i].id, text) for i, text in zip(indices, outputs))
            n_tokens += toks
            bar.update(len(indices))
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    final = dict(existing.provenance) if existing is not None else dict(prov)
    final.update({k: prov.get(k) for k in ("device", "dtype", "batch_tokens", "threads",
                                           "cache", "transformers", "torch")})
    final.update({"finished": utcnow(), "seconds": round(seconds, 3),
                  "sentences_per_second": round(len(pending) / seconds, 2) if seconds else None,
                  "runs": int(final.get("runs", 0)) + 1})
    store.update_provenance(name, final)
    return RunResult(store.system(name), len(pending), len(segments), seconds, n_tokens)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or any(c in name for c in "\t\n\r/"):
        raise UserError(f"invalid system name {name!r}")
    return name


def _check_same(existing: Any, prov: dict[str, Any], name: str) -> None:
    if existing.kind != "model":
        raise UserError(f"system {name!r} already exists (imported from a file); "
                        f"choose another --name")
    old = existing.provenance.get("fingerprint")
    if old != prov["fingerprint"]:
        changed = [k for k in ("weights_sha256", "family", "src_lang", "tgt_lang")
                   if existing.provenance.get(k) != prov[k]]
        if existing.provenance.get("generation") != prov["generation"]:
            changed.append("generation parameters")
        what = ", ".join(changed) or "model"
        raise UserError(f"system {name!r} was translated with a different {what}; "
                        f"use --name to add this one as a new system")


def with_generation(spec: ModelSpec, **overrides: Any) -> ModelSpec:
    """A copy of ``spec`` whose card generation defaults are updated (e.g. min_new_tokens)."""
    return replace(spec, generation={**spec.generation, **overrides})
