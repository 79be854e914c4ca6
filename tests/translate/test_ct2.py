"""The CTranslate2 engine on the tiny models of every family: conversion (cached, once), the
same greedy translations as the Transformers engine in float32, int8 by default on the CPU,
and `mtreview translate --engine ctranslate2` with progress, provenance and fingerprint."""

from __future__ import annotations

import json

import pytest

from mtreview.translate.cards import resolve_model
from mtreview.translate.ct2 import META_FILE, CT2Translator, cache_dir
from mtreview.translate.engine import Translator
from mtreview.translate.run import weights_hash
from mtreview.translate.settings import Settings
from tests.conftest import FLORES, need_shared, run_cli
from tests.translate.tiny import FAMILY_CODES

pytest.importorskip("ctranslate2")


def flores(n: int) -> list[str]:
    need_shared(FLORES)
    return (FLORES / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:n]


@pytest.mark.parametrize("family", list(FAMILY_CODES))
def test_converted_model_translates_like_transformers(family, tiny_models, tmp_path,
                                                      monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src, tgt = FAMILY_CODES[family]
    spec = resolve_model(str(tiny_models[family]), src_lang=src or "ar", tgt_lang=tgt or "en")
    lines = flores(12)
    common = {"device": "cpu", "beams": 1, "max_new_tokens": 24, "threads": 1}
    reference = Translator.load(spec, Settings.resolve(spec, **common)).translate(lines)

    settings = Settings.resolve(spec, engine="ctranslate2", quantize="none", **common)
    assert settings.compute_type == "float32"
    weights = weights_hash(spec.path)
    assert not cache_dir(spec, weights).exists()
    ct2 = CT2Translator.load(spec, settings, weights)
    converted = cache_dir(spec, weights)
    meta = json.loads((converted / META_FILE).read_text(encoding="utf-8"))
    assert meta["family"] == family and meta["weights_sha256"] == weights
    assert (converted / "model.bin").is_file()
    assert ct2.translate(lines) == reference  # the same function of token ids, float32

    stamp = (converted / "model.bin").stat().st_mtime_ns
    int8 = Settings.resolve(spec, engine="ctranslate2", **common)
    assert int8.compute_type == "int8"  # the CPU default
    out = CT2Translator.load(spec, int8, weights).translate(lines)
    assert (converted / "model.bin").stat().st_mtime_ns == stamp  # converted once
    assert len(out) == len(lines) and all(isinstance(t, str) for t in out)
    assert sum(a == b for a, b in zip(out, reference)) >= len(lines) // 2, (out, reference)


def test_translate_command_with_ctranslate2(tiny_models, project, env):
    model = tiny_models["nllb"]
    args = ("--model", model, "--device", "cpu", "--beams", "2", "--max-new-tokens", "20",
            "--engine", "ctranslate2")
    r = run_cli("translate", project, *args, env=env)
    assert r.returncode == 0, r.stderr
    assert "translated 40 segment(s)" in r.stdout
    assert " 40/40 (100%) " in r.stderr and "ETA 00:00" in r.stderr, r.stderr  # progress
    status = json.loads(run_cli("status", project, "--json").stdout)
    prov = status["systems"][0]["provenance"]
    import ctranslate2

    assert prov["engine"] == "ctranslate2" and prov["ctranslate2"] == ctranslate2.__version__
    assert prov["compute_type"] == "int8" and prov["generation"]["compute_type"] == "int8"
    with open(env["MTREVIEW_TRANSLATE_LOG"], encoding="utf-8") as fh:
        batches = [json.loads(line) for line in fh]
    assert {tuple(b["target_prefix"]) for b in batches} == {("eng_Latn",)}
    assert sorted(s for b in batches for seg in b["segments"] for s in seg) == list(range(1, 41))

    again = run_cli("translate", project, *args, env=env)
    assert again.returncode == 0 and "up to date" in again.stdout, again.stderr
    name = status["systems"][0]["name"]
    other = run_cli("translate", project, *args[:-2], "--name", name, env=env)
    assert other.returncode == 2 and "different engine" in other.stderr, other.stderr


def test_batches_run_side_by_side_in_order(tiny_models, tmp_path, monkeypatch):
    """On the CPU, ``threads`` batches are submitted at once (one per worker thread); the
    translations and the batch order are those of one batch at a time."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec = resolve_model(str(tiny_models["marian"]))
    lines = flores(40)
    weights = weights_hash(spec.path)
    common = {"device": "cpu", "beams": 2, "max_new_tokens": 16, "batch_tokens": 256,
              "engine": "ctranslate2", "quantize": "none"}
    one = CT2Translator.load(spec, Settings.resolve(spec, threads=1, **common), weights)
    two = CT2Translator.load(spec, Settings.resolve(spec, threads=2, **common), weights)
    assert (one.parallel, two.parallel) == (1, 2)
    assert (one.translator.num_translators, two.translator.num_translators) == (1, 2)
    serial, side = list(one.translate_batches(lines)), list(two.translate_batches(lines))
    assert len(serial) >= 4  # several batches, so some ran side by side
    assert side == serial
