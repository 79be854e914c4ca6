"""The committed model ``models/mtreview-ar-en-small``: loads offline and translates to English."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from mtreview.paths import MODELS, SAMPLE_REFERENCE, SAMPLE_SOURCE

MODEL = MODELS / "mtreview-ar-en-small"
CARD = MODELS / "mtreview-ar-en-small.toml"


def test_model_directory_is_small_fp16_and_complete():
    from safetensors import safe_open

    weights = MODEL / "model.safetensors"
    assert weights.stat().st_size <= 60 * 1024 * 1024
    with safe_open(str(weights), "pt") as f:
        assert {str(f.get_tensor(k).dtype) for k in f.keys()} == {"torch.float16"}
    gen = json.loads((MODEL / "generation_config.json").read_text())
    for key in ("num_beams", "max_new_tokens", "decoder_start_token_id", "eos_token_id",
                "pad_token_id", "no_repeat_ngram_size"):
        assert key in gen, key
    assert (MODEL / "README.md").is_file()


def test_parameter_count_matches_the_model_card():
    import re

    from transformers import AutoModelForSeq2SeqLM

    from mtreview.train.model import count_parameters

    model = AutoModelForSeq2SeqLM.from_pretrained(MODEL, local_files_only=True)
    n = count_parameters(model)
    assert n == sum(p.numel() for p in model.parameters()) - 2 * 512 * model.config.d_model
    info = json.loads((MODEL / "training.json").read_text())
    assert all(phase["parameters"] == n for phase in info["phases"])
    assert f"{n:,}" in (MODEL / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\b23\.9M\b", CARD.read_text(encoding="utf-8"))


def test_card_points_at_the_model_directory():
    from mtreview.translate.cards import load_card

    card = load_card(CARD)
    assert card.path is not None and card.path.resolve() == MODEL.resolve()
    assert card.family == "marian" and (card.src, card.tgt) == ("ar", "en")


SCRIPT = textwrap.dedent("""
    import json, sys, torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from mtreview.arabic.sentences import split_article
    from mtreview.train.model import translate_lines
    torch.set_flush_denormal(True)
    model_dir, source = sys.argv[1], sys.argv[2]
    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, local_files_only=True)
    sentences = [s.text for s in split_article(open(source, encoding="utf-8").read())]
    hyps = translate_lines(model, tok, sentences, torch.device("cpu"), beams=1)
    print(json.dumps({"n": len(sentences), "hyps": hyps, "dtype": str(model.dtype)}))
""")


@pytest.fixture(scope="module")
def sample_translation():
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(MODEL), str(SAMPLE_SOURCE)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_loads_offline_and_translates_the_sample_article_to_english(sample_translation):
    import re

    hyps = sample_translation["hyps"]
    assert sample_translation["n"] == len(hyps) == 17
    assert sample_translation["dtype"] == "torch.float32"
    text = " ".join(hyps)
    assert all(h.strip() for h in hyps)
    assert not re.search(r"[\u0600-\u06FF]", text)  # no Arabic script left
    letters = [c for c in text if c.isalpha()]
    assert sum("a" <= c.lower() <= "z" for c in letters) / len(letters) > 0.99


def test_translations_are_closer_to_their_own_references_than_to_others(sample_translation):
    import sacrebleu

    hyps = sample_translation["hyps"]
    refs = SAMPLE_REFERENCE.read_text(encoding="utf-8").splitlines()
    aligned = sacrebleu.corpus_chrf(hyps, [refs]).score
    shifted = sacrebleu.corpus_chrf(hyps, [refs[5:] + refs[:5]]).score
    assert aligned > shifted + 3, (aligned, shifted)
