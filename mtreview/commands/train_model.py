"""mtreview train-model: train a small Marian-architecture translation model from scratch."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "train a small Arabic→English translation model (the bundled model's recipe)"


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text!r}")
        return value
    return parse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", required=True, metavar="FILE", type=Path,
                   help="source-language training text, one sentence a line (.gz allowed)")
    p.add_argument("--target", required=True, metavar="FILE", type=Path,
                   help="target-language training text, line-aligned with --source (.gz allowed)")
    p.add_argument("--out", required=True, metavar="DIR", type=Path,
                   help="output model directory; an existing one with a checkpoint is resumed")
    p.add_argument("--size", choices=("tiny", "small"), default="small",
                   help="tiny (tests, smoke runs) or small (24M parameters, 48 MB in fp16)")
    p.add_argument("--minutes", type=_positive(float), default=60.0,
                   help="time budget of this run in minutes (default 60); training stops "
                        "cleanly and the model is written when it runs out")
    p.add_argument("--max-steps", type=_positive(int), default=None, metavar="N",
                   help="stop at this total step count instead of the time budget")
    p.add_argument("--batch-tokens", type=_positive(int), default=None, metavar="N",
                   help="padded tokens per batch (default: the size's)")
    p.add_argument("--lr", type=_positive(float), default=None, help="peak learning rate")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--checkpoint-minutes", type=_positive(float), default=2.0, metavar="M",
                   help="write a resumable checkpoint every M minutes (default 2)")
    p.add_argument("--eval-source", type=Path, metavar="FILE",
                   help="held-out source text translated after training (BLEU/chrF printed)")
    p.add_argument("--eval-reference", type=Path, metavar="FILE",
                   help="references for --eval-source")
    p.add_argument("--eval-beams", type=_positive(int), default=4, metavar="N")
    p.add_argument("--init-from", type=Path, metavar="DIR",
                   help="start from this train-model output (its tokenizer and weights) "
                        "instead of from scratch: fine-tuning or continued training")
    p.add_argument("--warmup-steps", type=_positive(int), default=None, metavar="N",
                   help="learning-rate warm-up steps (default: the size's)")
    p.add_argument("--log-every", type=_positive(int), default=100, metavar="N",
                   help="log the loss every N steps (default 100)")


def run(args: argparse.Namespace) -> int:
    from mtreview.train.recipe import TrainOptions, train

    info = train(TrainOptions(
        source=args.source, target=args.target, out=args.out, size=args.size,
        minutes=args.minutes, max_steps=args.max_steps, batch_tokens=args.batch_tokens,
        lr=args.lr, device=args.device, seed=args.seed,
        checkpoint_minutes=args.checkpoint_minutes, eval_source=args.eval_source,
        eval_reference=args.eval_reference, eval_beams=args.eval_beams, log_every=args.log_every,
        init_from=args.init_from, warmup_steps=args.warmup_steps))
    line = (f"wrote {args.out}: {info['parameters'] / 1e6:.2f}M parameters, step {info['steps']}, "
            f"dev loss {info['dev_loss']}")
    if "eval" in info:
        line += f", {info['eval']['file']}: BLEU {info['eval']['bleu']} chrF {info['eval']['chrf']}"
    print(line)
    return 0
