"""Translate a project's segments into a system: offline, resumable, with provenance.

Public API (used by ``mtreview translate`` and ``mtreview demo``)::

    from mtreview.translate.cards import resolve_model
    from mtreview.translate.run import translate_project

    spec = resolve_model("models/my-model")          # or a card name, or a cached hub id
    result = translate_project(project, spec, name=None, device="auto", batch_tokens=None,
                               beams=None, max_new_tokens=None, dtype="auto", cache=None,
                               engine="transformers", progress=True)
    result.system         # the System row (kind "model", provenance below)
    result.translated     # segments translated by this run (0: "up to date")

Engines: ``transformers`` (``mtreview.translate.engine``, the default) and ``ctranslate2``
(``mtreview.translate.ct2``); both run the same batch loop, so resumption, progress and
provenance below are the same.

Resumable: the system row is created first, then every batch is written in its own
transaction, so a run stopped by Ctrl-C or SIGKILL resumes with the segments still missing
and never translates a finished one again. Output-affecting settings (weights hash, family,
languages, generation parameters, quantisation; the engine and compute type for
CTranslate2) form a fingerprint kept in the provenance: a second run with the same
fingerprint only adds what is missing ("up to date" when nothing is); a different
fingerprint under the same system name is refused (``UserError``).

Provenance: model (what was asked for), path, hub id, card, family, languages,
weights_sha256, transformers and torch versions (ctranslate2's and the compute type for that
engine), generation parameters, device, dtype, quantize, batch_tokens, started, finished,
seconds, sentences per second.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mtreview.errors import UserError
from mtreview.translate.cards import ModelSpec
from mtreview.translate.settings import Settings

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")
# provenance keys that describe how a run went (updated by every run, not the fingerprint)
RUN_KEYS = ("engine", "device", "dtype", "batch_tokens", "threads", "cache", "transformers",
            "torch", "ctranslate2", "compute_type")


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


# -- fingerprint and provenance ---------------------------------------------------------
def fingerprint(spec: ModelSpec, weights: str, settings: Settings) -> str:
    payload = {"weights_sha256": weights, "family": spec.family, "src": spec.src,
               "tgt": spec.tgt, **settings.output_params()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def provenance(spec: ModelSpec, weights: str, settings: Settings) -> dict[str, Any]:
    import torch
    import transformers

    from mtreview.core.store import utcnow

    ct2 = settings.engine == "ctranslate2"
    if ct2:
        from mtreview.translate.ct2 import version as ct2_version
    prov = {
        "source": "model", "model": spec.ref, "path": str(Path(spec.path).resolve()),
        "hub": spec.hub, "card": spec.card, "family": spec.family,
        "src_lang": spec.src, "tgt_lang": spec.tgt, "weights_sha256": weights,
        "fingerprint": fingerprint(spec, weights, settings),
        "engine": settings.engine, "ctranslate2": ct2_version() if ct2 else None,
        "compute_type": settings.compute_type or None,
        "transformers": transformers.__version__, "torch": torch.__version__,
        "generation": settings.output_params(), "device": settings.device,
        "dtype": None if ct2 else settings.dtype, "batch_tokens": settings.batch_tokens,
        "cache": None if ct2 else settings.cache,
        "threads": settings.threads or None, "started": utcnow(),
    }
    return {k: v for k, v in prov.items() if v is not None}


def load_translator(spec: ModelSpec, settings: Settings, weights: str) -> Any:
    """The translator of ``settings.engine`` (a ``BatchTranslator``)."""
    if settings.engine == "ctranslate2":
        from mtreview.translate.ct2 import CT2Translator

        return CT2Translator.load(spec, settings, weights)
    from mtreview.translate.engine import Translator

    return Translator.load(spec, settings)


# -- the project run --------------------------------------------------------------------
def translate_project(project: Any, spec: ModelSpec, name: str | None = None, *,
                      device: str = "auto", batch_tokens: int | None = None,
                      beams: int | None = None, max_new_tokens: int | None = None,
                      dtype: str = "auto", quantize: str | None = None,
                      threads: int | None = None, cache: str | None = None,
                      engine: str = "transformers", progress: bool = True) -> RunResult:
    """Add (or complete) system ``name`` (default: the model's name) in ``project``."""
    from mtreview.core.store import utcnow
    from mtreview.core.types import System, Translation
    from mtreview.translate.progress import progress_bar

    settings = Settings.resolve(spec, device=device, dtype=dtype, beams=beams,
                                max_new_tokens=max_new_tokens, batch_tokens=batch_tokens,
                                quantize=quantize, threads=threads, cache=cache, engine=engine)
    name = _check_name(name or spec.name)
    store = project.store
    weights = weights_hash(spec.path)
    prov = provenance(spec, weights, settings)
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
    # load before creating the system: a model that cannot load leaves nothing behind
    translator = load_translator(spec, settings, weights)
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
    final.update({k: prov.get(k) for k in RUN_KEYS if k in prov or k in final})
    final = {k: v for k, v in final.items() if v is not None}
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
        if existing.provenance.get("engine", "transformers") != prov["engine"]:
            changed.append("engine")
        if existing.provenance.get("generation") != prov["generation"]:
            changed.append("generation parameters")
        what = ", ".join(changed) or "model"
        raise UserError(f"system {name!r} was translated with a different {what}; "
                        f"use --name to add this one as a new system")


def with_generation(spec: ModelSpec, **overrides: Any) -> ModelSpec:
    """A copy of ``spec`` whose card generation defaults are updated (e.g. min_new_tokens)."""
    return replace(spec, generation={**spec.generation, **overrides})
