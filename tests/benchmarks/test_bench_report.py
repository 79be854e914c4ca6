"""Report speed: 4 systems × 1,012 FLORES segments, BLEU + chrF, 1,000 paired bootstrap
resamples, against sacrebleu's own paired bootstrap on the same data, in the same run.

Systems: BLOOM plus three derived at run time from real text (BLOOM with 10% of its words
dropped, BLOOM with one pair of adjacent words swapped per line, the reference with 25% of
its words dropped). Each figure is the best of ``REPEAT`` runs, as wall time and as CPU time
(this process and its children: robust to other jobs on a shared machine).

* in-process (the work itself): ``sacrebleu.significance.PairedTest`` — exactly what
  ``sacrebleu REF -i SYS… --paired-bs -m bleu chrf`` runs — against ``build_report`` on a
  project whose statistics cache is empty (cold) or filled (warm).
* command line (with interpreter start-up and imports on both sides): the ``sacrebleu``
  CLI against ``mtreview report``. Starting Python and importing numpy + sacrebleu alone
  costs ~0.25 s here, which caps any command-line ratio well below the in-process one.
"""

from __future__ import annotations

import random
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FLORES, REPO, need_shared, run_cli

REPEAT = 5
SACREBLEU = REPO / ".venv" / "bin" / "sacrebleu"


def derived(ref: list[str], bloom: list[str]) -> dict[str, list[str]]:
    rnd = random.Random(5)

    def drop(lines, rate):
        return [" ".join(w for w in x.split() if rnd.random() >= rate) or x for x in lines]

    def swap(line):
        w = line.split()
        if len(w) > 3:
            i = rnd.randrange(len(w) - 1)
            w[i], w[i + 1] = w[i + 1], w[i]
        return " ".join(w)

    return {"bloom": bloom, "bloom-drop10": drop(bloom, 0.10),
            "bloom-swap": [swap(x) for x in bloom], "ref-drop25": drop(ref, 0.25)}


def best(fn, repeat=REPEAT, setup=None) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds of this process and its children); ``setup``
    runs before each repeat, untimed."""
    walls, cpus = [], []
    for _ in range(repeat):
        if setup is not None:
            setup()
        r0, c0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(time.process_time() - c0 + (r1.ru_utime - r0.ru_utime) +
                    (r1.ru_stime - r0.ru_stime))
    return min(walls), min(cpus)


def clear_stats(project: Path) -> None:
    con = sqlite3.connect(project / "store.sqlite")
    con.execute("DELETE FROM stats")
    con.commit()
    con.close()


@pytest.mark.benchmark
def test_report_speed_against_sacrebleu_paired_bs(tmp_path):
    fl = need_shared(FLORES)
    ref_path = fl / "eng_Latn.devtest"
    ref = ref_path.read_text(encoding="utf-8").splitlines()
    bloom = (fl / "systems" / "bloom-176b-1shot.en").read_text(encoding="utf-8").splitlines()
    systems = derived(ref, bloom)
    files = []
    proj = tmp_path / "proj"
    assert run_cli("init", proj, "--source", fl / "arb_Arab.devtest",
                   "--reference", ref_path).returncode == 0
    for name, lines in systems.items():
        f = tmp_path / f"{name}.en"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(f)
        assert run_cli("add-system", proj, name, f).returncode == 0

    # -- in-process -----------------------------------------------------------------
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    from mtreview.core.project import Project
    from mtreview.report.build import build_report

    def sacrebleu_api():
        # the CLI builds its metrics with the references (their n-grams cached once)
        metrics = {"BLEU": BLEU(references=[ref]), "chrF": CHRF(references=[ref])}
        PairedTest(list(systems.items()), metrics, references=None, test_type="bs",
                   n_samples=1000)()

    with Project.open(proj) as project:
        def ours():
            build_report(project, metrics=("bleu", "chrf"), bootstrap=1000, ar=0)

        t_sb = best(sacrebleu_api)
        t_cold = best(ours, setup=lambda: clear_stats(proj))
        ours()  # fills the cache
        t_warm = best(ours)
        rep = build_report(project, metrics=("bleu", "chrf"), bootstrap=1000, ar=0)
        assert rep.computed_stats == 0 and len(rep.seg_ids) == 1012

    # -- command line ---------------------------------------------------------------
    def sacrebleu_cli():
        subprocess.run([str(SACREBLEU), str(ref_path), "-i", *map(str, files), "--paired-bs",
                        "-m", "bleu", "chrf", "-f", "text"], check=True, capture_output=True)

    def report_cli():
        subprocess.run([sys.executable, "-m", "mtreview", "report", str(proj), "--ar", "0",
                        "--format", "json"], check=True, capture_output=True)

    c_sb = best(sacrebleu_cli)
    c_cold = best(report_cli, setup=lambda: clear_stats(proj))
    report_cli()
    c_warm = best(report_cli)

    for label, base, cold, warm in (("in-process", t_sb, t_cold, t_warm),
                                    ("command line", c_sb, c_cold, c_warm)):
        for k, kind in enumerate(("wall", "CPU")):
            print(f"\n{label} ({kind}): sacrebleu {base[k]:.3f}s | mtreview cold {cold[k]:.3f}s "
                  f"({base[k] / cold[k]:.1f}x) | warm {warm[k]:.3f}s ({base[k] / warm[k]:.1f}x)",
                  end="")
    cold_x, warm_x = t_sb[1] / t_cold[1], t_sb[1] / t_warm[1]
    print(f"\ntargets (issue 7, in-process CPU): cold >= 10x "
          f"{'met' if cold_x >= 10 else 'NOT met'} ({cold_x:.1f}x), warm >= 30x "
          f"{'met' if warm_x >= 30 else 'NOT met'} ({warm_x:.1f}x)")
    # Floors this shared 2-core machine meets reliably; the printed figures are what counts.
    assert cold_x >= 7
    assert warm_x >= 15
