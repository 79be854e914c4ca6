"""The model side of training: sizes (``Recipe``), the Marian model, the learning-rate
schedule, dev loss, checkpoints, the output directory and evaluation after training.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from mtreview.errors import UserError
from mtreview.train.data import EOS_ID, PAD_ID, collate, read_corpus_lines, token_batches
from mtreview.translate.batching import make_batches

CHECKPOINT = "checkpoint"
STATE_FILE = "state.pt"
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")


@dataclass(frozen=True)
class Recipe:
    """Architecture and optimisation settings of one ``--size``."""

    d_model: int
    ffn_dim: int
    encoder_layers: int
    decoder_layers: int
    heads: int
    vocab_size: int
    batch_tokens: int
    lr: float
    warmup_steps: int
    dropout: float = 0.1
    attention_dropout: float = 0.1
    label_smoothing: float = 0.1
    max_len: int = 256
    ema_decay: float = 0.999
    weight_decay: float = 0.01


SIZES: dict[str, Recipe] = {
    # a few hundred thousand parameters: for tests and smoke runs on a CPU
    "tiny": Recipe(d_model=64, ffn_dim=128, encoder_layers=2, decoder_layers=1, heads=2,
                   vocab_size=1000, batch_tokens=2048, lr=1e-3, warmup_steps=20, dropout=0.1),
    # about 23.9M parameters (48 MB in fp16): the bundled model
    "small": Recipe(d_model=384, ffn_dim=1536, encoder_layers=6, decoder_layers=3, heads=6,
                    vocab_size=16000, batch_tokens=12288, lr=6e-4, warmup_steps=1000,
                    dropout=0.2),
}


# -- model --------------------------------------------------------------------------------
def build_model(recipe: Recipe, vocab_size: int):
    from transformers import MarianConfig, MarianMTModel

    config = MarianConfig(
        vocab_size=vocab_size, decoder_vocab_size=vocab_size, d_model=recipe.d_model,
        encoder_layers=recipe.encoder_layers, decoder_layers=recipe.decoder_layers,
        encoder_attention_heads=recipe.heads, decoder_attention_heads=recipe.heads,
        encoder_ffn_dim=recipe.ffn_dim, decoder_ffn_dim=recipe.ffn_dim,
        dropout=recipe.dropout, attention_dropout=recipe.attention_dropout,
        activation_dropout=0.0, activation_function="swish", scale_embedding=True,
        max_position_embeddings=512, share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True, pad_token_id=PAD_ID, eos_token_id=EOS_ID,
        decoder_start_token_id=PAD_ID, forced_eos_token_id=EOS_ID)
    return MarianMTModel(config)


def freeze_positions(model) -> None:
    """Marian's sinusoidal position tables are fixed and never saved: keep them untrained."""
    for name, p in model.named_parameters():
        if "embed_positions" in name:
            p.requires_grad_(False)


def count_parameters(model) -> int:
    """Trained parameters: every parameter but the fixed sinusoidal position tables."""
    return sum(p.numel() for name, p in model.named_parameters() if "embed_positions" not in name)


def generation_defaults(beams: int = 4):
    from transformers import GenerationConfig

    return GenerationConfig(
        num_beams=beams, max_new_tokens=256, early_stopping=True, do_sample=False,
        length_penalty=1.0, no_repeat_ngram_size=3, repetition_penalty=1.0,
        decoder_start_token_id=PAD_ID, eos_token_id=EOS_ID, pad_token_id=PAD_ID,
        forced_eos_token_id=EOS_ID, bad_words_ids=[[PAD_ID]])


def lr_at(step: int, progress: float, recipe: Recipe, peak: float) -> float:
    """Linear warm-up, then cosine decay to 5% of the peak over the budget (progress 0..1)."""
    warm = min(1.0, (step + 1) / recipe.warmup_steps)
    decay = 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return peak * warm * decay


@dataclass
class TrainState:
    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    seconds: float = 0.0          # training seconds over all runs
    tokens: int = 0               # target tokens seen (without padding)
    budget_seconds: float = 0.0   # the (cumulative) budget the cosine decay spans
    runs: int = 0


def dev_loss(model, src, tgt, device, batch_tokens: int) -> float:
    """Mean per-token cross-entropy (no label smoothing) on held-out pairs."""
    import torch
    import torch.nn.functional as F

    if not src:
        return float("nan")
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode(), autocast(device):
        for idx in token_batches(src, tgt, batch_tokens, random.Random(0)):
            inp, mask, dec, lab = collate(src, tgt, idx, device)
            logits = model(input_ids=inp, attention_mask=mask, decoder_input_ids=dec).logits
            total += F.cross_entropy(logits.float().flatten(0, 1), lab.flatten(),
                                     ignore_index=-100, reduction="sum").item()
            count += int(lab.ne(-100).sum())
    model.train()
    return total / max(count, 1)


def autocast(device):
    import contextlib

    import torch

    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- checkpoints and output ---------------------------------------------------------------
def save_checkpoint(out: Path, model, ema, optimizer, state: TrainState, recipe: Recipe,
                    size: str) -> None:
    import torch

    ckdir = out / CHECKPOINT
    ckdir.mkdir(parents=True, exist_ok=True)
    tmp = ckdir / (STATE_FILE + ".tmp")
    torch.save({"model": model.state_dict(), "ema": [e.detach().cpu() for e in ema],
                "optimizer": optimizer.state_dict(), "state": asdict(state),
                "recipe": asdict(recipe), "size": size,
                "rng": random.getstate()}, tmp)
    os.replace(tmp, ckdir / STATE_FILE)


def save_model(out: Path, model, info: dict) -> None:
    """Write fp16 safetensors + config (compute dtype float32) + generation defaults."""
    import copy

    import torch

    half = copy.deepcopy(model).to("cpu", torch.float16)
    half.generation_config = generation_defaults()
    half.save_pretrained(str(out), safe_serialization=True)
    cfg_path = out / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["dtype"] = "float32"  # stored in fp16 for size; computed in fp32 unless asked otherwise
    cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "training.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def check_out_dir(out: Path) -> bool:
    """True when ``out`` holds a checkpoint to resume; error when it holds something else."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a directory")
    if (out / CHECKPOINT / STATE_FILE).is_file():
        return True
    if out.is_dir() and any(out.iterdir()):
        raise UserError(f"{out}: directory is not empty and holds no train-model checkpoint "
                        "to resume; choose a new --out")
    return False


# -- translation (evaluation) -------------------------------------------------------------
def translate_lines(model, tokenizer, lines: list[str], device, beams: int = 4,
                    batch_tokens: int = 4096, max_new_tokens: int = 256) -> list[str]:
    """Batched, length-sorted generation (the batches of ``mtreview.translate.batching``)
    with the model's own generation config; returns translations in input order."""
    import torch

    enc = [tokenizer(s, truncation=True, max_length=256)["input_ids"] for s in lines]
    out = [""] * len(lines)
    gen = replace_generation(model.generation_config, beams, max_new_tokens)
    model.eval()
    with torch.inference_mode(), autocast(device):
        for idx in make_batches([len(x) for x in enc], batch_tokens * 4, beams):
            batch = tokenizer.pad({"input_ids": [enc[k] for k in idx]}, return_tensors="pt")
            ids = model.generate(input_ids=batch["input_ids"].to(device),
                                 attention_mask=batch["attention_mask"].to(device),
                                 generation_config=gen)
            for k, text in zip(idx, tokenizer.batch_decode(ids, skip_special_tokens=True)):
                out[k] = text
    return out


def replace_generation(gen, beams: int, max_new_tokens: int):
    import copy

    gen = copy.deepcopy(gen)
    gen.num_beams = beams
    gen.max_new_tokens = max_new_tokens
    return gen


def evaluate(model, out: Path, source: Path, reference: Path, device, beams: int) -> dict:
    import sacrebleu
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(out))
    src = read_corpus_lines(source)
    refs = read_corpus_lines(reference)
    if len(src) != len(refs):
        raise UserError(f"{source} and {reference} have different line counts")
    t0 = time.perf_counter()
    hyps = translate_lines(model, tokenizer, src, device, beams=beams)
    secs = time.perf_counter() - t0
    (out / CHECKPOINT).mkdir(exist_ok=True)
    (out / CHECKPOINT / "eval.hyp").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    bleu_metric, chrf_metric = sacrebleu.metrics.BLEU(), sacrebleu.metrics.CHRF()
    bleu = bleu_metric.corpus_score(hyps, [refs])
    chrf = chrf_metric.corpus_score(hyps, [refs])
    for s, h, r in list(zip(src, hyps, refs))[:3]:
        log(f"  src: {s[:120]}\n  hyp: {h[:120]}\n  ref: {r[:120]}")
    return {"file": str(source), "sentences": len(src), "beams": beams,
            "bleu": round(bleu.score, 2), "chrf": round(chrf.score, 2),
            "bleu_signature": str(bleu_metric.get_signature()),
            "chrf_signature": str(chrf_metric.get_signature()),
            "seconds": round(secs, 1), "device": device.type}


def transformers_version() -> str:
    import transformers

    return transformers.__version__


def strip_checkpoint(out: Path) -> None:
    """Remove the resumable checkpoint (for shipping the model directory)."""
    shutil.rmtree(out / CHECKPOINT, ignore_errors=True)
