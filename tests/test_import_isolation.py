"""The core never imports Textual; --help/check/report/export never import torch/transformers."""

import pkgutil
import subprocess
import sys

import mtreview

UI_PREFIXES = ("mtreview.tui", "mtreview.commands.review")


def core_modules():
    names = []
    for m in pkgutil.walk_packages(mtreview.__path__, "mtreview."):
        if m.name.startswith(UI_PREFIXES) or m.name == "mtreview.__main__":
            continue
        names.append(m.name)
    return names


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                          "print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return {line.split(".")[0] for line in out.splitlines()}


def test_core_modules_never_import_textual():
    mods = core_modules()
    assert "mtreview.core.store" in mods and "mtreview.core.ingest" in mods
    code = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in mods)
    assert "textual" not in loaded_after(code)


def test_help_is_light():
    code = ("import sys\nfrom mtreview import cli\nsys.argv=['mtreview','--help']\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass")
    loaded = loaded_after(code)
    for heavy in ("torch", "transformers", "textual", "datasets", "numpy"):
        assert heavy not in loaded, heavy


def test_a_command_imports_only_its_own_command_module(tmp_path):
    code = ("import sys\nfrom mtreview import cli\n"
            f"rc = cli.main(['status', {str(tmp_path / 'none')!r}])\n"
            "print('\\n'.join(m for m in sys.modules if m.startswith('mtreview.commands.')))\n"
            "print('rc', rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[-2:] == ["rc", "2"]
    assert out[:-2] == ["mtreview.commands.status"]
    # --help still lists every command
    help_text = subprocess.run([sys.executable, "-m", "mtreview", "--help"], capture_output=True,
                               text=True, check=True).stdout
    assert all(name in help_text for name in ("init", "report", "import-reviews", "demo"))
