"""Model cards (``models/*.toml``) and resolving ``--model MODEL`` to a local directory.

A card is a small TOML file::

    description = "OPUS-MT Arabic→English (Marian, 2020)"
    hub = "Helsinki-NLP/opus-mt-ar-en"     # a Hugging Face hub id ...
    # path = "my-model"                    # ... or a directory, relative to the card
    family = "marian"                      # marian | nllb | m2m100 | mbart50 (optional:
                                           #   detected from config.json when absent)
    src = "ar"                             # the family's source / target language codes
    tgt = "en"                             #   (optional: mapped from the project's languages)
    hint = "how to get the model"          # optional, shown when the model is missing

    [generation]                           # defaults; command-line options win
    beams = 4
    max_new_tokens = 256
    batch_tokens = 4096
    cpu_quantize = "int8"                  # default --quantize on the CPU (none | int8)
    cuda_cache = "static"                  # default --cache on CUDA (dynamic | static)
    length_penalty = 1.0
    no_repeat_ngram_size = 0

``resolve_model(MODEL)`` accepts, in this order:

1. a local model directory (with ``config.json``); a sibling card ``<dir>.toml`` (e.g.
   ``models/<name>`` and ``models/<name>.toml``) supplies its name, languages and defaults;
2. a card file (``*.toml``);
3. a card name in ``models/`` (``models/<MODEL>.toml``);
4. a Hugging Face hub id already in the local cache (nothing is downloaded).

Anything else raises ``UserError`` (one line, exit 2) saying what is missing and how to get
it, e.g. the ``huggingface-cli download`` line for a hub model that is not cached.
Only json/toml parsing here: no torch, no transformers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtreview.core.cardfile import read_card
from mtreview.errors import UserError
from mtreview.translate import families

GENERATION_KEYS: dict[str, type[int | float] | tuple[str, ...]] = {
    "beams": int, "max_new_tokens": int, "min_new_tokens": int, "batch_tokens": int,
    "length_penalty": float, "no_repeat_ngram_size": int, "repetition_penalty": float,
    "max_len_a": float, "max_len_b": int,
    # words: the allowed values
    "cpu_quantize": ("none", "int8"),  # the default --quantize when running on the CPU
    "cuda_cache": ("dynamic", "static"),  # the default --cache when running on CUDA
}
CARD_KEYS = {"name", "description", "hub", "revision", "path", "family", "src", "tgt", "hint",
             "generation", "license", "bleu"}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


@dataclass(frozen=True)
class ModelCard:
    name: str
    file: Path
    hub: str | None = None
    revision: str | None = None
    path: Path | None = None
    family: str | None = None
    src: str | None = None
    tgt: str | None = None
    description: str = ""
    hint: str = ""
    generation: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model: a local directory plus how to drive it."""

    name: str  # default system name
    path: Path  # local directory with config.json and the tokenizer files
    ref: str  # what the user named: hub id or directory (for provenance)
    family: str  # key in families.FAMILIES
    src: str  # the family's source language code
    tgt: str  # the family's target language code
    generation: Mapping[str, Any] = field(default_factory=dict)  # card defaults
    card: str | None = None  # the card file, if any
    hub: str | None = None


def load_card(file: Path) -> ModelCard:
    data = read_card(file, CARD_KEYS, "model card")
    if bool(data.get("hub")) == bool(data.get("path")):
        raise UserError(f"model card {file}: give exactly one of `hub` or `path`")
    if data.get("family") is not None:
        families.get_family(str(data["family"]))
    generation = dict(data.get("generation", {}))
    for key, value in generation.items():
        kind = GENERATION_KEYS.get(key)
        if kind is None:
            raise UserError(f"model card {file}: unknown generation key {key!r}")
        if isinstance(kind, tuple):
            if value not in kind:
                raise UserError(f"model card {file}: generation.{key} must be "
                                f"{' or '.join(kind)}")
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise UserError(f"model card {file}: generation.{key} must be a number")
        generation[key] = kind(value)
    path = None
    if data.get("path"):
        path = Path(str(data["path"]))
        path = path if path.is_absolute() else (file.parent / path)
    return ModelCard(
        name=str(data.get("name") or file.stem), file=file, hub=data.get("hub"),
        revision=data.get("revision"), path=path, family=data.get("family"),
        src=data.get("src"), tgt=data.get("tgt"), description=str(data.get("description", "")),
        hint=str(data.get("hint", "")), generation=generation,
    )


def list_cards(models_dir: Path | None = None) -> dict[str, ModelCard]:
    """Every card in ``models_dir`` (default: the bundled ``models/``), by name."""
    models_dir = Path(models_dir) if models_dir is not None else _default_models_dir()
    if not models_dir.is_dir():
        return {}
    cards = (load_card(f) for f in sorted(models_dir.glob("*.toml")))
    return {c.name: c for c in cards}


def _default_models_dir() -> Path:
    from mtreview import paths

    return paths.MODELS


def resolve_model(model: str, *, models_dir: Path | None = None, src_lang: str = "ar",
                  tgt_lang: str = "en") -> ModelSpec:
    """Turn ``--model MODEL`` into a ModelSpec (see the module docstring for the order)."""
    models_dir = Path(models_dir) if models_dir is not None else _default_models_dir()
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        sibling = candidate.parent / f"{candidate.name}.toml"
        card = load_card(sibling) if sibling.is_file() else None
        if card is not None and (card.path is None or card.path.resolve() != candidate.resolve()):
            card = None
        return _spec(candidate, str(candidate), card, src_lang, tgt_lang)
    if model.endswith(".toml") and candidate.is_file():
        return _from_card(load_card(candidate), src_lang, tgt_lang)
    card_file = models_dir / f"{model}.toml"
    if "/" not in model and card_file.is_file():
        return _from_card(load_card(card_file), src_lang, tgt_lang)
    if "/" in model and not candidate.exists() and _is_local_parent(candidate):
        sibling = candidate.parent / f"{candidate.name}.toml"
        hint = load_card(sibling).hint if sibling.is_file() else ""
        raise UserError(f"model directory {candidate} does not exist"
                        + (f"; {hint}" if hint else ""))
    if _HUB_ID.match(model) and "/" in model:
        return _spec(_hub_snapshot(model, None, model), model, None, src_lang, tgt_lang, hub=model)
    names = ", ".join(sorted(list_cards(models_dir))) or "none"
    raise UserError(f"model {model!r} not found: not a model directory, not a card in "
                    f"{models_dir} (cards: {names}), not a hub id (owner/name)")


def _is_local_parent(path: Path) -> bool:
    """A path whose folder exists here (``models/x``) names a directory, not a hub id."""
    parent = path.parent
    return str(parent) not in ("", ".") and parent.is_dir()


def _from_card(card: ModelCard, src_lang: str, tgt_lang: str) -> ModelSpec:
    if card.hub:
        path = _hub_snapshot(card.hub, card.revision, card.name, card.hint)
        return _spec(path, card.hub, card, src_lang, tgt_lang, hub=card.hub)
    assert card.path is not None
    if not (card.path / "config.json").is_file():
        hint = f"; {card.hint}" if card.hint else ""
        raise UserError(f"model {card.name!r}: model directory {card.path} is missing "
                        f"(from card {card.file}){hint}")
    return _spec(card.path, str(card.path), card, src_lang, tgt_lang)


def _hub_snapshot(hub_id: str, revision: str | None, label: str, hint: str = "") -> Path:
    """The local snapshot of a hub model; never downloads."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        path = Path(snapshot_download(hub_id, revision=revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError):
        path = None
    if path is None or not (path / "config.json").is_file():
        rev = f" --revision {revision}" if revision else ""
        extra = f" ({hint})" if hint else ""
        where = f" ({hub_id})" if label != hub_id else ""
        raise UserError(f"model {label!r}{where} is not in the local Hugging Face cache and "
                        f"mtreview runs offline; get it with: huggingface-cli download "
                        f"{hub_id}{rev}{extra}")
    return path


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"{path}: {e}") from None


def _spec(path: Path, ref: str, card: ModelCard | None, src_lang: str, tgt_lang: str,
          hub: str | None = None) -> ModelSpec:
    config = _read_json(path / "config.json")
    if not config:
        raise UserError(f"{path} is not a Hugging Face model directory (no config.json)")
    if card is not None and card.family:
        family = families.get_family(card.family)
    else:
        tok_cfg = _read_json(path / "tokenizer_config.json")
        family = families.detect(config.get("model_type"), tok_cfg.get("tokenizer_class"))
    src = (card.src if card and card.src else None) or family.code(src_lang)
    tgt = (card.tgt if card and card.tgt else None) or family.code(tgt_lang)
    name = card.name if card is not None else _default_name(ref)
    return ModelSpec(name=name, path=path, ref=ref, family=family.name, src=src, tgt=tgt,
                     generation=dict(card.generation) if card else {},
                     card=str(card.file) if card else None, hub=hub)


def _default_name(ref: str) -> str:
    base = ref.rstrip("/" + os.sep)
    return base.split("/")[-1].split(os.sep)[-1] or "model"
