"""`mtreview train-model` end to end on a slice of the real training data (tiny size, CPU)."""

from __future__ import annotations

import gzip
import json
import random
import re

import pytest

from tests.conftest import DATA, need_shared, run_cli

TRAIN = DATA / "train-ar-en"
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """300 real pairs spread over the whole training file (Arabic side gzip-compressed)."""
    need_shared(TRAIN)
    with gzip.open(TRAIN / "train.ar.gz", "rt", encoding="utf-8") as f:
        src = f.read().splitlines()
    with gzip.open(TRAIN / "train.en.gz", "rt", encoding="utf-8") as f:
        tgt = f.read().splitlines()
    picked = sorted(random.Random(7).sample(range(len(src)), 300))
    d = tmp_path_factory.mktemp("corpus")
    with gzip.open(d / "slice.ar.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(src[i] for i in picked) + "\n")
    (d / "slice.en").write_text("\n".join(tgt[i] for i in picked) + "\n", encoding="utf-8")
    return d / "slice.ar.gz", d / "slice.en", [src[i] for i in picked]


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    """A tiny model trained for 4 steps, then resumed to 7 steps."""
    src, tgt, _ = corpus
    out = tmp_path_factory.mktemp("run") / "model"
    first = run_cli("train-model", "--source", src, "--target", tgt, "--out", out,
                    "--size", "tiny", "--max-steps", "4", "--device", "cpu", "--log-every", "1")
    assert first.returncode == 0, first.stderr
    steps_first = json.loads((out / "training.json").read_text())["steps"]
    second = run_cli("train-model", "--source", src, "--target", tgt, "--out", out,
                     "--size", "tiny", "--max-steps", "7", "--device", "cpu", "--log-every", "1")
    assert second.returncode == 0, second.stderr
    return out, first, second, steps_first


def test_writes_a_loadable_model_directory(trained, corpus):
    import torch
    from safetensors import safe_open
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from mtreview.train.model import translate_lines

    out, first, _, steps_first = trained
    assert steps_first == 4
    assert "wrote" in first.stdout and "step 4" in first.stdout
    for name in ("config.json", "generation_config.json", "model.safetensors", "source.spm",
                 "target.spm", "vocab.json", "tokenizer_config.json", "training.json"):
        assert (out / name).is_file(), name
    with safe_open(str(out / "model.safetensors"), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    gen = json.loads((out / "generation_config.json").read_text())
    assert gen["num_beams"] == 4 and gen["max_new_tokens"] == 256
    assert gen["decoder_start_token_id"] == gen["pad_token_id"]

    tok = AutoTokenizer.from_pretrained(out)
    model = AutoModelForSeq2SeqLM.from_pretrained(out)
    assert type(model).__name__ == "MarianMTModel"
    assert next(model.parameters()).dtype == torch.float32  # config dtype: computed in fp32
    _, _, sources = corpus
    hyps = translate_lines(model, tok, sources[:3], torch.device("cpu"), beams=2,
                           max_new_tokens=8)
    assert len(hyps) == 3 and all(isinstance(h, str) for h in hyps)


def test_resume_continues_the_step_count(trained):
    out, _, second, _ = trained
    info = json.loads((out / "training.json").read_text())
    assert "resuming" in second.stderr and "at step 4" in second.stderr
    assert info["steps"] == 7 and info["runs"] == 2
    assert "step 5 " in second.stderr and "step 1 " not in second.stderr
    assert (out / "checkpoint" / "state.pt").is_file()


def test_init_from_fine_tunes_with_the_same_tokenizer(trained, corpus, tmp_path):
    src, tgt, _ = corpus
    base, _, _, _ = trained
    out = tmp_path / "tuned"
    r = run_cli("train-model", "--source", src, "--target", tgt, "--out", out, "--size", "tiny",
                "--init-from", base, "--max-steps", "2", "--device", "cpu")
    assert r.returncode == 0, r.stderr
    assert (out / "source.spm").read_bytes() == (base / "source.spm").read_bytes()
    assert (out / "vocab.json").read_text() == (base / "vocab.json").read_text()
    assert json.loads((out / "training.json").read_text())["steps"] == 2


def test_tokenizer_matches_sentencepiece_and_normalises_arabic(trained):
    import sentencepiece as spm
    from transformers import AutoTokenizer

    out = trained[0]
    tok = AutoTokenizer.from_pretrained(out)
    sp = spm.SentencePieceProcessor(model_file=str(out / "source.spm"))
    for text in ("قال أبو عيسى هذا حديث حسن صحيح", "The Prophet said: pray."):
        assert tok(text)["input_ids"] == sp.encode(text) + [tok.eos_token_id]
    # diacritics and tatweel removed, Arabic-Indic digits -> ASCII (baked into the spm model)
    assert tok("مُحَمَّدٌ رســول ١٢٣")["input_ids"] == tok("محمد رسول 123")["input_ids"]


def test_token_batches_cover_every_pair_within_the_budget(corpus, trained):
    from mtreview.train.data import encode_pairs, read_parallel, token_batches

    src_file, tgt_file, _ = corpus
    src, tgt = read_parallel(src_file, tgt_file)
    s, t = encode_pairs(trained[0] / "source.spm", src, tgt, 256)
    batches = token_batches(s, t, 1024, random.Random(0))
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(s)))
    for b in batches:
        longest = max(max(len(s[i]), len(t[i])) for i in b)
        assert len(b) == 1 or longest * len(b) <= 1024


# -- bad input: one line on stderr, exit 2, nothing written -------------------------------
def _bad(tmp_path, *args):
    out = tmp_path / "never"
    r = run_cli("train-model", "--out", out, "--size", "tiny", "--device", "cpu", *args)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()
    return r.stderr


def test_missing_source_file(tmp_path, corpus):
    err = _bad(tmp_path, "--source", tmp_path / "nope.ar", "--target", corpus[1])
    assert "nope.ar: no such file" in err


def test_mismatched_line_counts(tmp_path, corpus):
    short = tmp_path / "short.en"
    short.write_text("\n".join(corpus[1].read_text().splitlines()[:-5]) + "\n")
    err = _bad(tmp_path, "--source", corpus[0], "--target", short)
    assert "300 lines" in err and "295" in err


def test_not_gzip_despite_the_name(tmp_path, corpus):
    fake = tmp_path / "fake.ar.gz"
    fake.write_text("not gzip\n" * 300)
    assert "not a valid gzip file" in _bad(tmp_path, "--source", fake, "--target", corpus[1])


def test_zero_minutes(tmp_path, corpus):
    assert "must be positive" in _bad(tmp_path, "--source", corpus[0], "--target", corpus[1],
                                      "--minutes", "0")


def test_init_from_a_directory_that_is_not_a_model(tmp_path, corpus):
    err = _bad(tmp_path, "--source", corpus[0], "--target", corpus[1], "--init-from", tmp_path)
    assert "not a train-model output" in err


def test_out_directory_with_other_files_is_not_overwritten(tmp_path, corpus):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    r = run_cli("train-model", "--source", corpus[0], "--target", corpus[1], "--out", out,
                "--size", "tiny", "--device", "cpu")
    assert r.returncode == 2 and "not empty" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_time_budget_stops_training_and_writes_the_model(corpus, tmp_path):
    src, tgt, _ = corpus
    out = tmp_path / "budget"
    r = run_cli("train-model", "--source", src, "--target", tgt, "--out", out, "--size", "tiny",
                "--minutes", "0.5", "--device", "cpu", "--log-every", "1")
    assert r.returncode == 0, r.stderr
    info = json.loads((out / "training.json").read_text())
    # the budget includes the setup (imports, tokenizer, encoding: 14 s at load 10)
    assert info["steps"] >= 1
    assert 0 < info["training_seconds"] <= 0.5 * 60 + 5  # one step past the budget at most


def test_ctrl_c_writes_the_checkpoint_and_the_model(corpus, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    src, tgt, _ = corpus
    out = tmp_path / "interrupted"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mtreview", "train-model", "--source", str(src), "--target",
         str(tgt), "--out", str(out), "--size", "tiny", "--minutes", "30", "--device", "cpu",
         "--log-every", "1"], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    for line in proc.stderr:
        if line.startswith("step 3 "):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, rest
    assert "interrupted at step" in rest
    info = json.loads((out / "training.json").read_text())
    assert info["steps"] >= 3
    assert (out / "checkpoint" / "state.pt").is_file()
