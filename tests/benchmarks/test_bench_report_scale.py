"""Reports at scale, as commands in one run (issue 19): 4 systems × the 10,305 Tatoeba
references, BLEU + chrF, against the ``sacrebleu`` CLI on the same files; TER on 4 × 1,012
FLORES segments against ``sacrebleu -m ter``.

Systems are perturbed copies of the reference made at run time (words dropped, adjacent
words swapped, a word repeated, words replaced). Cold: a copy of the project as
``add-system`` left it (no statistics cached); warm: the same project again (statistics
and significance results cached); and warm with a new ``--seed`` each run (statistics
cached, significance recomputed). Each figure is
the best of ``REPEAT`` runs (sacrebleu: ``SB_REPEAT``), wall and CPU (this process's
children). Also checks that the p-values printed by both agree within 1e-4.

The commands run in this process's environment, where ``PYTHONDONTWRITEBYTECODE`` may be
set: then every mtreview run compiles its own modules from source while sacrebleu's
installed modules come with their bytecode. The warm commands are therefore also timed
with mtreview's bytecode written once beforehand (under a temporary
``PYTHONPYCACHEPREFIX``), as for an installed package. The load average is printed with
the figures.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DATA, FLORES, need_shared, run_cli
from tests.report.conftest import SACREBLEU, parse_paired

REPEAT = 5
SB_REPEAT = 1
TATOEBA = DATA / "tatoeba-ara-eng"
NO_COLOUR = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}


def perturbed(ref: list[str], seed: int) -> list[str]:
    rnd = random.Random(seed)
    kinds = ("drop", "swap", "repeat", "replace")
    out = []
    for line in ref:
        w = line.split()
        for _ in range(1 + seed % 2):
            kind = kinds[rnd.randrange(4)] if len(w) > 2 else "keep"
            i = rnd.randrange(len(w) - 1) if len(w) > 2 else 0
            if kind == "drop":
                del w[i]
            elif kind == "swap":
                w[i], w[i + 1] = w[i + 1], w[i]
            elif kind == "repeat":
                w.insert(i, w[i])
            elif kind == "replace":
                w[i] = rnd.choice(("the", "a", "it", "was", "not"))
        out.append(" ".join(w) or line)
    return out


def timed(cmd, repeat: int, setup=None, env=None) -> tuple[float, float, str]:
    """(best wall s, best CPU s of the child, stdout of the last run); ``cmd``: a command,
    or a function giving each run's command."""
    walls, cpus, out = [], [], ""
    for _ in range(repeat):
        if setup is not None:
            setup()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(cmd() if callable(cmd) else cmd, capture_output=True, text=True,
                           check=True, env=env or NO_COLOUR)
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout)
    return min(walls), min(cpus), out


def make_project(tmp: Path, src: Path, ref: Path, systems: dict[str, list[str]]
                 ) -> tuple[Path, list[Path]]:
    proj = tmp / "template"
    assert run_cli("init", proj, "--source", src, "--reference", ref).returncode == 0
    files = []
    for name, lines in systems.items():
        f = tmp / f"{name}.en"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(f)
        assert run_cli("add-system", proj, name, f).returncode == 0
    return proj, files


def fresh(template: Path, work: Path):
    def setup():
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(template, work)
    return setup


def report(proj: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "mtreview", "report", str(proj), "--format", "json", *args]


def line(label, base, cold, warm=None) -> str:
    text = f"{label}: sacrebleu {base[0]:.2f}s wall / {base[1]:.2f}s CPU | mtreview cold " \
           f"{cold[0]:.2f}s ({base[0] / cold[0]:.1f}x wall, {base[1] / cold[1]:.1f}x CPU)"
    if warm is not None:
        text += f" | warm {warm[0]:.2f}s ({base[0] / warm[0]:.1f}x wall, " \
                f"{base[1] / warm[1]:.1f}x CPU)"
    return text


def bytecode_env(tmp: Path) -> dict[str, str]:
    """The environment with Python's bytecode cache on, written under ``tmp``."""
    env = {k: v for k, v in NO_COLOUR.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(tmp)}


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def same_p(text: str, rep: dict, names: list[str], key: str) -> None:
    rows = parse_paired(text, 2)
    for row, name in zip(rows, names):
        for j, m in enumerate(("bleu", "chrf")):
            if row["p"][j] is not None:
                assert abs(rep["systems"][name][m][key] - row["p"][j]) <= 1e-4


@pytest.mark.benchmark
def test_report_commands_tatoeba_4_systems(tmp_path):
    data = need_shared(TATOEBA)
    ref_path = data / "reference.en"
    ref = ref_path.read_text(encoding="utf-8").splitlines()
    systems = {f"sys{k}": perturbed(ref, k) for k in range(1, 5)}
    template, files = make_project(tmp_path, data / "source.ar", ref_path, systems)
    work = tmp_path / "proj"
    sb = [str(SACREBLEU), str(ref_path), "-i", *map(str, files), "-m", "bleu", "chrf",
          "-f", "text", "-w", "4"]
    names = list(systems)
    lines = [f"start: {load()}"]
    compiled_env = bytecode_env(tmp_path / "pycache")
    for label, sb_args, ours_args, key in (
            ("paired bootstrap, 1000 resamples", ["--paired-bs"], ["--ar", "0"], "p_bs"),
            ("approximate randomisation, 10,000 trials", ["--paired-ar"], ["--bootstrap", "0"],
             "p_ar")):
        base = timed(sb + sb_args, SB_REPEAT)
        cold = timed(report(work, *ours_args), REPEAT, setup=fresh(template, work))
        warm = timed(report(work, *ours_args), REPEAT)
        same_p(base[2], json.loads(warm[2]), names, key)
        lines.append(line(label, base, cold, warm))
        timed(report(work, *ours_args), 1, env=compiled_env)  # writes the bytecode
        compiled = timed(report(work, *ours_args), REPEAT, env=compiled_env)
        assert compiled[2] == warm[2]
        lines.append(f"  warm, mtreview's bytecode written beforehand: {compiled[0]:.2f}s "
                     f"({base[0] / compiled[0]:.1f}x wall, {base[1] / compiled[1]:.1f}x CPU)")
        seeds = iter(range(1, REPEAT + 1))  # statistics cached, significance recomputed
        recomputed = timed(lambda a=ours_args, it=seeds: report(work, *a, "--seed",
                                                                  str(next(it))), REPEAT)
        lines.append(f"  warm with a new seed each run (results not cached): "
                     f"{recomputed[0]:.2f}s ({base[0] / recomputed[0]:.1f}x wall, "
                     f"{base[1] / recomputed[1]:.1f}x CPU)")
    default = timed(report(work), REPEAT)
    rep = json.loads(default[2])
    assert len(rep["segment_scores"]) == len(ref)
    lines.append(f"default report (bootstrap 1000 + AR 10,000), warm: {default[0]:.2f}s wall, "
                 f"{default[1]:.2f}s CPU (target < 1 s)")

    from mtreview.core.project import Project
    from mtreview.report.build import build_report
    with Project.open(work) as project:
        build_report(project)
        t = time.perf_counter()
        build_report(project)
        lines.append(f"default report, warm, in-process: {time.perf_counter() - t:.2f}s")
    lines.append(f"end: {load()}")
    print("\n" + "\n".join(lines))


@pytest.mark.benchmark
def test_ter_command_flores_4_systems(tmp_path):
    fl = need_shared(FLORES)
    ref_path = fl / "eng_Latn.devtest"
    ref = ref_path.read_text(encoding="utf-8").splitlines()
    bloom = (fl / "systems" / "bloom-176b-1shot.en").read_text(encoding="utf-8").splitlines()
    systems = {"bloom": bloom, "bloom-p1": perturbed(bloom, 1), "bloom-p2": perturbed(bloom, 2),
               "ref-p3": perturbed(ref, 3)}
    template, files = make_project(tmp_path, fl / "arb_Arab.devtest", ref_path, systems)
    work = tmp_path / "proj"
    base = timed([str(SACREBLEU), str(ref_path), "-i", *map(str, files), "-m", "ter",
                  "-f", "text", "-w", "4"], SB_REPEAT)
    args = ("--metrics", "ter", "--bootstrap", "0", "--ar", "0")
    cold = timed(report(work, *args), REPEAT, setup=fresh(template, work))
    rep = json.loads(cold[2])
    printed = [float(row["scores"][0][0]) for row in parse_paired(base[2], 1)]
    assert printed == [float(f"{rep['systems'][s]['ter']['score']:.4f}") for s in systems]
    print("\n" + line("TER, 4 × 1,012 FLORES segments", base, cold) + f" ({load()})")
