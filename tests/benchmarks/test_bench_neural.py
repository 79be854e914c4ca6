"""COMET scoring speed: mtreview against unbabel-comet on the same checkpoint, same run.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_neural.py -s

unbabel-comet cannot be installed beside mtreview (it pins transformers<5, numpy<2), so it
runs in its own virtual environment, ``MTREVIEW_COMET_VENV`` (default /work/comet-venv;
made as tests/neural/fixtures/make_fixtures.py says); without it the benchmark skips.

Checkpoint: a randomly initialised COMET-22-shaped RegressionMetric (XLM-R large: 24 layers,
hidden 1024, 16 heads, FFN 4096; estimator 3072-1024; sparsemax layer mix; avg pooling),
built by unbabel-comet itself in that environment. Its vocabulary is the 400-piece test
tokenizer instead of XLM-R's 250k pieces: an embedding lookup costs the same either way,
and the checkpoint stays at 1.2 GB instead of 2.2 GB. Kept in ``MTREVIEW_BENCH_DIR``
(default: ~/.cache/mtreview/bench-neural) for the next run.

Segments: the first ``MTREVIEW_BENCH_LINES`` (default 32) FLORES devtest lines, BLOOM's
translations. unbabel-comet: ``model.predict(batch_size=16, gpus=0)`` (comet-score's
defaults, on the CPU); mtreview: ``segment_scores`` (token-budget batches of length-sorted
distinct texts, inference_mode, auto threads), in fp32 (parity) and again in bf16
(``--metric-precision bf16``). Model loading is outside every timing. Prints segments/s of
each, the ratios, the largest score differences, and the CPU's bf16 units.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import FLORES, need_shared

pytestmark = pytest.mark.benchmark

FIX = Path(__file__).resolve().parents[1] / "neural" / "fixtures"
VENV = Path(os.environ.get("MTREVIEW_COMET_VENV", "/work/comet-venv"))
N_LINES = int(os.environ.get("MTREVIEW_BENCH_LINES", "32"))
BENCH_DIR = Path(os.environ.get("MTREVIEW_BENCH_DIR",
                                Path.home() / ".cache" / "mtreview" / "bench-neural"))

BUILD = textwrap.dedent("""
    import json, os, shutil, sys, torch
    from pathlib import Path
    out, fix = Path(sys.argv[1]), Path(sys.argv[2])
    os.chdir(out)
    enc = out / "xlmr-large"
    enc.mkdir(exist_ok=True)
    for f in (fix / "xlmr-tiny").iterdir():
        if f.name != "config.json":
            shutil.copy(f, enc / f.name)
    cfg = json.loads((fix / "xlmr-tiny" / "config.json").read_text())
    cfg.update(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
               intermediate_size=4096)
    (enc / "config.json").write_text(json.dumps(cfg))
    from comet.models.regression.regression_metric import RegressionMetric
    import pytorch_lightning as ptl, yaml
    torch.manual_seed(0)
    m = RegressionMetric(pretrained_model="xlmr-large", load_pretrained_weights=False,
                         local_files_only=True, hidden_sizes=[3072, 1024],
                         layer_transformation="sparsemax", layer_norm=False, pool="avg")
    with torch.no_grad():
        for p in m.layerwise_attention.scalar_parameters:
            p.normal_()
    ck = out / "comet-large" / "checkpoints"
    ck.mkdir(parents=True, exist_ok=True)
    hp = dict(m.hparams)
    hp["pretrained_model"] = "xlmr-large"
    torch.save({"state_dict": m.state_dict(), "hyper_parameters": hp,
                "pytorch-lightning_version": ptl.__version__}, ck / "model.ckpt")
    (out / "comet-large" / "hparams.yaml").write_text(yaml.safe_dump(hp))
""")

SCORE = textwrap.dedent("""
    import json, os, sys, time
    os.chdir(sys.argv[1])
    from comet import load_from_checkpoint
    samples = json.loads(open(sys.argv[2]).read())
    model = load_from_checkpoint("comet-large/checkpoints/model.ckpt", local_files_only=True)
    t = time.perf_counter()
    out = model.predict(samples, batch_size=16, gpus=0, progress_bar=False)
    print(json.dumps({"seconds": time.perf_counter() - t, "scores": list(out.scores)}))
""")


def _python() -> Path:
    py = VENV / "bin" / "python"
    if not py.is_file():
        msg = f"{py} is missing: unbabel-comet's own environment is needed for this benchmark"
        pytest.skip(msg)
    return py


def test_comet_speed_against_unbabel_comet(tmp_path):
    py = _python()
    fl = need_shared(FLORES)
    read = lambda n: (fl / n).read_text("utf-8").split("\n")[:N_LINES]
    src, ref = read("arb_Arab.devtest"), read("eng_Latn.devtest")
    mt = read("systems/bloom-176b-1shot.en")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    ckpt = BENCH_DIR / "comet-large"
    if not (ckpt / "checkpoints" / "model.ckpt").is_file():
        subprocess.run([py, "-c", BUILD, BENCH_DIR, FIX], check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    samples = tmp_path / "samples.json"
    samples.write_text(json.dumps([{"src": s, "mt": m, "ref": r}
                                   for s, m, r in zip(src, mt, ref)]))
    r = subprocess.run([py, "-c", SCORE, BENCH_DIR, samples], capture_output=True, text=True,
                       check=False,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    theirs = json.loads(r.stdout.strip().splitlines()[-1])

    from mtreview.metrics.neural import FAMILY, segment_scores
    from mtreview.metrics.neural.resolve import resolve
    from mtreview.metrics.neural.runner import load
    c = resolve("comet", str(ckpt), FAMILY["comet"])
    load(c)
    t = time.perf_counter()
    ours = segment_scores(c, mt, src, ref)
    seconds = time.perf_counter() - t
    n = len(mt)
    diff = max(abs(a - b) for a, b in zip(ours, theirs["scores"]))
    print(f"\nCOMET (XLM-R large, random), {n} FLORES segments, CPU ({os.cpu_count()} cores)")
    print(f"  unbabel-comet 2.2.7: {n / theirs['seconds']:.2f} segments/s "
          f"({theirs['seconds']:.1f} s)")
    print(f"  mtreview:            {n / seconds:.2f} segments/s ({seconds:.1f} s)")
    print(f"  ratio: {theirs['seconds'] / seconds:.2f}x; largest score difference {diff:.1e}")
    load(c, "bf16")
    t = time.perf_counter()
    fast = segment_scores(c, mt, src, ref, precision="bf16")
    s16 = time.perf_counter() - t
    d16 = max(abs(a - b) for a, b in zip(fast, ours))
    mean_shift = abs(sum(fast) - sum(ours)) / n
    flags = Path("/proc/cpuinfo").read_text().split("flags", 2)[1].split("\n", 1)[0].split()
    bf16_units = [f for f in ("amx_bf16", "avx512_bf16") if f in flags] or ["none"]
    print(f"  mtreview --metric-precision bf16: {n / s16:.2f} segments/s ({s16:.1f} s): "
          f"{theirs['seconds'] / s16:.2f}x unbabel-comet, {seconds / s16:.2f}x fp32; "
          f"CPU bf16 units: {', '.join(bf16_units)}")
    print(f"  bf16 against fp32: largest segment difference {d16:.1e}, system score moved "
          f"{mean_shift:.1e}")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
    assert diff < 1e-4
