"""Report test projects, built through the CLI (`mtreview init` + `add-system`) on real data."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FLORES, MADAR, need_shared, run_cli

# the sacrebleu CLI of the environment running the tests (a worktree has no .venv of its own)
SACREBLEU = Path(sys.executable).parent / "sacrebleu"
OPUS = {  # project system name → FLORES first-40 file
    "opus-2021": "opus-mt-ara-eng-2021.first40.en",
    "opus-big-2022": "opus-mt-ara-eng-big-2022.first40.en",
    "opus-mul-2020": "opus-mt-mul-eng-2020.first40.en",
}
MADAR_SYSTEMS = ["gpt-4.1-mini", "Jais-2-70B-Chat", "gemma-3-27b-it", "Qwen3-4B-Instruct-2507",
                 "aya-expanse-32b", "command-a-translate-08-2025"]


def ok(*args) -> subprocess.CompletedProcess:
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    return r


def head(src: Path, dst: Path, n: int) -> Path:
    lines = src.read_text(encoding="utf-8").splitlines()[:n]
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dst


def drop_words(lines: list[str], rate: float, seed: int) -> list[str]:
    """A derived system: each word dropped with probability ``rate`` (deterministic)."""
    rnd = random.Random(seed)
    out = []
    for line in lines:
        kept = [w for w in line.split() if rnd.random() >= rate]
        out.append(" ".join(kept) if kept else line)
    return out


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sacrebleu(*args: str) -> str:
    """Run the real sacrebleu CLI; returns stdout with colour codes removed."""
    r = subprocess.run([str(SACREBLEU), *map(str, args)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", r.stdout)


def parse_paired(text: str, n_metrics: int) -> list[dict]:
    """Rows of sacrebleu's `-f text` paired table: name, scores, (mean, ci), p-values."""
    rows: list[dict] = []
    for line in text.splitlines():
        if "│" not in line:
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells[0] == "System":
            continue
        if cells[0]:
            parsed = []
            for c in cells[1:1 + n_metrics]:
                m = re.match(r"([-\d.]+)(?: \(([-\d.]+) ± ([-\d.]+)\))?", c)
                parsed.append(tuple(None if g is None else float(g) for g in m.groups()))
            rows.append({"name": cells[0], "scores": parsed, "p": [None] * n_metrics})
        else:
            rows[-1]["p"] = [float(re.search(r"p = ([\d.]+)", c).group(1))
                             for c in cells[1:1 + n_metrics]]
    return rows


@pytest.fixture(scope="session")
def flores_full(tmp_path_factory) -> dict:
    """FLORES devtest (1,012 lines): BLOOM and BLOOM with 2% of its words dropped."""
    fl = need_shared(FLORES)
    tmp = tmp_path_factory.mktemp("flores_full")
    bloom = fl / "systems" / "bloom-176b-1shot.en"
    drop = write_lines(tmp / "bloom-drop.en",
                       drop_words(bloom.read_text(encoding="utf-8").splitlines(), 0.02, 7))
    proj = tmp / "proj"
    ok("init", proj, "--source", fl / "arb_Arab.devtest", "--reference", fl / "eng_Latn.devtest")
    ok("add-system", proj, "bloom", bloom)
    ok("add-system", proj, "bloom-drop", drop)
    return {"project": proj, "ref": fl / "eng_Latn.devtest", "files": [bloom, drop],
            "systems": ["bloom", "bloom-drop"]}


@pytest.fixture(scope="session")
def flores40(tmp_path_factory) -> dict:
    """The first 40 FLORES lines: BLOOM and the three OPUS-MT systems."""
    fl = need_shared(FLORES)
    tmp = tmp_path_factory.mktemp("flores40")
    src = head(fl / "arb_Arab.devtest", tmp / "src40.ar", 40)
    ref = head(fl / "eng_Latn.devtest", tmp / "ref40.en", 40)
    bloom = head(fl / "systems" / "bloom-176b-1shot.en", tmp / "bloom40.en", 40)
    proj = tmp / "proj"
    ok("init", proj, "--source", src, "--reference", ref)
    ok("add-system", proj, "bloom", bloom)
    files = [bloom]
    for name, fname in OPUS.items():
        ok("add-system", proj, name, fl / "systems" / fname)
        files.append(fl / "systems" / fname)
    return {"project": proj, "ref": ref, "src": src, "files": files,
            "systems": ["bloom", *OPUS], "tmp": tmp}


@pytest.fixture(scope="session")
def madar6(tmp_path_factory) -> dict:
    """MADAR-MSA first 100 lines with six LLM systems."""
    md = need_shared(MADAR)
    tmp = tmp_path_factory.mktemp("madar6")
    proj = tmp / "proj"
    ok("init", proj, "--source", md / "source.ar", "--reference", md / "reference.en")
    files = []
    for name in MADAR_SYSTEMS:
        ok("add-system", proj, name, md / "systems" / f"{name}.en")
        files.append(md / "systems" / f"{name}.en")
    return {"project": proj, "ref": md / "reference.en", "files": files,
            "systems": MADAR_SYSTEMS}
