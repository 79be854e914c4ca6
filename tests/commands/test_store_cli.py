"""The commands on both store engines (``store_url``: SQLite, then PostgreSQL), damaged and
read-only stores, and passwords (issues 12 and 16)."""

from __future__ import annotations

import json
import os
import sqlite3
import tomllib

import pytest

from mtreview.core.project import Project
from mtreview.core.types import ErrorSpan, Review

SOURCE = ["قال الرئيس إن 52 شخصا وصلوا.", "ذهب أحمد إلى القاهرة.", "الطقس جميل اليوم.",
          "وصل الوفد إلى بغداد صباحا.", "أعلنت الحكومة خطة جديدة."]
REFERENCE = ["The president said 52 people arrived.", "Ahmed went to Cairo.",
             "The weather is nice today.", "The delegation arrived in Baghdad in the morning.",
             "The government announced a new plan."]
HYPOTHESIS = ["The president said 25 people arrived.", "Ahmad went to Cairo.",
              "The weather is beautiful today.", "The delegation reached Baghdad.",
              "Government announced new plan."]


def _files(tmp_path):
    for name, lines in (("src.ar", SOURCE), ("ref.en", REFERENCE), ("hyp.en", HYPOTHESIS)):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "src.ar", tmp_path / "ref.en", tmp_path / "hyp.en"


def _ok(r):
    assert r.returncode == 0, r.stderr
    return r


def _one_line_error(r, *words):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("mtreview: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr


def test_commands_work_the_same_on_both_engines(cli, tmp_path, store_url):
    src, ref, hyp = _files(tmp_path)
    p = tmp_path / "p"
    _ok(cli("init", p, "--source", src, "--reference", ref, "--store", store_url))
    config = tomllib.loads((p / "mtreview.toml").read_text(encoding="utf-8"))
    if store_url == "sqlite":
        assert (p / "store.sqlite").is_file() and "store" not in config
    else:
        assert not (p / "store.sqlite").exists()
        assert config["store"]["url"] == store_url
        assert config["store"]["schema"].startswith("mtreview_")
    _ok(cli("add-system", p, "bloom", hyp))
    with Project.open(p) as project:  # what the review UI does on each change
        project.store.save_review(Review(1, "bloom", "amal", "mqm", None, (
            ErrorSpan(19, 21, "major", "Accuracy/Mistranslation", origin="check:numbers"),)))
        project.store.save_review(Review(1, "bloom", "amal", "esa", 30.0, blind=True,
                                         card_order=("bloom",)))
        project.store.save_review(Review(2, "bloom", "amal", "esa", 95.0))
    status = json.loads(_ok(cli("status", p, "--json")).stdout)
    assert status["reviews"] == {"amal": 3}
    report = _ok(cli("report", p, "--format", "json", "--bootstrap", "10")).stdout
    assert "bloom" in report
    _ok(cli("check", p))
    _ok(cli("export", p, tmp_path / "out.jsonl", "--format", "jsonl"))
    rows = [json.loads(x) for x in
            (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((r["seg_id"], r["protocol"], r["score"]) for r in rows) == [
        (1, "esa", 30.0), (1, "mqm", None), (2, "esa", 95.0)]
    with Project.open(p) as project:
        assert project.store.translations("bloom")[4] == HYPOTHESIS[3]
        (mqm,) = project.store.reviews(seg_id=1, protocol="mqm")
        assert [s.origin for s in mqm.spans] == ["check:numbers"]
        (esa,) = project.store.reviews(seg_id=1, protocol="esa")
        assert esa.blind and esa.card_order == ("bloom",)


def test_postgres_projects_share_a_database_apart(cli, tmp_path, pg_url):
    src, _ref, hyp = _files(tmp_path)
    for name in ("a", "b"):
        _ok(cli("init", tmp_path / name, "--source", src, "--store", pg_url))
    _ok(cli("add-system", tmp_path / "a", "bloom", hyp))
    with Project.open(tmp_path / "a") as a, Project.open(tmp_path / "b") as b:
        assert [s.name for s in a.store.systems()] == ["bloom"] and b.store.systems() == []
        assert a.store_location[1] != b.store_location[1]


@pytest.mark.parametrize("url", [
    "postgresql://amal:s3cr3t-pw@127.0.0.1:5432/test",
    "postgres://amal:s3cr3t-pw@db.example/test?sslmode=require",
])
def test_a_password_in_the_store_url_is_refused_unechoed(cli, tmp_path, url):
    src, _ref, _hyp = _files(tmp_path)
    r = cli("init", tmp_path / "p", "--source", src, "--store", url)
    _one_line_error(r, "password")
    assert "s3cr3t-pw" not in r.stderr + r.stdout
    assert not (tmp_path / "p").exists()


def test_bad_store_urls_are_one_line(cli, tmp_path):
    src, _ref, _hyp = _files(tmp_path)
    for url in ("mysql://x@h/db", "postgresql://x@h", "not a url://"):
        _one_line_error(cli("init", tmp_path / "p", "--source", src, "--store", url))
        assert not (tmp_path / "p").exists()


def test_no_password_in_the_project_logs_or_errors(cli, tmp_path, pg_url):
    """libpq takes the password from PGPASSWORD; mtreview never writes or prints it."""
    secret = "pw-9f3c1e77"
    env = {"PGPASSWORD": secret}
    src, _ref, hyp = _files(tmp_path)
    p = tmp_path / "p"
    outputs = [_ok(cli("init", p, "--source", src, "--store", pg_url, env=env)),
               _ok(cli("add-system", p, "bloom", hyp, env=env)),
               _ok(cli("status", p, env=env))]
    config = (p / "mtreview.toml").read_text(encoding="utf-8")
    # an unreachable server: the error names the server, not the password
    (p / "mtreview.toml").write_text(config.replace("127.0.0.1:5432", "127.0.0.1:9"),
                                     encoding="utf-8")
    down = cli("status", p, env=env)
    _one_line_error(down, "cannot reach")
    (p / "mtreview.toml").write_text(config, encoding="utf-8")
    for r in outputs + [down]:
        assert secret not in r.stdout + r.stderr
    for f in p.rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f


@pytest.mark.parametrize("damage", ["empty", "random", "truncated"])
def test_damaged_store_every_command_one_line(cli, tmp_path, damage):
    src, ref, hyp = _files(tmp_path)
    p = tmp_path / "p"
    _ok(cli("init", p, "--source", src, "--reference", ref))
    _ok(cli("add-system", p, "bloom", hyp))
    store = p / "store.sqlite"
    data = store.read_bytes()
    content = {"empty": b"", "random": os.urandom(len(data)),
               "truncated": data[:len(data) // 2]}[damage]
    store.write_bytes(content)
    for args in (("status", p), ("report", p), ("check", p), ("add-system", p, "x", hyp),
                 ("export", p, tmp_path / "o.csv", "--format", "csv")):
        _one_line_error(cli(*args), "store")
        assert store.read_bytes() == content
        assert sorted(x.name for x in p.iterdir()) == ["mtreview.toml", "store.sqlite"]
    assert not (tmp_path / "o.csv").exists()


def test_read_only_project_serves_reads_and_refuses_writes(cli, tmp_path):
    src, ref, hyp = _files(tmp_path)
    p = tmp_path / "p"
    _ok(cli("init", p, "--source", src, "--reference", ref))
    _ok(cli("add-system", p, "bloom", hyp))
    with Project.open(p) as project:
        project.store.save_review(Review(1, "bloom", "amal", "esa", 40.0))
    store = p / "store.sqlite"
    dump = _reviews_in(store)
    for locked in (store, p):  # the store file, then the project directory
        mode = locked.stat().st_mode
        locked.chmod(mode & ~0o222)
        try:
            before = store.read_bytes()
            assert json.loads(_ok(cli("status", p, "--json")).stdout)["reviews"] == {"amal": 1}
            _ok(cli("report", p, "--bootstrap", "10"))
            out = tmp_path / f"out-{locked.name}.csv"
            _ok(cli("export", p, out, "--format", "csv"))
            assert out.is_file()
            _one_line_error(cli("add-system", p, "other", hyp), "read-only")
            _one_line_error(cli("check", p), "read-only")
            flags = _ok(cli("check", p, "--no-save", "--format", "jsonl")).stdout
            assert all(json.loads(line)["check"] for line in flags.splitlines())
            assert store.read_bytes() == before
            assert sorted(x.name for x in p.iterdir()) == ["mtreview.toml", "store.sqlite"]
        finally:
            locked.chmod(mode)
    assert _reviews_in(store) == dump


def _reviews_in(store):
    con = sqlite3.connect(store)
    try:
        return con.execute("SELECT * FROM reviews").fetchall()
    finally:
        con.close()


def test_discarded_postgres_project_leaves_no_schema(tmp_path, pg_url):
    """A failed `init --from` discards its project: the directory and the schema."""
    import psycopg

    from mtreview.core.types import Document, Segment

    p = Project.create(tmp_path / "p", [Document("d", 0)], [Segment(1, "d", 1, "نص")],
                       store_url=pg_url)
    schema = p.store_location[1]
    p.discard()
    assert not (tmp_path / "p").exists()
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s",
                           (schema,)).fetchone()[0] == 0
