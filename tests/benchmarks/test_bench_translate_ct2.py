"""`mtreview translate --engine ctranslate2` against the Transformers engine's default, same
model, same lines, same run (issue 19).

    .venv/bin/python -m pytest tests/benchmarks/test_bench_translate_ct2.py -s

Model: the bundled ``mtreview-ar-en-small`` (``MTREVIEW_BENCH_MODEL`` to choose another);
lines: the first ``MTREVIEW_BENCH_LINES`` (default 200) FLORES-200 devtest sentences; beams 4;
CPU. Baseline: ``translate_project`` with the card's defaults (the Transformers engine, int8
dynamic quantisation on the CPU, the card's ``no_repeat_ngram_size``). Rows: the same with
``engine="ctranslate2"`` (int8 by default) and with ``--quantize none`` (float32). The
conversion is done (and cached) before the timings, as a second run would find it; its own
time is printed. Prints sentences/s, the ratio to the baseline, chrF and BLEU against the
FLORES references. Target: >= 3x the baseline, chrF within 0.5.
"""

from __future__ import annotations

import os
import time

import pytest

from mtreview.core.project import Project
from mtreview.core.types import Document, Segment
from mtreview.translate import cards
from mtreview.translate.run import translate_project, weights_hash
from tests.conftest import FLORES, need_shared

pytestmark = pytest.mark.benchmark

N_LINES = int(os.environ.get("MTREVIEW_BENCH_LINES", "200"))
BEAMS = 4


def run(spec, lines, root, label, **options) -> tuple[list[str], float]:
    segments = [Segment(i + 1, "flores", 0, s) for i, s in enumerate(lines)]
    project = Project.create(root / f"proj-{label}", [Document("flores", 0)], segments)
    with project:
        result = translate_project(project, spec, label, device="cpu", beams=BEAMS,
                                   progress=False, **options)
        texts = project.store.translations(label)
    return [texts[i + 1] for i in range(len(lines))], result.seconds


def test_ctranslate2_vs_transformers_default(tmp_path_factory, monkeypatch):
    pytest.importorskip("ctranslate2")
    import sacrebleu

    from mtreview.translate.ct2 import convert

    flores = need_shared(FLORES)
    lines = (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:N_LINES]
    refs = (flores / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()[:N_LINES]
    root = tmp_path_factory.mktemp("bench-ct2")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))  # a cold conversion, timed
    spec = cards.resolve_model(os.environ.get("MTREVIEW_BENCH_MODEL", "mtreview-ar-en-small"))
    started = time.perf_counter()
    convert(spec, weights_hash(spec.path))
    converted_s = time.perf_counter() - started

    run(spec, lines[:4], root, "warm-up")  # allocators, kernels: outside the timings
    rows = {"transformers (default: card, int8)": run(spec, lines, root, "transformers"),
            "ctranslate2 (default: int8)": run(spec, lines, root, "ct2",
                                               engine="ctranslate2"),
            "ctranslate2 --quantize none": run(spec, lines, root, "ct2-fp32",
                                               engine="ctranslate2", quantize="none")}
    base_texts, base_s = rows["transformers (default: card, int8)"]
    n = len(lines)
    print(f"\nmodel {spec.ref}, {n} FLORES devtest lines, beams {BEAMS}, CPU, "
          f"load {os.getloadavg()[0]:.1f}; conversion {converted_s:.1f}s (once, cached)")
    print(f"{'path':<38}{'sent/s':>8}{'ratio':>7}{'chrF':>7}{'BLEU':>7}")
    scores = {}
    for label, (texts, secs) in rows.items():
        chrf = sacrebleu.corpus_chrf(texts, [refs]).score
        scores[label] = chrf
        print(f"{label:<38}{n / secs:>8.2f}{base_s / secs:>7.2f}{chrf:>7.2f}"
              f"{sacrebleu.corpus_bleu(texts, [refs]).score:>7.2f}")
    ratio = base_s / rows["ctranslate2 (default: int8)"][1]
    delta = scores["ctranslate2 (default: int8)"] - scores["transformers (default: card, int8)"]
    same = sum(a == b for a, b in zip(base_texts, rows["ctranslate2 (default: int8)"][0]))
    print(f"ctranslate2 / transformers default: {ratio:.2f}x (target 3x), chrF {delta:+.2f} "
          f"(target within 0.5); identical outputs {same}/{n}")
    assert ratio > 1.0 and abs(delta) < 2.0
