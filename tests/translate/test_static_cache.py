"""--cache static: every batch padded to one shape, a static KV cache, the same translations.

On CUDA transformers compiles the decoder step for a static cache; one shape means one
compile. The CPU runs the same code path uncompiled (tests/benchmarks times it on a GPU)."""

from __future__ import annotations

import json

import pytest

from mtreview.errors import UserError
from mtreview.translate import cards
from mtreview.translate.batching import make_batches, static_shape
from mtreview.translate.engine import Translator
from mtreview.translate.settings import Settings
from tests.conftest import FLORES, need_shared, run_cli
from tests.translate.test_families import translations


def test_static_cache_translates_the_same_in_one_batch_shape(tiny_models, project, env):
    model = str(tiny_models["marian"])
    common = ["--model", model, "--device", "cpu", "--beams", "2", "--max-new-tokens", "8",
              "--batch-tokens", "600"]
    r = run_cli("translate", project, *common, "--name", "dynamic", "--quiet", env=env)
    assert r.returncode == 0, r.stderr
    with open(env["MTREVIEW_TRANSLATE_LOG"], encoding="utf-8") as fh:
        dynamic_log = [json.loads(line) for line in fh]
    r = run_cli("translate", project, *common, "--name", "static", "--cache", "static",
                "--quiet", env=env)
    assert r.returncode == 0, r.stderr
    with open(env["MTREVIEW_TRANSLATE_LOG"], encoding="utf-8") as fh:
        static_log = [json.loads(line) for line in fh][len(dynamic_log):]
    out = translations(project)
    assert out["static"] == out["dynamic"] and len(out["static"]) == 40
    shapes = {tuple(b["shape"]) for b in static_log}
    assert len(shapes) == 1 and all(b["shape"] is None for b in dynamic_log)
    rows, width = shapes.pop()
    assert width % 8 == 0 and rows * width * 2 <= 600
    assert all(len(b["segments"]) <= rows for b in static_log)
    assert sorted(s for b in static_log for seg in b["segments"] for s in seg) == \
        list(range(1, 41))
    # the batch cap on new tokens follows each batch's own longest source, as without it
    assert [b["max_new_tokens"] for b in static_log] == sorted(
        (b["max_new_tokens"] for b in static_log), reverse=True)
    status = json.loads(run_cli("status", project, "--json", env=env).stdout)
    prov = {s["name"]: s["provenance"] for s in status["systems"]}
    assert prov["static"]["cache"] == "static" and prov["dynamic"]["cache"] == "dynamic"
    # the cache is not an output setting: the same fingerprint, so a re-run is a no-op
    assert prov["static"]["fingerprint"] == prov["dynamic"]["fingerprint"]


def test_static_shape_and_fixed_batches():
    lengths = [3, 17, 9, 40, 41, 5]
    rows, width = static_shape(lengths, 1000, 4)
    assert width == 48 and rows == 1000 // (48 * 4)
    batches = make_batches(lengths, rows * width * 4, 4, width=width)
    assert [len(b) for b in batches] == [rows] + [len(lengths) - rows]
    assert batches[0][:2] == [4, 3]  # longest first
    assert static_shape([500], 16, 4) == (1, 504)  # at least one row


def test_cuda_cache_in_a_card_applies_on_cuda_only(tiny_models, tmp_path):
    spec = cards.resolve_model(str(tiny_models["marian"]))
    assert Settings.resolve(spec, device="cpu").cache == "dynamic"
    card = tmp_path / "gpu.toml"
    card.write_text(f'path = "{tiny_models["marian"]}"\n[generation]\ncuda_cache = "static"\n',
                    encoding="utf-8")
    spec = cards.resolve_model(str(card))
    assert spec.generation["cuda_cache"] == "static"
    assert Settings.resolve(spec, device="cpu").cache == "dynamic"  # uncompiled: slower
    assert Settings.resolve(spec, device="cpu", cache="static").cache == "static"
    assert cards.resolve_model("mtreview-ar-en-small").generation["cuda_cache"] == "static"
    card.write_text(f'path = "{tiny_models["marian"]}"\n[generation]\ncuda_cache = "paged"\n',
                    encoding="utf-8")
    with pytest.raises(UserError, match="generation.cuda_cache must be dynamic or static"):
        cards.resolve_model(str(card))


@pytest.mark.parametrize("cache", ["dynamic", "static"])
def test_batch_out_of_gpu_memory_is_split_and_retried(tiny_models, cache):
    """generate() raising torch's out-of-memory error for batches over 3 rows: the batch is
    halved until it fits, and the translations are those of an unconstrained run."""
    import torch

    spec = cards.resolve_model(str(tiny_models["marian"]))
    settings = Settings.resolve(spec, device="cpu", beams=2, max_new_tokens=6,
                                batch_tokens=4000, cache=cache)
    lines = (need_shared(FLORES) / "arb_Arab.devtest").read_text(encoding="utf-8")
    texts = lines.splitlines()[:11]
    expect = Translator.load(spec, settings).translate(texts)
    translator = Translator.load(spec, settings)
    real, calls = translator.model.generate, []

    def limited(**kwargs):
        calls.append(kwargs["input_ids"].shape[0])
        if kwargs["input_ids"].shape[0] > 3:
            raise torch.OutOfMemoryError("CUDA out of memory (test)")
        return real(**kwargs)

    translator.model.generate = limited
    assert translator.translate(texts) == expect
    assert calls[0] > 3 and max(c for c in calls if c <= 3) <= 3
    translator.model.generate = lambda **kw: (_ for _ in ()).throw(torch.OutOfMemoryError())
    with pytest.raises(UserError, match="out of GPU memory on a single sentence"):
        translator.translate(texts[:2])
