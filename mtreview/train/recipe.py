"""The training recipe: ``TrainOptions`` and ``train(opts)`` (``mtreview train-model``), a fresh,
resumed or fine-tuning run of the loop described in ``mtreview.train``.
"""

from __future__ import annotations

import json
import platform
import random
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from mtreview.errors import UserError
from mtreview.train.data import collate, encode_pairs, read_parallel, token_batches, train_tokenizer
from mtreview.train.model import (
    CHECKPOINT,
    SIZES,
    STATE_FILE,
    TOKENIZER_FILES,
    TrainState,
    autocast,
    build_model,
    check_out_dir,
    count_parameters,
    dev_loss,
    evaluate,
    freeze_positions,
    log,
    lr_at,
    save_checkpoint,
    save_model,
    transformers_version,
)
from mtreview.translate.batching import torch_device


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
    device = torch_device(opts.device)
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
        self.optimizer.found_inf = found_inf  # type: ignore[attr-defined]
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
            "torch": torch.__version__, "transformers": transformers_version(),
        }
        save_model(self.out, self.model, info)
        return info


