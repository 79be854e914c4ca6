"""init + add-system on FLORES devtest + BLOOM (1,012 segments): target under 2 s together.

Baseline, measured in the same run: the irreducible work done by a bare Python process
(start the interpreter, read the three files, insert them into SQLite in one transaction).
"""

import subprocess
import sys
import time

from tests.conftest import FLORES, need_shared, run_cli

BASELINE = r"""
import sqlite3, sys
src, ref, hyp, db = sys.argv[1:]
con = sqlite3.connect(db)
con.execute("CREATE TABLE s(id INTEGER PRIMARY KEY, src TEXT, ref TEXT)")
con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, hyp TEXT)")
a = open(src, encoding="utf-8").read().split("\n")
b = open(ref, encoding="utf-8").read().split("\n")
c = open(hyp, encoding="utf-8").read().split("\n")
con.executemany("INSERT INTO s VALUES (?,?,?)", zip(range(len(a)), a, b))
con.executemany("INSERT INTO t VALUES (?,?)", zip(range(len(c)), c))
con.commit()
"""


def test_init_and_add_system_speed(tmp_path):
    fl = need_shared(FLORES)
    src, ref = fl / "arb_Arab.devtest", fl / "eng_Latn.devtest"
    hyp = fl / "systems" / "bloom-176b-1shot.en"
    ours, base = [], []
    for i in range(3):
        t0 = time.perf_counter()
        assert run_cli("init", tmp_path / f"p{i}", "--source", src, "--reference", ref).returncode == 0
        assert run_cli("add-system", tmp_path / f"p{i}", "bloom", hyp).returncode == 0
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", BASELINE, src, ref, hyp, tmp_path / f"b{i}.db"],
                       check=True)
        base.append(time.perf_counter() - t0)
    o, b = min(ours), min(base)
    print(f"\ninit + add-system (FLORES+BLOOM, 1012 segments): {o:.3f} s "
          f"(target 2 s: {o / 2.0:.2f} of the budget); bare-Python baseline {b:.3f} s; "
          f"ratio {o / b:.1f}x the baseline")
    assert o < 2.0
