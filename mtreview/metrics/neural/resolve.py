"""Find a neural metric's checkpoint offline and fingerprint it (no torch, no transformers).

``--metric-model NAME=MODEL`` (or the metric's default card) resolves, in this order, to:

1. a local directory: COMET/CometKiwi (``checkpoints/model.ckpt`` + ``hparams.yaml``,
   as Unbabel publishes them) or MetricX (``config.json`` + weights, as Google publishes
   them); a ``.ckpt`` file inside such a directory works too;
2. a metric card: ``models/metrics/<MODEL>.toml`` or a ``.toml`` path;
3. a Hugging Face hub id already in the local cache. Nothing is ever downloaded: a missing
   model is one line naming the ``huggingface-cli download`` command that gets it.

A metric card::

    metric = "comet"                       # comet | cometkiwi | metricx
    hub = "Unbabel/wmt22-comet-da"         # a hub id ... or path = "dir" (relative to card)
    description = "..."
    license = "Apache-2.0"
    tokenizer = "google/mt5-xl"            # MetricX: its checkpoints ship no tokenizer
    max_input_length = 1536                # MetricX: input truncation (tokens)
    default = true                         # the model used when --metric-model names none

The encoder a COMET checkpoint names in ``hparams.yaml`` (``pretrained_model``, e.g.
``xlm-roberta-large``) is found the same way: a directory beside the checkpoint, a local
directory, or the Hugging Face cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from mtreview.core.cardfile import read_card
from mtreview.errors import UserError

CARD_KEYS = {"metric", "hub", "revision", "path", "description", "license", "tokenizer",
             "max_input_length", "default", "hint"}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
MODEL_FILES = (".ckpt", ".safetensors", ".bin")


@dataclass(frozen=True)
class MetricCard:
    name: str
    file: Path
    metric: str
    hub: str | None = None
    revision: str | None = None
    path: Path | None = None
    description: str = ""
    tokenizer: str | None = None
    max_input_length: int | None = None
    default: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Checkpoint:
    """A resolved checkpoint: its directory, format and the weights' sha256."""

    name: str  # what the report shows (card name, hub id or directory name)
    path: Path  # the model directory
    family: str  # "comet" (Unbabel format) or "metricx" (mT5 regression)
    weights: Path  # model.ckpt, or the directory's weight files (MetricX)
    sha256: str
    tokenizer: str | None = None  # MetricX: tokenizer directory or hub id
    max_input_length: int | None = None


def metrics_dir() -> Path:
    from mtreview import paths
    return paths.MODELS / "metrics"


def load_card(file: Path) -> MetricCard:
    data = read_card(file, CARD_KEYS, "metric card")
    if bool(data.get("hub")) == bool(data.get("path")) or not data.get("metric"):
        raise UserError(f"metric card {file}: give `metric` and exactly one of `hub` or `path`")
    path = None
    if data.get("path"):
        path = Path(str(data["path"]))
        path = path if path.is_absolute() else file.parent / path
    mil = data.get("max_input_length")
    return MetricCard(name=file.stem, file=file, metric=str(data["metric"]), hub=data.get("hub"),
                      revision=data.get("revision"), path=path,
                      description=str(data.get("description", "")),
                      tokenizer=data.get("tokenizer"),
                      max_input_length=int(mil) if mil is not None else None,
                      default=bool(data.get("default", False)), hint=str(data.get("hint", "")))


def list_cards(directory: Path | None = None) -> dict[str, MetricCard]:
    d = directory or metrics_dir()
    return {c.name: c for c in (load_card(f) for f in sorted(d.glob("*.toml")))} \
        if d.is_dir() else {}


def default_model(metric: str, directory: Path | None = None) -> str:
    """The card marked ``default = true`` for ``metric``; UserError when there is none."""
    for card in list_cards(directory).values():
        if card.metric == metric and card.default:
            return card.name
    raise UserError(f"no model for {metric}: give one with --metric-model {metric}=PATH_OR_ID")


def hub_snapshot(hub_id: str, revision: str | None = None, what: str = "model",
                 need: str | None = None) -> Path:
    """The local snapshot of a hub repository; never downloads."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        path = Path(snapshot_download(hub_id, revision=revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError):
        path = None
    if path is None or (need is not None and not (path / need).exists()):
        rev = f" --revision {revision}" if revision else ""
        raise UserError(f"{what} {hub_id!r} is not in the local Hugging Face cache and mtreview "
                        f"runs offline; get it with: huggingface-cli download {hub_id}{rev}")
    return path


def resolve(metric: str, model: str | None, family: str,
            directory: Path | None = None) -> Checkpoint:
    """``model`` (a path, card name or hub id; None: the metric's default card)."""
    model = model or default_model(metric, directory)
    card = None
    candidate = Path(model).expanduser()
    if candidate.is_file() and candidate.suffix == ".ckpt":
        candidate = candidate.parents[1]
    if candidate.is_dir():
        path, name = candidate, candidate.resolve().name
    else:
        cards = list_cards(directory)
        if model.endswith(".toml") and candidate.is_file():
            card = load_card(candidate)
        elif model in cards:
            card = cards[model]
        if card is not None:
            if card.metric != metric:
                raise UserError(f"metric card {card.file} is for {card.metric}, not {metric}")
            name = card.name
            if card.path is not None:
                if not card.path.is_dir():
                    raise UserError(f"{metric} model {card.name!r}: directory {card.path} is "
                                    "missing" + (f"; {card.hint}" if card.hint else ""))
                path = card.path
            else:
                assert card.hub is not None  # a card gives exactly one of hub and path
                path = hub_snapshot(card.hub, card.revision, f"{metric} model")
        elif _HUB_ID.match(model) and not candidate.parent.is_dir():
            path, name = hub_snapshot(model, None, f"{metric} model"), model
        else:
            known = ", ".join(sorted(c for c, v in cards.items() if v.metric == metric))
            raise UserError(f"{metric} model {model!r} not found: not a checkpoint directory, "
                            f"not a card in {directory or metrics_dir()} (cards: "
                            f"{known or 'none'}), not a hub id (owner/name)")
    return _checkpoint(path, name, family, metric, card)


def _checkpoint(path: Path, name: str, family: str, metric: str,
                card: MetricCard | None) -> Checkpoint:
    if family == "comet":
        ckpt = path / "checkpoints" / "model.ckpt"
        if not ckpt.is_file() or not (path / "hparams.yaml").is_file():
            raise UserError(f"{path} is not a COMET checkpoint for {metric} (it needs "
                            "checkpoints/model.ckpt and hparams.yaml)")
        return Checkpoint(name, path, family, ckpt, file_sha256(ckpt))
    files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(MODEL_FILES))
    if not (path / "config.json").is_file() or not files:
        raise UserError(f"{path} is not a MetricX checkpoint (it needs config.json and "
                        "*.safetensors or *.bin weights)")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"{path / 'config.json'}: {e}") from None
    if config.get("model_type") not in ("mt5", "t5"):
        raise UserError(f"{path} is not a MetricX checkpoint (model_type "
                        f"{config.get('model_type')!r}, expected mt5)")
    digest = hashlib.sha256("\n".join(f"{f.name}:{file_sha256(f)}" for f in files).encode())
    own = any((path / f).is_file() for f in ("tokenizer.json", "spiece.model"))
    tokenizer = str(path) if own else ((card.tokenizer if card else None) or "google/mt5-xl")
    return Checkpoint(name, path, family, files[0], digest.hexdigest(), tokenizer,
                      card.max_input_length if card else None)


def file_sha256(path: Path) -> str:
    """sha256 of a file, cached by real path, size and mtime (a checkpoint is large)."""
    from mtreview.paths import cache_home

    real = path.resolve()
    st = real.stat()
    key = f"{real}|{st.st_size}|{st.st_mtime_ns}"
    cache_file = cache_home() / "weights-sha256.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        cache = {}
    if key in cache:
        return cache[key]
    h = hashlib.sha256()
    with open(real, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    cache[key] = h.hexdigest()
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cache), encoding="utf-8")
        tmp.replace(cache_file)
    except OSError:
        pass  # an unwritable cache only costs a re-hash next time
    return cache[key]


def encoder_dir(pretrained: str, checkpoint: Path) -> Path:
    """The directory of the encoder a COMET checkpoint names (config + tokenizer)."""
    for base in (checkpoint, checkpoint.parent):
        if (base / pretrained / "config.json").is_file():
            return base / pretrained
    local = Path(pretrained).expanduser()
    if (local / "config.json").is_file():
        return local
    return hub_snapshot(pretrained, None, "the encoder", need="config.json")
