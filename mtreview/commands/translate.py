"""mtreview translate: add a system translated by a Hugging Face model."""

from __future__ import annotations

import argparse
import sys

HELP = "translate the project with a Hugging Face model (offline, resumable)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--model", required=True, metavar="MODEL",
                   help="a model directory, a card name in models/ (or a .toml card), "
                        "or a hub id already in the local Hugging Face cache")
    p.add_argument("--name", help="system name (default: the model's name)")
    p.add_argument("--engine", default="transformers",
                   help="transformers (default): generate() in PyTorch; ctranslate2: the "
                        "model converted once (cached) and run by CTranslate2, int8 on the CPU")
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    p.add_argument("--batch-tokens", type=int, metavar="N",
                   help="padded source tokens x beams per batch (default: card, else "
                        "4096 on CPU, 65536 on CUDA)")
    p.add_argument("--beams", type=int, metavar="N", help="beam size (default: card, else 4)")
    p.add_argument("--max-new-tokens", type=int, metavar="N",
                   help="most tokens generated per sentence (default: card, else 256)")
    p.add_argument("--dtype", default="auto",
                   help="auto (bfloat16 on CUDA, float32 on CPU), float32, bfloat16, float16")
    p.add_argument("--quantize", default=None,
                   help="none or int8: dynamic int8 Linear layers on the CPU (default: the "
                        "card's); with --engine ctranslate2, int8 weights (default on the CPU)")
    p.add_argument("--threads", type=int, default=0, metavar="N",
                   help="CPU threads (default 0: the cores not already busy)")
    p.add_argument("--cache", default=None,
                   help="dynamic or static: one padded batch shape and a static KV cache, "
                        "which transformers compiles on CUDA (default: the card's cuda_cache "
                        "on CUDA, else dynamic)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before huggingface_hub reads it: no network
    from mtreview.commands.add_system import check_system_name
    from mtreview.core.project import Project

    if args.name is not None:
        args.name = check_system_name(args.name)  # no control/bidi characters, no '/'

    from mtreview.translate.cards import resolve_model

    with Project.open(args.dir) as project:
        spec = resolve_model(args.model, src_lang=project.src_lang, tgt_lang=project.tgt_lang)
        from mtreview.translate.run import translate_project

        try:
            result = translate_project(
                project, spec, args.name, device=args.device, batch_tokens=args.batch_tokens,
                beams=args.beams, max_new_tokens=args.max_new_tokens, dtype=args.dtype,
                quantize=args.quantize, engine=args.engine, threads=args.threads, cache=args.cache,
                progress=not args.quiet)
        except KeyboardInterrupt:
            sys.stderr.write("\nmtreview: interrupted; finished batches are saved, run the "
                             "same command again to resume\n")
            raise
        name = result.system.name
        if result.up_to_date:
            print(f"system {name!r} is up to date ({result.total} translations)")
            return 0
        rate = result.translated / result.seconds if result.seconds else 0.0
        print(f"system {name!r}: translated {result.translated} segment(s) in "
              f"{result.seconds:.1f}s ({rate:.1f} sent/s, "
              f"{result.target_tokens / max(result.seconds, 1e-9):.0f} target tokens/s)")
    return 0
