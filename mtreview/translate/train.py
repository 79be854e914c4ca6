"""The training recipe for mtreview's bundled Arabic→English model.

A Marian-architecture transformer (``MarianMTModel`` built from a ``MarianConfig``) is trained
from scratch on a line-aligned parallel corpus, with a SentencePiece unigram vocabulary that is
trained on both sides of the same data (one shared vocabulary, written as ``source.spm`` =
``target.spm`` + ``vocab.json`` so ``MarianTokenizer``/``AutoTokenizer`` load it).

The tokenizer's normalisation rules are NFKC plus two Arabic rules, baked into the
SentencePiece model so every user of the tokenizer gets them: Arabic diacritics (harakat,
dagger alif) and tatweel are removed, and Arabic-Indic digits become ASCII digits.

Training: length-bucketed batches with a token budget, AdamW with fp32 master weights, bf16
autocast on CUDA, label smoothing, gradient clipping, linear warm-up then a cosine decay over
the time (or step) budget, and an exponential moving average (EMA) of the weights. The output
directory is a standard Hugging Face model directory (fp16 safetensors, ``config.json``,
``generation_config.json`` with explicit generation defaults, tokenizer files,
``training.json``); a resumable fp32 checkpoint lives in ``OUT/checkpoint/`` and is written every
few minutes and when the budget ends, so a run stopped at any point resumes where it was.
"""

from __future__ import annotations

import io
import json
import math
import os
import platform
import random
import shutil
import sys
import time
import unicodedata
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from mtreview.errors import UserError

PAD, UNK, EOS = "<pad>", "<unk>", "</s>"
UNK_ID, EOS_ID, PAD_ID = 0, 1, 2
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


@dataclass(frozen=True)
class TrainOptions:
    source: Path
    target: Path
    out: Path
    size: str = "small"
    minutes: float = 60.0
    max_steps: int | None = None
    batch_tokens: int | None = None
    lr: float | None = None
    device: str = "auto"
    seed: int = 1
    checkpoint_minutes: float = 2.0
    eval_source: Path | None = None
    eval_reference: Path | None = None
    eval_beams: int = 4
    log_every: int = 100
    init_from: Path | None = None
    warmup_steps: int | None = None


# -- data ---------------------------------------------------------------------------------
def read_corpus_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 text file, gzip-compressed when the name ends in .gz."""
    from mtreview.core.ingest import read_lines

    return read_lines(Path(path))


def read_parallel(source: Path, target: Path) -> tuple[list[str], list[str]]:
    """Aligned (source, target) lines; pairs with an empty side are dropped."""
    src, tgt = read_corpus_lines(source), read_corpus_lines(target)
    if len(src) != len(tgt):
        raise UserError(f"{source} has {len(src)} lines but {target} has {len(tgt)}: "
                        "the files must be line-aligned")
    pairs = [(s.strip(), t.strip()) for s, t in zip(src, tgt) if s.strip() and t.strip()]
    if len(pairs) < 10:
        raise UserError(f"{source}: only {len(pairs)} non-empty sentence pairs; need at least 10")
    return [s for s, _ in pairs], [t for _, t in pairs]


# -- tokenizer ----------------------------------------------------------------------------
ARABIC_DROPPED = [*range(0x064B, 0x0653), 0x0670, 0x0640]  # harakat, dagger alif, tatweel
ARABIC_DIGITS = {**{0x0660 + i: 0x30 + i for i in range(10)},
                 **{0x06F0 + i: 0x30 + i for i in range(10)}}


def normalization_rules() -> str:
    """SentencePiece normalisation rules (TSV of hex code points): NFKC + Arabic rules."""
    rules = [f"{cp:X}\t" for cp in ARABIC_DROPPED]
    rules += [f"{cp:X}\t{to:X}" for cp, to in ARABIC_DIGITS.items()]
    special = set(ARABIC_DROPPED) | set(ARABIC_DIGITS)
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp < 0xE000 or cp in special:
            continue
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if nfkc != chr(cp):
            rules.append(f"{cp:X}\t" + " ".join(f"{ord(c):X}" for c in nfkc))
    return "\n".join(rules) + "\n"


def train_tokenizer(src: list[str], tgt: list[str], out: Path, vocab_size: int,
                    seed: int = 1) -> None:
    """Train one shared SentencePiece unigram model and write Marian tokenizer files."""
    import sentencepiece as spm
    from transformers import MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    rules = out / "normalization.tsv"
    rules.write_text(normalization_rules(), encoding="utf-8")
    sentences = src + tgt
    random.Random(seed).shuffle(sentences)
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences), model_writer=model, model_type="unigram",
            vocab_size=vocab_size, hard_vocab_limit=False, character_coverage=0.9999,
            normalization_rule_tsv=str(rules), unk_id=UNK_ID, eos_id=EOS_ID, pad_id=PAD_ID,
            bos_id=-1, unk_piece=UNK, eos_piece=EOS, pad_piece=PAD,
            num_threads=os.cpu_count() or 1, input_sentence_size=2_000_000,
            shuffle_input_sentence=True, max_sentence_length=8192, minloglevel=2)
    finally:
        rules.unlink()
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(model.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"),
                          str(out / "vocab.json"), source_lang="ar", target_lang="en",
                          unk_token=UNK, eos_token=EOS, pad_token=PAD, model_max_length=512)
    tok.save_pretrained(str(out))


def encode_pairs(spm_file: Path, src: list[str], tgt: list[str], max_len: int):
    """Token ids (each ending in </s>) of the pairs whose two sides fit in ``max_len``."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(spm_file))
    s_ids = sp.encode(src, out_type=int)
    t_ids = sp.encode(tgt, out_type=int)
    kept = [(s + [EOS_ID], t + [EOS_ID]) for s, t in zip(s_ids, t_ids)
            if len(s) < max_len and len(t) < max_len]
    return [s for s, _ in kept], [t for _, t in kept]


def token_batches(src, tgt, batch_tokens: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar lengths, each with padded size <= batch_tokens, shuffled."""
    order = sorted(range(len(src)),
                   key=lambda i: (max(len(src[i]), len(tgt[i])) + rng.random(), rng.random()))
    batches, cur, longest = [], [], 0
    for i in order:
        n = max(len(src[i]), len(tgt[i]))
        if cur and max(longest, n) * (len(cur) + 1) > batch_tokens:
            batches.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(src, tgt, idx: list[int], device):
    """Padded tensors: encoder input, attention mask, decoder input (shifted), labels."""
    import torch

    s = [src[i] for i in idx]
    t = [tgt[i] for i in idx]
    # lengths rounded up to a multiple of 8: fewer distinct shapes (kernel selection and
    # allocator caching on CUDA); the padding is masked, so the result is unchanged
    ls, lt = (-(-max(map(len, x)) // 8) * 8 for x in (s, t))
    inp = torch.full((len(idx), ls), PAD_ID, dtype=torch.long)
    lab = torch.full((len(idx), lt), -100, dtype=torch.long)
    dec = torch.full((len(idx), lt), PAD_ID, dtype=torch.long)
    for row, (a, b) in enumerate(zip(s, t)):
        inp[row, : len(a)] = torch.tensor(a)
        lab[row, : len(b)] = torch.tensor(b)
        dec[row, 1: len(b)] = torch.tensor(b[:-1])
    mask = inp.ne(PAD_ID)
    pin = device.type == "cuda"
    return tuple((x.pin_memory() if pin else x).to(device, non_blocking=True)
                 for x in (inp, mask, dec, lab))


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


def pick_device(name: str):
    import torch

    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available")
    if name == "cpu":
        torch.set_flush_denormal(True)
    return torch.device(name)


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
    """Batched, length-sorted generation; returns translations in input order."""
    import torch

    enc = [tokenizer(s, truncation=True, max_length=256)["input_ids"] for s in lines]
    order = sorted(range(len(lines)), key=lambda i: len(enc[i]))
    out = [""] * len(lines)
    gen = replace_generation(model.generation_config, beams, max_new_tokens)
    model.eval()
    i = 0
    with torch.inference_mode(), autocast(device):
        while i < len(order):
            longest = len(enc[order[i]])
            j = i
            while j < len(order) and (j - i + 1) * max(longest, len(enc[order[j]])) * beams \
                    <= batch_tokens * 4:
                longest = max(longest, len(enc[order[j]]))
                j += 1
            j = max(j, i + 1)
            idx = order[i:j]
            batch = tokenizer.pad({"input_ids": [enc[k] for k in idx]}, return_tensors="pt")
            ids = model.generate(input_ids=batch["input_ids"].to(device),
                                 attention_mask=batch["attention_mask"].to(device),
                                 generation_config=gen)
            for k, text in zip(idx, tokenizer.batch_decode(ids, skip_special_tokens=True)):
                out[k] = text
            i = j
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


# -- the recipe ---------------------------------------------------------------------------
def train(opts: TrainOptions) -> dict:
    """Train (or resume) a model into ``opts.out``; returns the training summary."""
    t_start = time.perf_counter()
    if opts.size not in SIZES:
        raise UserError(f"--size must be one of {', '.join(SIZES)}")
    resume = check_out_dir(opts.out)
    src_lines, tgt_lines = read_parallel(opts.source, opts.target)
    if opts.eval_source or opts.eval_reference:
        if not (opts.eval_source and opts.eval_reference):
            raise UserError("--eval-source and --eval-reference go together")
        for p in (opts.eval_source, opts.eval_reference):
            if not Path(p).is_file():
                raise UserError(f"{p}: no such file")
    if opts.init_from and not resume:
        missing = [n for n in (*TOKENIZER_FILES, "config.json", "model.safetensors")
                   if not (Path(opts.init_from) / n).is_file()]
        if missing:
            raise UserError(f"--init-from {opts.init_from}: not a train-model output "
                            f"(missing {', '.join(missing)})")
    device = pick_device(opts.device)
    run = _Run(opts, device, resume, src_lines, tgt_lines, t_start)
    interrupted = False
    try:
        run.loop()
    except KeyboardInterrupt:  # stop cleanly: the checkpoint and the model are still written
        log(f"interrupted at step {run.state.step}; writing the checkpoint and the model")
        interrupted = True
    info = run.finish()
    if opts.eval_source and opts.eval_reference and not interrupted:
        info["eval"] = evaluate(run.model, opts.out, opts.eval_source, opts.eval_reference,
                                device, opts.eval_beams)
        log(f"eval {info['eval']}")
        (opts.out / "training.json").write_text(json.dumps(info, indent=2) + "\n",
                                                encoding="utf-8")
    return info


class _Run:
    """One training run: data, model, optimiser, EMA and state (fresh or resumed)."""

    def __init__(self, opts: TrainOptions, device, resume: bool, src_lines: list[str],
                 tgt_lines: list[str], t_start: float) -> None:
        import torch

        self.opts, self.device, self.out = opts, device, opts.out
        recipe = SIZES[opts.size]
        if opts.batch_tokens:
            recipe = replace(recipe, batch_tokens=opts.batch_tokens)
        if opts.warmup_steps:
            recipe = replace(recipe, warmup_steps=opts.warmup_steps)
        self.recipe, self.peak = recipe, opts.lr or recipe.lr
        random.seed(opts.seed)
        torch.manual_seed(opts.seed)
        if device.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        ck = None
        if resume:
            ck = torch.load(self.out / CHECKPOINT / STATE_FILE, map_location="cpu",
                            weights_only=False)
            if ck["size"] != opts.size:
                raise UserError(f"{self.out}: checkpoint is --size {ck['size']}, "
                                f"not {opts.size}")
            log(f"resuming from {self.out / CHECKPOINT} at step {ck['state']['step']}")
        elif opts.init_from:
            log(f"fine-tuning {opts.init_from} (its tokenizer and weights)")
            self.out.mkdir(parents=True, exist_ok=True)
            for name in TOKENIZER_FILES:
                shutil.copyfile(Path(opts.init_from) / name, self.out / name)
        else:
            log(f"training a shared SentencePiece vocabulary ({recipe.vocab_size}) "
                f"on {len(src_lines)} pairs")
            train_tokenizer(src_lines, tgt_lines, self.out, recipe.vocab_size, opts.seed)
        self._load_data(src_lines, tgt_lines)
        log(f"{len(self.src)} training pairs ({sum(map(len, self.tgt))} target tokens), "
            f"{len(self.dsrc)} dev pairs; setup {time.perf_counter() - t_start:.1f}s")

        if opts.init_from and not resume:
            from transformers import MarianMTModel

            self.model = MarianMTModel.from_pretrained(str(opts.init_from),
                                                       dtype=torch.float32)
            freeze_positions(self.model)  # loading makes the sinusoid tables trainable again
        else:
            self.model = build_model(recipe, self.vocab_size)
        self.n_params = count_parameters(self.model)
        log(f"model: {self.n_params / 1e6:.2f}M parameters, {recipe}")
        self.model.to(device).train()
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(self.params, lr=self.peak, betas=(0.9, 0.98),
                                           eps=1e-9, weight_decay=recipe.weight_decay,
                                           fused=True)
        self.state = TrainState()
        self.ema = [p.detach().clone() for p in self.params]
        if ck is not None:
            self.model.load_state_dict(ck["model"])
            self.optimizer.load_state_dict(ck["optimizer"])
            self.state = TrainState(**ck["state"])
            random.setstate(ck["rng"])
            for e, saved in zip(self.ema, ck["ema"]):
                e.copy_(saved)
        budget = opts.minutes * 60 - (time.perf_counter() - t_start)
        self.state.budget_seconds = self.state.seconds + max(budget, 0.0)
        self.state.runs += 1
        self.start_step = self.state.step
        self.skipped = torch.zeros((), device=device)

    def _load_data(self, src_lines: list[str], tgt_lines: list[str]) -> None:
        """Encode; hold out a small deterministic dev set (loss monitoring, EMA choice)."""
        idx = list(range(len(src_lines)))
        random.Random(1234).shuffle(idx)
        n_dev = max(2, min(500, len(idx) // 50))
        dev, train_idx = sorted(idx[:n_dev]), idx[n_dev:]
        spm_file, max_len = self.out / "source.spm", self.recipe.max_len
        self.src, self.tgt = encode_pairs(spm_file, [src_lines[i] for i in train_idx],
                                          [tgt_lines[i] for i in train_idx], max_len)
        self.dsrc, self.dtgt = encode_pairs(spm_file, [src_lines[i] for i in dev],
                                            [tgt_lines[i] for i in dev], max_len)
        self.vocab_size = len(json.loads((self.out / "vocab.json").read_text(encoding="utf-8")))

    def _batches(self) -> list[list[int]]:
        rng = random.Random(self.opts.seed * 1000 + self.state.epoch)
        return token_batches(self.src, self.tgt, self.recipe.batch_tokens, rng)

    def _done(self) -> bool:
        if self.opts.max_steps is not None:
            return self.state.step >= self.opts.max_steps
        return self.state.seconds >= self.state.budget_seconds

    def _progress(self) -> float:
        if self.opts.max_steps:
            return self.state.step / self.opts.max_steps
        return self.state.seconds / max(self.state.budget_seconds, 1e-9)

    def loop(self) -> None:
        state, opts = self.state, self.opts
        self.batches = self._batches()
        t_run = last_ck = time.perf_counter()
        seconds_before = state.seconds
        last_log = (t_run, state.step, state.tokens)
        while True:
            state.seconds = seconds_before + (time.perf_counter() - t_run)
            if self._done():
                break
            if state.batch_in_epoch >= len(self.batches):
                state.epoch += 1
                state.batch_in_epoch = 0
                self.batches = self._batches()
            loss, norm, lr = self._step(self.batches[state.batch_in_epoch])
            if state.step % opts.log_every == 0 or state.step == 1:
                now = time.perf_counter()
                dt = max(now - last_log[0], 1e-9)
                log(f"step {state.step} epoch {state.epoch} loss {loss.item():.3f} "
                    f"lr {lr:.2e} |g| {float(norm):.2f} skipped {int(self.skipped.item())} "
                    f"{(state.step - last_log[1]) / dt:.1f} step/s "
                    f"{(state.tokens - last_log[2]) / dt:.0f} tgt-tok/s t={state.seconds:.0f}s")
                last_log = (now, state.step, state.tokens)
            if time.perf_counter() - last_ck >= opts.checkpoint_minutes * 60:
                self.save_checkpoint()
                log(f"checkpoint at step {state.step}: dev loss {self.dev_loss():.3f}")
                last_ck = time.perf_counter()

    def _step(self, batch: list[int]):
        import torch
        import torch.nn.functional as F

        state = self.state
        inp, mask, dec, lab = collate(self.src, self.tgt, batch, self.device)
        lr = lr_at(state.step, self._progress(), self.recipe, self.peak)
        for g in self.optimizer.param_groups:
            g["lr"] = lr
        with autocast(self.device):
            logits = self.model(input_ids=inp, attention_mask=mask,
                                decoder_input_ids=dec).logits
        loss = F.cross_entropy(logits.float().flatten(0, 1), lab.flatten(), ignore_index=-100,
                               label_smoothing=self.recipe.label_smoothing)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        # the fused AdamW skips its update on the device when the norm is not finite (no sync)
        found_inf = (~torch.isfinite(norm)).float()
        self.optimizer.found_inf = found_inf
        self.optimizer.step()
        self.skipped += found_inf
        decay = min(self.recipe.ema_decay, (1 + state.step) / (10 + state.step))
        torch._foreach_lerp_(self.ema, [p.detach() for p in self.params], 1 - decay)
        state.step += 1
        state.batch_in_epoch += 1
        state.tokens += sum(len(self.tgt[i]) for i in batch)
        return loss, norm, lr

    def dev_loss(self) -> float:
        return dev_loss(self.model, self.dsrc, self.dtgt, self.device, self.recipe.batch_tokens)

    def save_checkpoint(self) -> None:
        save_checkpoint(self.out, self.model, self.ema, self.optimizer, self.state,
                        self.recipe, self.opts.size)

    def finish(self) -> dict:
        """Checkpoint; keep the EMA or the raw weights (lower dev loss); write the model."""
        import torch

        state, params = self.state, self.params
        self.save_checkpoint()
        raw_loss = self.dev_loss()
        raw = [p.detach().clone() for p in params]
        torch._foreach_copy_([p.data for p in params], self.ema)
        ema_loss = self.dev_loss()
        use_ema = ema_loss <= raw_loss
        if not use_ema:
            torch._foreach_copy_([p.data for p in params], raw)
        log(f"done: step {state.step} ({state.step - self.start_step} this run), "
            f"{state.seconds:.0f}s training; dev loss raw {raw_loss:.3f} ema {ema_loss:.3f} "
            f"-> {'ema' if use_ema else 'raw'} weights")
        batches = getattr(self, "batches", None) or [None]
        info = {
            "recipe": "mtreview train-model", "size": self.opts.size, **asdict(self.recipe),
            "peak_lr": self.peak, "parameters": self.n_params, "vocab_size": self.vocab_size,
            "steps": state.step,
            "epochs": round(state.epoch + state.batch_in_epoch / len(batches), 2),
            "training_seconds": round(state.seconds, 1), "target_tokens_seen": state.tokens,
            "runs": state.runs, "skipped_updates": int(self.skipped.item()),
            "training_pairs": len(self.src), "dev_pairs": len(self.dsrc),
            "dev_loss": round(min(raw_loss, ema_loss), 4),
            "weights": "ema" if use_ema else "raw",
            "source": str(self.opts.source), "target": str(self.opts.target),
            "device": torch.cuda.get_device_name(self.device) if self.device.type == "cuda"
            else platform.processor() or platform.machine(),
            "torch": torch.__version__, "transformers": _transformers_version(),
        }
        save_model(self.out, self.model, info)
        return info


def _transformers_version() -> str:
    import transformers

    return transformers.__version__


def strip_checkpoint(out: Path) -> None:
    """Remove the resumable checkpoint (for shipping the model directory)."""
    shutil.rmtree(out / CHECKPOINT, ignore_errors=True)
