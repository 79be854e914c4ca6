"""Throughput of `mtreview translate`'s engine against a naive baseline, same model, same run.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_translate.py -s

Baseline: plain ``generate()`` on batches of 32 sentences in file order, fp32, no sorting,
torch's default threads. Engine: ``translate_project`` (length-sorted token-budget batches,
inference_mode, explicit GenerationConfig, per-batch length cap, deduplication, threads
matched to the idle cores), also with dynamic int8 quantisation.

Model: ``MTREVIEW_BENCH_MODEL`` (any --model value), else the first bundled model trained
here (a card in ``models/`` whose ``path`` exists, or a ``models/*/`` model directory). Without one, a randomly initialised Marian
of transformer-base size (d_model 512, 6+6 layers) with tokenizers trained here, whose EOS
logit is switched off (``final_logits_bias``) so that, in both paths, every batch generates
exactly ``ceil(LEN_RATIO x its longest source)`` tokens: the behaviour of a real model whose
outputs are about ``LEN_RATIO`` (``MTREVIEW_BENCH_LEN_RATIO``, default 1.1) times as long as
their sources, where a batch runs until its longest sentence is done. Target tokens then
count each sentence's own length (ceil(LEN_RATIO x its source tokens)), the same for both.

Lines: the first ``MTREVIEW_BENCH_LINES`` (default 128) FLORES-200 devtest sentences;
beams: ``MTREVIEW_BENCH_BEAMS`` (default 4); ``MTREVIEW_BENCH_SAME_THREADS=1`` adds the engine
at the baseline's thread count. Prints sentences/s, target tokens/s, ratios and,
for a trained model, BLEU of each path against the FLORES reference.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mtreview import paths
from mtreview.core.project import Project
from mtreview.core.types import Document, Segment
from mtreview.translate import cards
from mtreview.translate.batching import auto_threads
from mtreview.translate.run import translate_project, with_generation
from tests.conftest import FLORES, need_shared

pytestmark = pytest.mark.benchmark

N_LINES = int(os.environ.get("MTREVIEW_BENCH_LINES", "128"))
BEAMS = int(os.environ.get("MTREVIEW_BENCH_BEAMS", "4"))
LEN_RATIO = float(os.environ.get("MTREVIEW_BENCH_LEN_RATIO", "1.1"))


def trained_model() -> cards.ModelSpec | None:
    chosen = os.environ.get("MTREVIEW_BENCH_MODEL")
    if chosen:
        return cards.resolve_model(chosen)
    for card in cards.list_cards(paths.MODELS).values():
        if card.path is not None and (card.path / "config.json").is_file():
            return cards.resolve_model(card.name)
    for config in sorted(paths.MODELS.glob("*/config.json")):
        return cards.resolve_model(str(config.parent))
    return None


def random_marian(root: Path) -> cards.ModelSpec:
    from transformers import MarianMTModel

    from tests.translate.conftest import train_lines
    from tests.translate.tiny import build_model

    ar, en = train_lines(2000)
    path = build_model("marian", root / "marian-base-random", ar, en, d_model=512, layers=6,
                       heads=8, ffn=2048, vocab=8000)
    model = MarianMTModel.from_pretrained(path)
    model.final_logits_bias[0, model.config.eos_token_id] = -1e4  # never ends a sentence
    model.save_pretrained(path)
    spec = cards.resolve_model(str(path))
    return with_generation(spec, max_len_a=LEN_RATIO, max_len_b=0, max_new_tokens=512)


def length_rule(spec: cards.ModelSpec) -> bool:
    return "max_len_a" in spec.generation


def naive(spec: cards.ModelSpec, lines: list[str], device: str = "cpu"
          ) -> tuple[list[str], float, int]:
    """Plain generate(): batches of 32 in file order, fp32, padding to the batch, no sorting."""
    import math

    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from mtreview.translate.families import get_family

    family = get_family(spec.family)
    tok = AutoTokenizer.from_pretrained(spec.path, **family.tokenizer_kwargs(spec.src, spec.tgt))
    model = AutoModelForSeq2SeqLM.from_pretrained(spec.path, dtype=torch.float32).eval()
    model.to(device)
    gen = dict(num_beams=BEAMS, max_new_tokens=int(spec.generation.get("max_new_tokens", 256)),
               **family.generation_ids(tok, spec.src, spec.tgt))
    for key in ("no_repeat_ngram_size", "length_penalty", "repetition_penalty"):
        if key in spec.generation:  # the card's output settings, as the engine uses them
            gen[key] = spec.generation[key]
    out_texts, n_tokens = [], 0
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(lines), 32):
            enc = tok(lines[i:i + 32], return_tensors="pt", padding=True, truncation=True
                      ).to(device)
            if length_rule(spec):  # the emulated model: the batch runs for its longest source
                gen["max_new_tokens"] = math.ceil(LEN_RATIO * enc["input_ids"].shape[1])
            out = model.generate(**enc, **gen).cpu()
            n_tokens += int(((out != tok.pad_token_id) & (out != tok.eos_token_id)).sum())
            out_texts += tok.batch_decode(out, skip_special_tokens=True)
    return out_texts, time.perf_counter() - start, n_tokens


def own_lengths(spec: cards.ModelSpec, lines: list[str]) -> int:
    """Target tokens of the emulated model: each sentence's own ceil(LEN_RATIO x source)."""
    import math

    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(spec.path)
    return sum(math.ceil(LEN_RATIO * len(ids)) for ids in tok(lines)["input_ids"])


def engine(spec, lines, root: Path, label: str, device: str = "cpu", **options
           ) -> tuple[list[str], float, int]:
    segments = [Segment(i + 1, "flores", 0, s) for i, s in enumerate(lines)]
    project = Project.create(root / f"proj-{label}", [Document("flores", 0)], segments)
    with project:
        result = translate_project(project, spec, label, device=device, beams=BEAMS,
                                   progress=False, **options)
        texts = project.store.translations(label)
    return [texts[i + 1] for i in range(len(lines))], result.seconds, result.target_tokens


def bleu(hyps: list[str], refs: list[str]) -> float:
    import sacrebleu

    return sacrebleu.corpus_bleu(hyps, [refs]).score


FP32 = "engine fp32 (--quantize none)"


def test_engine_vs_naive_generate(tmp_path_factory):
    import torch

    flores = need_shared(FLORES)
    lines = (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:N_LINES]
    refs = (flores / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()[:N_LINES]
    root = tmp_path_factory.mktemp("bench-translate")
    spec = trained_model()
    trained = spec is not None
    spec = spec or random_marian(root)
    default_threads = torch.get_num_threads()

    naive(spec, lines[:4])  # warm-up (allocators, kernels) outside the timings
    base_texts, base_s, base_tok = naive(spec, lines)
    threads = auto_threads()
    torch.set_num_threads(threads)  # the same baseline at the engine's thread count
    same_texts, same_s, same_tok = naive(spec, lines)
    # "engine": `mtreview translate` with the card's defaults (the bundled card asks for
    # int8 on the CPU); the fp32 and int8 rows pin the choice either way
    runs = {"engine": engine(spec, lines, root, "engine"),
            "engine fp32 (--quantize none)": engine(spec, lines, root, "fp32", quantize="none"),
            "engine + int8": engine(spec, lines, root, "int8", quantize="int8")}
    if os.environ.get("MTREVIEW_BENCH_SAME_THREADS"):  # separates the thread-count effect
        runs["engine, baseline's threads"] = engine(spec, lines, root, "same-threads",
                                                    threads=default_threads)
    torch.set_num_threads(default_threads)

    n = len(lines)
    kind = "trained" if trained else f"random, no EOS, length {LEN_RATIO} x source"
    if not trained:  # count useful tokens (each sentence's own length), not batch padding
        useful = own_lengths(spec, lines)
        base_tok = same_tok = useful
        runs = {k: (t, s, useful) for k, (t, s, _) in runs.items()}
    print(f"\nmodel {spec.ref} [{spec.family}, {kind}], {n} FLORES devtest lines, beams {BEAMS},"
          f" CPU, torch default threads {default_threads}, load {os.getloadavg()[0]:.1f}")
    print(f"{'path':<36}{'sent/s':>9}{'tgt tok/s':>11}{'ratio':>8}" + ("  BLEU" if trained else ""))
    rows = [("naive generate (32, file order)", base_texts, base_s, base_tok),
            (f"naive, engine's threads ({threads})", same_texts, same_s, same_tok)]
    rows += [(label, t, s, k) for label, (t, s, k) in runs.items()]
    for label, texts, secs, toks in rows:
        extra = f"  {bleu(texts, refs):5.1f}" if trained else ""
        print(f"{label:<36}{n / secs:>9.2f}{toks / secs:>11.1f}{base_s / secs:>8.2f}{extra}")
    ratio = base_s / runs["engine"][1]
    fair = same_s / runs["engine"][1]
    best = max(base_s / s for _, s, _ in runs.values())
    print(f"engine / naive: {ratio:.2f}x (best configuration {best:.2f}x; target 2x on CPU); "
          f"at equal threads: {fair:.2f}x; fp32 {same_s / runs[FP32][1]:.2f}x, "
          f"int8 {same_s / runs['engine + int8'][1]:.2f}x")
    assert ratio > 1.0 and fair > 1.0


GPU_LINES = int(os.environ.get("MTREVIEW_BENCH_GPU_LINES", "1012"))


def test_gpu_bf16_sorting_static_cache_vs_naive(tmp_path_factory):
    """On CUDA: the naive baseline (fp32, batches of 32 in file order) against the engine in
    bf16 with sorted token-budget batches, with the static KV cache (its time includes
    transformers' compile of the decoder step, once per run) and the dynamic one.

        MTREVIEW_BENCH_GPU_LINES=1012 pytest tests/benchmarks/test_bench_translate.py -s -k gpu
    """
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    flores = need_shared(FLORES)
    lines = (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:GPU_LINES]
    refs = (flores / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()[:GPU_LINES]
    root = tmp_path_factory.mktemp("bench-translate-gpu")
    spec = trained_model() or random_marian(root)
    n = len(lines)
    import transformers

    print(f"\nmodel {spec.ref}, {n} FLORES devtest lines, beams {BEAMS}, "
          f"{torch.cuda.get_device_name()}, torch {torch.__version__}, "
          f"transformers {transformers.__version__}")
    print(f"{'path':<44}{'sent/s':>9}{'tgt tok/s':>11}{'ratio':>8}  BLEU", flush=True)
    naive(spec, lines[:8], "cuda")  # CUDA context, kernels, allocator: outside the timings
    results = {}

    def show(label, texts, secs, toks):
        results[label] = secs
        ratio = results["naive fp32 (32, file order)"] / secs
        print(f"{label:<44}{n / secs:>9.2f}{toks / secs:>11.1f}{ratio:>8.2f}"
              f"  {bleu(texts, refs):5.1f}", flush=True)

    show("naive fp32 (32, file order)", *naive(spec, lines, "cuda"))
    # the defaults: bf16, sorted 65536-token batches, the card's cuda_cache (static for the
    # bundled model), the compile included; then the same with its compiled graphs cached
    show("engine, defaults", *engine(spec, lines, root, "defaults", device="cuda"))
    show("  again (compiled graphs cached)",
         *engine(spec, lines, root, "defaults-2", device="cuda"))
    show("engine, --cache static", *engine(spec, lines, root, "static", device="cuda",
                                           cache="static"))
    show("engine, --cache dynamic", *engine(spec, lines, root, "dynamic", device="cuda",
                                            cache="dynamic"))
    show("engine, --cache dynamic --batch-tokens 16384",
         *engine(spec, lines, root, "dynamic-16k", device="cuda", cache="dynamic",
                 batch_tokens=16384))
    best = max(results["naive fp32 (32, file order)"] / s for s in results.values())
    print(f"best / naive: {best:.2f}x (target 2x with bf16, sorting and a static KV cache)")
    assert best > 1.0
