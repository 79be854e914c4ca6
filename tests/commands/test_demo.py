"""`mtreview demo`: the sample article, translated by the bundled model, checked, reviewed."""

import json
import sys

from mtreview.core.project import Project
from tests.conftest import REPO, run_cli
from tests.tui.test_review_cli import Tmux, wait_exit


def test_demo_translates_once_checks_and_summarises(tmp_path):
    d = tmp_path / "demo"
    r = run_cli("demo", "--dir", d, "--no-review")
    assert r.returncode == 0, r.stderr
    assert "translated 17 segments" in r.stderr
    with Project.open(d) as p:
        systems = [s.name for s in p.store.systems()]
        assert len(systems) == 2 and all(s.startswith("mtreview-ar-en-small") for s in systems)
        for s in systems:
            hyps = p.store.translations(s)
            assert len(hyps) == 17 and all(h.strip() for h in hyps.values())
        first = {s: p.store.system(s).provenance["finished"] for s in systems}
        flags = p.store.flags()
    hashimi = [f for f in flags if f.check == "name-variant" and set(f.segments) == {5, 6}]
    assert hashimi and set(hashimi[0].forms) >= {"الهاشمي", "هاشيمي"}
    assert "name-variant" in r.stdout and "الهاشمي" in r.stdout
    # a second run translates nothing: the store is the cache
    r2 = run_cli("demo", "--dir", d, "--no-review")
    assert r2.returncode == 0 and "translated" not in r2.stderr
    with Project.open(d) as p:
        assert {s: p.store.system(s).provenance["finished"] for s in systems} == first
    info = json.loads(run_cli("status", d, "--json").stdout)
    assert [s["translations"] for s in info["systems"]] == [17, 17]


def test_demo_opens_the_review_in_a_terminal(tmp_path):
    d = tmp_path / "demo"
    assert run_cli("demo", "--dir", d, "--no-review").returncode == 0  # translate outside tmux
    term = Tmux(tmp_path)
    done = tmp_path / "rc"
    try:
        term.start(f"cd {REPO} && {sys.executable} -m mtreview demo --dir {d} --reviewer demo; "
                   f"echo $? > {done}")
        screen = term.wait_for("source", timeout=90)
        assert "mtreview-ar-en-small" in screen
        term.keys("Tab", "s", "8", "0", "Enter")
        term.wait_for("score 80")
        term.keys("q")
        assert wait_exit(done) == 0
    finally:
        term.close()
    with Project.open(d) as p:
        (rev,) = p.store.reviews(reviewer="demo")
    assert rev.score == 80.0
