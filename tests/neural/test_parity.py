"""Parity: mtreview's neural metrics against the reference implementations' own scores.

The expected scores were made by ``fixtures/make_fixtures.py`` with unbabel-comet 2.2.7 and
google-research/metricx (transformers 4) on tiny randomly initialised checkpoints; here
the same checkpoints are scored by mtreview (transformers 5) on the same FLORES lines.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import FLORES, need_shared

FIX = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIX / "expected.json").read_text("utf-8"))
TOL = 1e-5


@pytest.fixture(scope="module")
def texts():
    root = need_shared(FLORES)
    read = lambda name: (root / name).read_text("utf-8").split("\n")
    src, ref, mt = read("arb_Arab.devtest"), read("eng_Latn.devtest"), read(EXPECTED["system"])
    rows = {"src": [src[i - 1] for i in EXPECTED["flores_lines"]],
            "mt": [mt[i - 1] for i in EXPECTED["flores_lines"]],
            "ref": [ref[i - 1] for i in EXPECTED["flores_lines"]]}
    for k, v in rows.items():
        assert [hashlib.sha256(t.encode()).hexdigest() for t in v] == EXPECTED["sha256"][k]
    return rows


@pytest.fixture(scope="module")
def metricx_dir(tmp_path_factory):
    sys.path.insert(0, str(FIX))
    try:
        import tiny_weights
    finally:
        sys.path.remove(str(FIX))
    out = tmp_path_factory.mktemp("metricx")
    assert tiny_weights.write_metricx_checkpoint(out, FIX / "mt5-tiny") == \
        EXPECTED["metricx_sha256"]
    return out


def _check(got: list[float], want: list[float]) -> None:
    assert len(got) == len(want)
    worst = max(abs(a - b) for a, b in zip(got, want))
    assert worst <= TOL, f"largest difference {worst:.2e}"
    assert max(want) - min(want) > 50 * TOL  # the scores do differ between segments


def _scores(metric: str, model: Path, rows: dict, ref: bool) -> list[float]:
    from mtreview.metrics.neural import FAMILY, segment_scores
    from mtreview.metrics.neural.resolve import resolve
    ckpt = resolve(metric, str(model), FAMILY[metric])
    return segment_scores(ckpt, rows["mt"], rows["src"], rows["ref"] if ref else None)


def test_comet_matches_unbabel_comet(texts):
    _check(_scores("comet", FIX / "comet-tiny", texts, True), EXPECTED["comet"])


def test_cometkiwi_matches_unbabel_comet_without_references(texts):
    _check(_scores("cometkiwi", FIX / "cometkiwi-tiny", texts, False), EXPECTED["cometkiwi"])
    # a reference given to a reference-free model changes nothing
    _check(_scores("cometkiwi", FIX / "cometkiwi-tiny", texts, True), EXPECTED["cometkiwi"])


def test_metricx_matches_google_metricx(texts, metricx_dir):
    _check(_scores("metricx", metricx_dir, texts, True), EXPECTED["metricx"])
    _check(_scores("metricx", metricx_dir, texts, False), EXPECTED["metricx_qe"])


XCOMET = json.loads((FIX / "expected-xcomet.json").read_text("utf-8"))


def _check_spans(got: list[list[dict]], want: list[list[dict]]) -> None:
    assert len(got) == len(want)
    for g_seg, w_seg in zip(got, want):
        digest = lambda s: hashlib.sha256(s["text"].encode("utf-8")).hexdigest()
        assert [(s["start"], s["end"], s["severity"], digest(s)) for s in g_seg] == \
            [(s["start"], s["end"], s["severity"], s["text_sha256"]) for s in w_seg]
        for g, w in zip(g_seg, w_seg):
            assert abs(g["confidence"] - w["confidence"]) <= 1e-4


@pytest.mark.parametrize("model", ["xcomet", "xcomet_xl"])
@pytest.mark.parametrize("ref", [True, False], ids=["with-references", "quality-estimation"])
def test_xcomet_scores_and_error_spans_match_unbabel_comet(texts, model, ref):
    """xcomet-tiny (XLM-R encoder) and xcomet-xl-tiny (XLM-R XL, as xCOMET-XL/XXL)."""
    from mtreview.metrics.neural import FAMILY, segment_spans
    from mtreview.metrics.neural.resolve import resolve
    want = XCOMET[model if ref else model + "_qe"]
    assert sum(map(len, want["error_spans"])) >= 30  # the fixture does predict spans
    assert XCOMET["sha256"] == EXPECTED["sha256"]
    metric, path = ("comet" if ref else "cometkiwi"), FIX / (model.replace("_", "-") + "-tiny")
    _check(_scores(metric, path, texts, ref), want["scores"])
    ckpt = resolve(metric, str(path), FAMILY[metric])
    refs = texts["ref"] if ref else None
    _check_spans(segment_spans(ckpt, texts["mt"], texts["src"], refs), want["error_spans"])
    # spans of segments this process has not scored are computed (here: in another order)
    rev = lambda xs: None if xs is None else xs[::-1]
    from mtreview.metrics.neural import runner
    runner.load(ckpt).spans.clear()
    _check_spans(segment_spans(ckpt, rev(texts["mt"]), rev(texts["src"]), rev(refs)),
                 want["error_spans"][::-1])
