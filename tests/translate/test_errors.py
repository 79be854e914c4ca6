"""Bad inputs to `mtreview translate`: one line on stderr, exit status 2, nothing changed."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import run_cli, store_dump


def bad_model_cases(tmp_path, tiny_models):
    no_config = tmp_path / "not-a-model"
    no_config.mkdir()
    (no_config / "weights.bin").write_bytes(b"x")
    bad_card = tmp_path / "broken.toml"
    bad_card.write_text('hub = "a/b"\npath = "c"\n', encoding="utf-8")
    bad_family = tmp_path / "family.toml"
    bad_family.write_text(f'path = "{tiny_models["marian"]}"\nfamily = "t5"\n', encoding="utf-8")
    return {
        "hub card not cached": (["--model", "nllb-200-distilled-600M"],
                                "huggingface-cli download facebook/nllb-200-distilled-600M"),
        "hub id not cached": (["--model", "Helsinki-NLP/opus-mt-tc-big-ar-en"],
                              "huggingface-cli download Helsinki-NLP/opus-mt-tc-big-ar-en"),
        "unknown name": (["--model", "no-such-model"], "not a card in"),
        "missing directory": (["--model", str(tmp_path / "gone")], "does not exist"),
        "directory without config.json": (["--model", str(no_config)], "no config.json"),
        "card with hub and path": (["--model", str(bad_card)], "exactly one of"),
        "card with unknown family": (["--model", str(bad_family)], "unknown model family"),
    }


def bad_option_cases(model):
    m = ["--model", str(model)]
    cases = {
        "device": (m + ["--device", "gpu"], "invalid --device"),
        "dtype": (m + ["--dtype", "int4"], "invalid --dtype"),
        "float16 on cpu": (m + ["--device", "cpu", "--dtype", "float16"], "float16"),
        "beams": (m + ["--beams", "0"], "--beams must be at least 1"),
        "max new tokens": (m + ["--max-new-tokens", "-3"], "--max-new-tokens must be"),
        "batch tokens": (m + ["--batch-tokens", "0"], "--batch-tokens must be"),
        "quantize": (m + ["--quantize", "int4"], "invalid --quantize"),
        "int8 on bf16": (m + ["--quantize", "int8", "--dtype", "bfloat16"], "--quantize int8"),
        "name": (m + ["--name", "a/b"], "invalid system name"),
        "cache": (m + ["--cache", "paged"], "invalid --cache"),
        "engine": (m + ["--engine", "onnx"], "invalid --engine"),
        "static cache on ctranslate2": (m + ["--engine", "ctranslate2", "--cache", "static"],
                                        "--cache static is for --engine transformers"),
    }
    if not torch.cuda.is_available():
        cases["cuda absent"] = (m + ["--device", "cuda"], "CUDA is not available")
    return cases


def check_refused(project, args, expected, env):
    before = store_dump(project)
    r = run_cli("translate", project, *args, env=env)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert r.stderr.startswith("mtreview: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert expected in r.stderr, r.stderr
    assert store_dump(project) == before


def test_bad_models_are_refused(project, env, tmp_path, tiny_models):
    for label, (args, expected) in bad_model_cases(tmp_path, tiny_models).items():
        check_refused(project, args, expected, env)


def test_bad_options_are_refused(project, env, tiny_models):
    for label, (args, expected) in bad_option_cases(tiny_models["marian"]).items():
        check_refused(project, args, expected, env)


def test_not_a_project(tmp_path, env, tiny_models):
    r = run_cli("translate", tmp_path, "--model", tiny_models["marian"], env=env)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "is not an mtreview project" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_system_imported_from_a_file_is_not_overwritten(project, env, tiny_models, tmp_path):
    lines = tmp_path / "sys.en"
    lines.write_text("".join(f"line {i}\n" for i in range(40)), encoding="utf-8")
    assert run_cli("add-system", project, "tiny-marian", lines).returncode == 0
    check_refused(project, ["--model", str(tiny_models["marian"])], "imported from a file", env)


@pytest.mark.parametrize("damage", ["no source.spm", "truncated weights"])
def test_broken_model_directory_is_refused(damage, tiny_models, project, env, tmp_path):
    import shutil

    broken = tmp_path / "broken-marian"
    shutil.copytree(tiny_models["marian"], broken)
    if damage == "no source.spm":
        (broken / "source.spm").unlink()
    else:
        weights = broken / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[:300])
    check_refused(project, ["--model", str(broken), "--device", "cpu"], "cannot load model", env)


def test_project_without_segments(tmp_path, env, tiny_models):
    from mtreview.core.project import Project

    Project.create(tmp_path / "empty", [], []).close()
    check_refused(tmp_path / "empty", ["--model", str(tiny_models["marian"]), "--device", "cpu"],
                  "has no segments", env)
