"""`mtreview report --metrics comet,cometkiwi,metricx` end to end on FLORES + BLOOM with the
tiny test checkpoints: every output format, significance, the store's cache, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import FLORES, need_shared, run_cli

FIX = Path(__file__).resolve().parent / "fixtures"
FORMATS = ("table", "json", "markdown", "csv", "html")


def ok(*args, env=None):
    r = run_cli(*args, env=env)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """FLORES devtest (1,012 lines), BLOOM, and BLOOM with its last 512 lines replaced by
    the reference (a system that must come out clearly better)."""
    fl = need_shared(FLORES)
    tmp = tmp_path_factory.mktemp("neural_report")
    bloom = fl / "systems" / "bloom-176b-1shot.en"
    mixed = tmp / "mixed.en"
    b = bloom.read_text("utf-8").split("\n")[:500]
    r = (fl / "eng_Latn.devtest").read_text("utf-8").split("\n")[500:]
    mixed.write_text("\n".join(b + r), encoding="utf-8")
    proj = tmp / "proj"
    ok("init", proj, "--source", fl / "arb_Arab.devtest", "--reference", fl / "eng_Latn.devtest")
    ok("add-system", proj, "bloom", bloom)
    ok("add-system", proj, "mixed", mixed)
    sys.path.insert(0, str(FIX))
    try:
        import tiny_weights
    finally:
        sys.path.remove(str(FIX))
    mx = tmp / "metricx-tiny"
    tiny_weights.write_metricx_checkpoint(mx, FIX / "mt5-tiny")
    models = ["--metric-model", f"comet={FIX / 'comet-tiny'}",
              "--metric-model", f"cometkiwi={FIX / 'cometkiwi-tiny'}",
              "--metric-model", f"metricx={mx}"]
    return {"dir": proj, "models": models, "tmp": tmp}


def test_report_scores_cache_and_every_format(project):
    proj, models = project["dir"], project["models"]
    args = ["report", proj, "--metrics", "bleu,comet,cometkiwi,metricx", *models,
            "--bootstrap", "200", "--ar", "200"]
    first = json.loads(ok(*args, "--format", "json").stdout)
    for m in ("comet", "cometkiwi", "metricx"):
        assert "sha256:" in first["signatures"][m]
        for s in ("bloom", "mixed"):
            e = first["systems"][s][m]
            segs = [row["scores"][s][m] for row in first["segment_scores"]]
            assert len(segs) == 1012
            assert e["score"] == pytest.approx(sum(segs) / len(segs), abs=1e-9)
            assert e["ci"] > 0  # the ±95% half-width of the bootstrap
        assert first["systems"]["mixed"][m]["p_bs"] is not None
        assert first["clusters"][m]
    for m in ("comet", "cometkiwi", "metricx"):  # 512 lines changed: every score moves
        assert first["systems"]["mixed"][m]["score"] != first["systems"]["bloom"][m]["score"]
    # The second run reads every score from the store: torch cannot even be imported.
    blocker = project["tmp"] / "no-torch"
    (blocker / "torch").mkdir(parents=True, exist_ok=True)
    (blocker / "torch" / "__init__.py").write_text("raise ImportError('torch was imported')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")])}
    for fmt in FORMATS:
        out = ok(*args, "--format", fmt, env=env).stdout
        assert "COMET" in out or "comet" in out
        if fmt == "json":
            again = json.loads(out)
            for m in ("comet", "cometkiwi", "metricx"):
                assert again["systems"]["bloom"][m] == first["systems"]["bloom"][m]
                assert again["signatures"][m] == first["signatures"][m]


def test_bf16_scores_are_cached_apart_and_close_to_fp32(project):
    """--metric-precision bf16 (the fast path on GPUs and AMX CPUs) gives scores of its own
    signature, near the fp32 ones; auto is fp32 on a machine without CUDA."""
    from mtreview.metrics.neural import cuda_wanted

    proj, models = project["dir"], project["models"]
    args = ["report", proj, "--metrics", "comet,cometkiwi,metricx", *models,
            "--bootstrap", "0", "--ar", "0", "--format", "json"]
    runs = {p: json.loads(ok(*args, "--metric-precision", p).stdout)
            for p in ("fp32", "bf16", "auto")}
    for m, tolerance in (("comet", 0.05), ("cometkiwi", 0.05), ("metricx", 1.0)):
        sig32, sig16 = runs["fp32"]["signatures"][m], runs["bf16"]["signatures"][m]
        assert "|prec:fp32|" in sig32 and sig16 == sig32.replace("prec:fp32", "prec:bf16")
        if not cuda_wanted():
            assert runs["auto"]["signatures"][m] == sig32
        a = [row["scores"]["bloom"][m] for row in runs["fp32"]["segment_scores"]]
        b = [row["scores"]["bloom"][m] for row in runs["bf16"]["segment_scores"]]
        diffs = [abs(x - y) for x, y in zip(a, b)]
        assert 0 < max(diffs) <= tolerance, (m, max(diffs))  # computed apart, yet close
    again = json.loads(ok(*args, "--metric-precision", "bf16").stdout)
    assert again["segment_scores"] == runs["bf16"]["segment_scores"]


def test_xcomet_error_spans_in_the_json_report_cached_with_the_scores(project):
    """An xCOMET checkpoint as comet (with references) and as cometkiwi (without): each row of
    ``segment_scores`` carries each system's predicted spans, unbabel-comet's on the parity
    lines; a warm run reads them from the store (torch cannot be imported) and writes the
    same JSON."""
    from tests.neural.test_parity import XCOMET, _check_spans

    xc = FIX / "xcomet-tiny"
    args = ["report", project["dir"], "--metrics", "bleu,comet,cometkiwi",
            "--metric-model", f"comet={xc}", "--metric-model", f"cometkiwi={xc}",
            "--bootstrap", "0", "--ar", "0", "--format", "json", "--metric-precision", "fp32"]
    first = ok(*args).stdout
    rows = json.loads(first)["segment_scores"]
    assert all(set(r["error_spans"]) == {"bloom", "mixed"} for r in rows)
    assert all(set(r["error_spans"]["mixed"]) == {"comet", "cometkiwi"} for r in rows)
    parity = [rows[i - 1] for i in XCOMET["flores_lines"]]
    for m, k in (("comet", "xcomet"), ("cometkiwi", "xcomet_qe")):
        _check_spans([r["error_spans"]["bloom"][m] for r in parity], XCOMET[k]["error_spans"])
        got = [r["scores"]["bloom"][m] for r in parity]
        assert max(abs(a - b) for a, b in zip(got, XCOMET[k]["scores"])) <= 1e-5
    blocker = project["tmp"] / "no-torch"
    (blocker / "torch").mkdir(parents=True, exist_ok=True)
    (blocker / "torch" / "__init__.py").write_text("raise ImportError('torch was imported')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")])}
    assert ok(*args, env=env).stdout == first
    plain = json.loads(ok("report", project["dir"], "--metrics", "bleu", "--bootstrap", "0",
                          "--ar", "0", "--format", "json").stdout)
    assert "error_spans" not in plain["segment_scores"][0]  # other metrics: rows unchanged


def _digest(d: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(d.iterdir()):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("args, message", [
    (["--metrics", "comet", "--metric-model", "comet=Unbabel/wmt22-comet-da"],
     "huggingface-cli download Unbabel/wmt22-comet-da"),
    (["--metrics", "comet"], "huggingface-cli download Unbabel/wmt22-comet-da"),
    (["--metrics", "metricx"], "huggingface-cli download google/metricx-24-hybrid-large-v2p6"),
    (["--metrics", "comet", "--metric-model", "comet"], "must be METRIC=MODEL"),
    (["--metrics", "bleu", "--metric-model", f"comet={FIX / 'comet-tiny'}"],
     "comet is not among --metrics"),
    (["--metrics", "bleu", "--metric-model", "bleu=x"], "bleu does not use a model"),
    (["--metrics", "comet", "--metric-model", f"comet={FIX / 'mt5-tiny'}"],
     "is not a COMET checkpoint"),
    (["--metrics", "metricx", "--metric-model", f"metricx={FIX / 'comet-tiny'}"],
     "is not a MetricX checkpoint"),
    (["--metrics", "comet", "--metric-model", "comet=no/such/dir"], "not found"),
    (["--metrics", "comet", "--metric-precision", "fp16"], "must be one of auto, fp32, bf16"),
    (["--metrics", "bleu", "--metric-precision", "\x1b[31m"], "must be one of auto, fp32, bf16"),
    (["--metrics", "cometkiwi", "--metric-model", "cometkiwi=wmt22-comet-da"],
     "is for comet, not cometkiwi"),
])
def test_missing_or_wrong_model_one_line_exit_2(project, tmp_path, args, message):
    before = _digest(project["dir"])
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    r = run_cli("report", project["dir"], *args, env=env)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtreview: error:"), r.stderr
    assert message in lines[0]
    assert _digest(project["dir"]) == before
