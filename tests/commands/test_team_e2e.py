"""A team on the real PostgreSQL server, end to end: init --store, add-system, assign, two
reviewers in two terminals (tmux) at once, report, export."""

from __future__ import annotations

import json

from mtreview.core.project import Project
from tests.conftest import DATA, need_shared
from tests.tui.test_review_cli import Tmux, review_command, wait_exit

N = 30


def test_team_on_postgresql(tmp_path, cli, pg_url):
    d = need_shared(DATA / "ntrex128-ar-en")
    for name in ("source.ar", "reference.en", "document_ids.tsv"):
        lines = (d / name).read_text(encoding="utf-8").splitlines()[:N]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = tmp_path / "team"
    for args in (["init", p, "--source", tmp_path / "source.ar", "--reference",
                  tmp_path / "reference.en", "--doc-ids", tmp_path / "document_ids.tsv",
                  "--store", pg_url],
                 ["add-system", p, "human", tmp_path / "reference.en"],
                 ["assign", p, "--reviewers", "amal,omar", "--overlap", "2",
                  "--batch-size", "1000"]):
        r = cli(*args)
        assert r.returncode == 0, r.stderr
    assert "postgresql" in (p / "mtreview.toml").read_text()
    assert not (p / "store.sqlite").exists()

    terms, dones = [], []
    try:
        for reviewer, score in (("amal", "81"), ("omar", "64")):
            (tmp_path / reviewer).mkdir()
            t = Tmux(tmp_path / reviewer)
            done = tmp_path / f"{reviewer}.rc"
            t.start(review_command(p, done, "--reviewer", reviewer))
            terms.append((t, score))
            dones.append(done)
        for t, _ in terms:
            t.wait_for("segment 1 ·")
        for t, score in terms:  # both reviewers at work at the same time
            t.keys("s", *score, "Enter")
        for t, score in terms:
            t.wait_for(f"score {score}")
            t.keys("q")
        assert [wait_exit(done) for done in dones] == [0, 0]
    finally:
        for t, _ in terms:
            t.close()
    with Project.open(p) as project:
        got = {(r.reviewer, r.seg_id, r.score) for r in project.store.reviews()}
    assert got == {("amal", 1, 81.0), ("omar", 1, 64.0)}
    r = cli("report", p, "--format", "json")
    assert r.returncode == 0, r.stderr
    esa = json.loads(r.stdout)["human"]["esa"]
    assert esa["reviewers"] == ["amal", "omar"]
    out = tmp_path / "reviews.jsonl"
    r = cli("export", p, out, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((x["reviewer"], x["score"]) for x in rows) == [("amal", 81.0), ("omar", 64.0)]
