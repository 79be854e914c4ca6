"""Campaigns end to end on both engines: assign (batches, overlap, attention), a reviewer's
view limited to their batches, status per reviewer and batch, attention pass rates in the
report, reassignment that keeps finished work, and import-reviews."""

from __future__ import annotations

import json

import pytest

from mtreview.core.campaign import is_attention
from mtreview.core.project import Project
from mtreview.core.types import Review
from mtreview.tui.session import ReviewSession
from tests.conftest import DATA, need_shared


def store_dump(project):
    """The config and every table, through the store (SQLite or PostgreSQL)."""
    with Project.open(project) as p:
        return (project / "mtreview.toml").read_text(), p.store.dump()

N = 120


@pytest.fixture
def ntrex_project(tmp_path, cli, store_url):
    d = need_shared(DATA / "ntrex128-ar-en")
    lines = {name: (d / name).read_text(encoding="utf-8").splitlines()[:N]
             for name in ("source.ar", "reference.en", "document_ids.tsv")}
    for name, rows in lines.items():
        (tmp_path / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    # a second system: the reference with every fifth word dropped
    other = [" ".join(w for i, w in enumerate(line.split()) if i % 5 != 3)
             for line in lines["reference.en"]]
    (tmp_path / "other.en").write_text("\n".join(other) + "\n", encoding="utf-8")
    p = tmp_path / "proj"
    for args in (["init", p, "--source", tmp_path / "source.ar", "--reference",
                  tmp_path / "reference.en", "--doc-ids", tmp_path / "document_ids.tsv",
                  "--store", store_url],
                 ["add-system", p, "human", tmp_path / "reference.en"],
                 ["add-system", p, "dropped", tmp_path / "other.en"]):
        r = cli(*args)
        assert r.returncode == 0, r.stderr
    return p


def _score_all(project, reviewer, good=80.0, bad=30.0):
    """The reviewer scores everything in their view: attention copies low, others high."""
    with Project.open(project) as p:
        s = ReviewSession(p, reviewer, protocol="esa")
        s.load_index()
        seen = 0
        for seg in list(s.ids):
            for card in s.view(seg).cards:
                score = bad if is_attention(card.system) else good
                p.store.save_review(Review(seg, card.system, reviewer, "esa", score,
                                           end_time="2026-01-01T00:00:00+00:00"))
                seen += 1
        return seen, s.blind


def test_assign_review_status_report(ntrex_project, cli):
    p = ntrex_project
    r = cli("assign", p, "--reviewers", "amal,omar,sara", "--overlap", "2", "--batch-size",
            "60", "--attention", "0.1")
    assert r.returncode == 0, r.stderr
    with Project.open(p) as proj:
        store = proj.store
        batches, plan = store.batches(), store.assignments()
        copies = store.attention_copies()
        docs = {s.id: s.doc_id for s in store.segments()}
        assert sum(len(b.items) for b in batches) == N * 2
        for b in batches:  # documents whole
            assert {docs[it.seg_id] for it in b.items} == set(b.doc_ids)
            assert len({a.reviewer for a in plan if a.batch == b.index}) == 2
        assert len(copies) == sum(max(1, round(0.1 * len(b.items))) for b in batches)
        mine = store.assigned_items("amal")
        expected = {(it.seg_id, it.system) for b in batches
                    if any(a.batch == b.index and a.reviewer == "amal" for a in plan)
                    for it in b.items}
        assert {(i.seg_id, i.system) for i in mine if not is_attention(i.system)} == expected
    seen, blind = _score_all(p, "amal")
    assert blind  # attention checks force blind review
    assert seen == len(store_items := mine) and store_items
    _score_all(p, "omar", good=70, bad=68)  # omar does not read: scores the copies as high
    r = cli("status", p)
    assert r.returncode == 0 and "campaign" in r.stdout and "amal" in r.stdout
    assert "(100%)" in r.stdout
    r = cli("report", p, "--format", "json", "--metrics", "none")
    assert r.returncode == 0, r.stderr
    att = {a["reviewer"]: a for a in json.loads(r.stdout)["attention"]}
    assert att["amal"]["rate"] == 1.0 and not att["amal"]["flagged"]
    assert att["omar"]["rate"] == 0.0 and att["omar"]["flagged"]
    human = json.loads(r.stdout)["human"]["esa"]
    assert not any(is_attention(s) for s in json.dumps(human).split('"'))
    out = p.parent / "all.jsonl"
    assert cli("export", p, out, "--format", "jsonl").returncode == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and not any(is_attention(row["system"]) for row in rows)

    # amal finished; she leaves, lina joins: amal keeps her finished batches, the others
    # are filled up to the overlap from the new team
    with Project.open(p) as proj:
        amal_batches = {a.batch for a in proj.store.assignments() if a.reviewer == "amal"}
    r = cli("assign", p, "--reviewers", "omar,sara,lina", "--overlap", "2", "--batch-size",
            "60", "--attention", "0.1")
    assert r.returncode == 0, r.stderr
    with Project.open(p) as proj:
        after = proj.store.assignments()
        assert {a.batch for a in after if a.reviewer == "amal"} == amal_batches
        assert any(a.reviewer == "lina" for a in after)
        assert proj.store.attention_copies() == copies
    r = cli("assign", p, "--reviewers", "omar", "--overlap", "2", "--batch-size", "60",
            "--attention", "0.1")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_bad_assign_input_changes_nothing(ntrex_project, cli):
    before = store_dump(ntrex_project)
    for args in (["--reviewers", ""], ["--reviewers", "a,a"], ["--reviewers", "a", "--overlap", "2"],
                 ["--reviewers", "a\x1b[2J"], ["--reviewers", "a", "--batch-size", "0"],
                 ["--reviewers", "a", "--attention", "0.9"]):
        r = cli("assign", ntrex_project, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert store_dump(ntrex_project) == before


def test_import_reviews_merges_idempotently(ntrex_project, cli, tmp_path):
    p = ntrex_project
    with Project.open(p) as proj:
        proj.store.save_review(Review(1, "human", "amal", "esa", 90.0,
                                      end_time="2026-01-01T10:00:00+00:00"))
        proj.store.save_review(Review(2, "human", "amal", "esa", 50.0,
                                      end_time="2026-01-01T10:00:00+00:00"))
        proj.store.save_review(Review(3, "human", "amal", "esa", 40.0,
                                      end_time="2026-01-03T10:00:00+00:00"))
    exported = tmp_path / "elsewhere.jsonl"
    assert cli("export", p, exported, "--format", "jsonl").returncode == 0
    rows = [json.loads(line) for line in exported.read_text().splitlines()]
    for row in rows:  # the other copy: seg 2 re-scored later, seg 3 re-scored earlier, + omar
        if row["seg_id"] == 2:
            row["score"], row["end_time"] = 55.0, "2026-01-02T10:00:00.000000Z"
        if row["seg_id"] == 3:
            row["score"], row["end_time"] = 10.0, "2026-01-02T10:00:00.000000Z"
    extra = dict(rows[0], reviewer="omar", score=33.0)
    exported.write_text("\n".join(json.dumps(r) for r in [*rows, extra]) + "\n")
    r = cli("import-reviews", p, exported)
    assert r.returncode == 0, r.stderr
    assert "1 added, 1 updated" in r.stdout and "2 skipped" in r.stdout
    with Project.open(p) as proj:
        got = {(x.seg_id, x.reviewer): x.score for x in proj.store.reviews()}
    assert got == {(1, "amal"): 90.0, (2, "amal"): 55.0, (3, "amal"): 40.0, (1, "omar"): 33.0}
    before = store_dump(p)
    r = cli("import-reviews", p, exported)
    assert r.returncode == 0 and "0 added, 0 updated" in r.stdout
    assert store_dump(p) == before
    # bad files: one line, exit 2, nothing changed
    bad_src = dict(rows[0], src="another source")
    cases = {"missing.jsonl": None, "bad.jsonl": "{not json\n",
             "other.jsonl": json.dumps(bad_src) + "\n",
             "nofields.jsonl": json.dumps({"a": 1}) + "\n",
             "latin1.jsonl": b"\xff\xfe\n", "empty.jsonl": ""}
    for name, content in cases.items():
        f = tmp_path / name
        if isinstance(content, bytes):
            f.write_bytes(content)
        elif content is not None:
            f.write_text(content)
        r = cli("import-reviews", p, f)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert store_dump(p) == before
