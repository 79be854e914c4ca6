"""Model cards, model resolution (directory, sibling card, card name, cached hub id),
family detection, token-budget batching and the Translator API (with int8 quantisation)."""

from __future__ import annotations

import shutil

import pytest

from mtreview import paths
from mtreview.errors import UserError
from mtreview.translate import cards, families
from mtreview.translate.batching import make_batches
from mtreview.translate.engine import Translator
from mtreview.translate.settings import Settings
from tests.conftest import FLORES, need_shared, run_cli


def test_bundled_hub_cards_say_how_to_download(project, env):
    bundled = cards.list_cards(paths.MODELS)
    hub_cards = {n: c for n, c in bundled.items() if c.hub}
    assert {"opus-mt-ar-en", "nllb-200-distilled-600M", "m2m100-418M",
            "mbart-50-many-to-many"} <= set(hub_cards)
    for name, card in hub_cards.items():
        assert card.family in families.FAMILIES
        r = run_cli("translate", project, "--model", name, env=env)
        assert r.returncode == 2 and r.stderr.count("\n") == 1
        assert f"get it with: huggingface-cli download {card.hub}" in r.stderr


def test_sibling_card_and_card_name(tiny_models, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(tiny_models["nllb"], models / "ours")
    (models / "ours.toml").write_text(
        'path = "ours"\nfamily = "nllb"\nsrc = "arb_Arab"\ntgt = "eng_Latn"\n'
        '[generation]\nbeams = 2\nmax_new_tokens = 32\n', encoding="utf-8")
    by_dir = cards.resolve_model(str(models / "ours"), models_dir=models)
    by_name = cards.resolve_model("ours", models_dir=models)
    for spec in (by_dir, by_name):
        assert spec.name == "ours" and spec.family == "nllb"
        assert dict(spec.generation) == {"beams": 2, "max_new_tokens": 32}
        assert spec.card == str(models / "ours.toml")
    settings = Settings.resolve(by_name, device="cpu", max_new_tokens=9)
    assert (settings.beams, settings.max_new_tokens) == (2, 9)  # the option beats the card


def test_card_errors(tmp_path):
    cases = {
        "bad.toml": ("hub = ", "model card"),
        "both.toml": ('hub = "a/b"\npath = "x"\n', "exactly one of"),
        "key.toml": ('hub = "a/b"\nmodle = 1\n', "unknown key"),
        "gen.toml": ('hub = "a/b"\n[generation]\nbeam = 4\n', "unknown generation key"),
        "num.toml": ('hub = "a/b"\n[generation]\nbeams = "four"\n', "must be a number"),
        "fam.toml": ('hub = "a/b"\nfamily = "t5"\n', "unknown model family"),
    }
    for name, (text, expected) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(UserError, match=expected):
            cards.load_card(tmp_path / name)


def test_hub_id_from_the_local_cache(tiny_models, project, env, tmp_path):
    """A hub id resolves offline to its snapshot in the Hugging Face cache layout."""
    hub_cache = tmp_path / "hub"
    repo = hub_cache / "models--tiny--m2m"
    commit = "0123456789abcdef0123456789abcdef01234567"
    shutil.copytree(tiny_models["m2m100"], repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    r = run_cli("translate", project, "--model", "tiny/m2m", "--device", "cpu", "--beams", "1",
                "--max-new-tokens", "4", "--quiet", env={**env, "HF_HUB_CACHE": str(hub_cache)})
    assert r.returncode == 0, r.stderr
    assert "system 'm2m': translated 40 segment(s)" in r.stdout


def test_family_detection():
    assert families.detect("m2m_100", "NllbTokenizer").name == "nllb"
    assert families.detect("m2m_100", "NllbTokenizerFast").name == "nllb"
    assert families.detect("m2m_100", "M2M100Tokenizer").name == "m2m100"
    assert families.detect("m2m_100", None).name == "m2m100"
    assert families.detect("mbart", "MBart50Tokenizer").name == "mbart50"
    assert families.detect("marian", None).name == "marian"
    with pytest.raises(UserError, match="unsupported model type"):
        families.detect("t5", "T5Tokenizer")
    assert families.FAMILIES["nllb"].code("ar") == "arb_Arab"
    assert families.FAMILIES["mbart50"].code("en") == "en_XX"


@pytest.mark.parametrize("beams", [1, 4])
def test_token_budget_batches_on_flores(beams):
    lines = (need_shared(FLORES) / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()
    lengths = [len(line.split()) + 1 for line in lines]
    budget = 1024
    batches = make_batches(lengths, budget, beams)
    assert sorted(i for b in batches for i in b) == list(range(len(lines)))
    widths = []
    for b in batches:
        width = max(lengths[i] for i in b)
        assert len(b) == 1 or len(b) * width * beams <= budget
        widths.append(width)
    assert widths == sorted(widths, reverse=True)  # longest first
    padded = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    assert padded < 1.1 * sum(lengths)  # sorting leaves little padding


def test_translator_api_with_int8(tiny_models):
    import torch

    spec = cards.resolve_model(str(tiny_models["marian"]))
    settings = Settings.resolve(spec, device="cpu", beams=1, max_new_tokens=5, quantize="int8")
    translator = Translator.load(spec, settings)
    kinds = {type(m).__module__ for m in translator.model.modules()}
    assert "torch.ao.nn.quantized.dynamic.modules.linear" in kinds
    assert not any(type(m) is torch.nn.Linear for m in translator.model.modules())
    lines = (need_shared(FLORES) / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()
    texts = [lines[0], "", lines[1], lines[0]]
    out = translator.translate(texts)
    assert len(out) == 4 and out[1] == "" and out[0] == out[3] and out[0]
