"""Language codes and system names never steer where an export writes (issue 12, item 13):
BCP-47 codes at init and in mtreview.toml, mt-metrics-eval file names unique and bounded,
every file inside OUT."""

from __future__ import annotations

import pytest

from mtreview.core.langs import is_language_tag
from mtreview.core.project import Project
from mtreview.core.types import System, Translation
from mtreview.export.wmt import FILE_NAME_MAX_BYTES, file_names
from tests.commands.tiny import make_project
from tests.conftest import run_main, store_dump


@pytest.mark.parametrize("code", ["ar", "en", "arb", "zh-Hant", "pt-BR", "es-419",
                                  "sr-Latn-RS", "de-CH-1996"])
def test_bcp47_tags_are_accepted(code):
    assert is_language_tag(code)


@pytest.mark.parametrize("code", ["en/../../../victim", "", "e", "english language", "en_US",
                                  "../en", "en.", "x" * 40, "en-", "a\x1b[2J", "arb_Arab"])
def test_init_refuses_a_bad_language_code(tmp_path, code):
    src = tmp_path / "src.ar"
    src.write_text("مرحبا\n", encoding="utf-8")
    for flag in ("--src-lang", "--tgt-lang"):
        rc, _, err = run_main("init", tmp_path / "p", "--source", src, flag, code)
        assert rc == 2 and "BCP-47" in err and err.count("\n") == 1, err
        assert "\x1b" not in err
        assert not (tmp_path / "p").exists()


def test_a_bad_language_code_in_mtreview_toml_is_refused(tmp_path):
    project = make_project(tmp_path / "p")
    config = project / "mtreview.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'tgt_lang = "en"', 'tgt_lang = "en/../../../victim"'), encoding="utf-8")
    before = store_dump(project)
    out = tmp_path / "out" / "mtme"
    rc, _, err = run_main("export", project, out, "--format", "mt-metrics-eval")
    assert rc == 2 and "BCP-47" in err and err.count("\n") == 1
    assert not (tmp_path / "victim").exists() and not out.exists()
    assert store_dump(project) == before


def test_file_names_are_safe_unique_and_bounded():
    names = ["my system", "my_system", "My_System", "a/b", "..", ".hidden", "x" * 300,
             "x" * 300 + "y", "سيستم ١", "tab\tname"]
    files = file_names(names)
    assert len(set(f.casefold() for f in files.values())) == len(names)
    for f in files.values():
        assert f and not f.startswith(".") and "/" not in f and " " not in f
        assert len(f.encode("utf-8")) <= FILE_NAME_MAX_BYTES
    assert files["my_system"] == "my_system" and files["سيستم ١"] == "سيستم_١"


def test_mt_metrics_eval_keeps_every_system(tmp_path):
    project = make_project(tmp_path / "p", reviews=False)
    long_name = "n" * 300
    with Project.open(project) as p:
        for name in ("my system", "my_system", long_name, "../../escape"):
            p.store.add_system(System(name, "file", {}),
                               [Translation(name, i, f"{name[:10]} {i}") for i in (1, 2, 3)])
    out = tmp_path / "mtme"
    rc, stdout, err = run_main("export", project, out, "--format", "mt-metrics-eval", "--all")
    assert rc == 0, err
    outputs = sorted((out / "system-outputs" / "ar-en").iterdir())
    assert len(outputs) == 2 + 4  # no system lost
    assert "changed to be file names" in stdout and "'my system'" in stdout
    assert not (tmp_path / "escape.txt").exists()
    for f in out.rglob("*"):
        assert f.resolve().is_relative_to(out.resolve())
