"""The store on both engines (``new_store``: SQLite, then PostgreSQL when reachable), plus
what only SQLite files have: WAL, legacy stores, damaged files, read-only files."""

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from mtreview.core.store import SCHEMA_VERSION, Store, StoreError
from mtreview.core.types import (
    Document,
    ErrorSpan,
    Flag,
    Reference,
    Review,
    Segment,
    System,
    Translation,
)
from tests.core.legacy_store import make_legacy_store


def fill(s):
    s.add_corpus([Document("d", 0)], [Segment(i, "d", 1, f"جملة {i}") for i in range(1, 101)],
                 [Reference(i, 0, f"ref {i}") for i in range(1, 101)])
    s.add_system(System("sys", "file", {"file": "x"}),
                 [Translation("sys", i, f"sentence {i}") for i in range(1, 101)])
    return s


def make_store(path):
    return fill(Store(path, create=True))


def test_wal_mode_and_version(tmp_path):
    s = make_store(tmp_path / "s.sqlite")
    assert s.schema_version() == SCHEMA_VERSION
    assert s.meta()["schema_version"] == SCHEMA_VERSION
    s.close()
    con = sqlite3.connect(tmp_path / "s.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_segment_docs_are_segments_without_their_source(new_store):
    s = fill(new_store())
    s.add_corpus([Document("e", 1)], [Segment(0, "e", 1, "أول")])
    assert s.segment_docs() == [(x.id, x.doc_id) for x in s.segments()]
    assert s.segment_docs()[:2] == [(0, "e"), (1, "d")]


def test_review_roundtrip_and_upsert_keeps_start(new_store):
    s = fill(new_store())
    span = ErrorSpan(0, 8, "major", "Accuracy/Mistranslation", origin="check:names:edited")
    s.save_review(Review(3, "sys", "amal", "esa", 55.0, (span,), "", "2026-01-01T00:00:00Z",
                         "2026-01-01T00:00:05Z", blind=True, card_order=("sys", "other")))
    (r,) = s.reviews(reviewer="amal")
    assert r.spans == (span,) and r.blind is True and r.card_order == ("sys", "other")
    s.save_review(Review(3, "sys", "amal", "esa", 70.0, (), "ok", "2026-01-02T00:00:00Z",
                         "2026-01-02T00:00:09Z"))
    (r,) = s.reviews(reviewer="amal")
    assert r.score == 70.0 and r.comment == "ok" and r.spans == () and r.blind is False
    assert r.start_time == "2026-01-01T00:00:00Z" and r.end_time == "2026-01-02T00:00:09Z"


def test_reviews_are_kept_per_protocol(new_store):
    """Issue 12 item 3: MQM then DA on one translation are two reviews, counted apart."""
    s = fill(new_store())
    mqm = ErrorSpan(0, 4, "major", "Accuracy/Omission")
    for seg in range(1, 6):
        s.save_review(Review(seg, "sys", "amal", "mqm", None, (mqm,)))
    s.save_review(Review(2, "sys", "amal", "da", 40.0))
    by_proto = {(r.seg_id, r.protocol): r for r in s.reviews(reviewer="amal")}
    assert len(by_proto) == 6
    assert by_proto[(2, "mqm")].spans == (mqm,) and by_proto[(2, "da")].spans == ()
    assert by_proto[(2, "da")].score == 40.0 and by_proto[(2, "mqm")].score is None
    assert s.reviewed_segments("amal", protocol="da") == {2: 1}
    assert s.reviewed_segments("amal", protocol="mqm") == {i: 1 for i in range(1, 6)}
    assert s.reviewed_segments("amal") == {i: 1 for i in range(1, 6)}  # systems, not rows
    assert s.review_counts() == {"amal": 6} and s.review_counts(protocol="da") == {"amal": 1}
    assert [r.seg_id for r in s.reviews(protocol="da")] == [2]
    s.delete_review(2, "sys", "amal", "da")
    assert len(s.reviews()) == 5 and s.reviews(protocol="da") == []
    s.delete_review(3, "sys", "amal")  # every protocol
    assert sorted(r.seg_id for r in s.reviews()) == [1, 2, 4, 5]


def test_export_rows_have_protocol_blind_and_card_order(new_store):
    s = fill(new_store())
    s.save_review(Review(1, "sys", "amal", "esa", 80.0, blind=True, card_order=("sys",)))
    s.save_review(Review(1, "sys", "amal", "mqm", None))
    rows = s.export_rows()
    assert [(r[0], r[6], r[12], r[13]) for r in rows] == [
        (1, "esa", True, '["sys"]'), (1, "mqm", False, "[]")]
    assert [r[6] for r in s.export_rows(protocol="mqm")] == ["mqm"]
    every = s.export_rows(include_unreviewed=True, protocol="esa")
    assert len(every) == 100 and every[1][5:] == (None,) * 9


def test_failed_transaction_changes_nothing(new_store):
    s = fill(new_store())
    with pytest.raises(StoreError, match="already exists"):
        s.add_system(System("sys", "file"), [Translation("sys", 1, "dup")])
    with pytest.raises(StoreError, match="conflicting"):  # the second row repeats the key
        s.add_system(System("other", "file"),
                     [Translation("other", 1, "a"), Translation("other", 1, "b")])
    assert [x.name for x in s.systems()] == ["sys"]
    assert s.translation_counts() == {"sys": 100}


def test_flags_stats_and_translations(new_store):
    s = fill(new_store())
    s.add_system(System("b", "file"), [Translation("b", 2, "two")])
    assert s.translations_of(2) == {"sys": "sentence 2", "b": "two"}
    assert s.translations_of(3) == {"sys": "sentence 3"}
    assert s.add_translations([Translation("b", 2, "kept?"), Translation("b", 3, "3")]) == 2
    assert s.translations("b") == {2: "two", 3: "3"}
    flags = [Flag("numbers", "major", "sys", (4, 5, 5), ("5",), "m1"),
             Flag("names", "minor", None, (5,), ("x",), "m2")]
    s.replace_flags("r1", flags)
    assert s.flags() == flags and s.flag_counts() == {4: 1, 5: 2}
    s.replace_flags("r2", [], checks=["numbers"])
    assert s.flags() == flags[1:] and s.flags(seg_id=4) == []
    s.put_stats_blocks("bleu", "h", [("sys", "d1", b"\x00\xff")])
    s.put_stats_blocks("bleu", "h", [("sys", "d2", b"\x01")])
    assert s.get_stats_block("sys", "bleu", "h") == ("d2", b"\x01")
    assert s.references()[7] == ["ref 7"] and s.reference_count() == 1


def test_postgres_projects_do_not_see_each_other(new_store):
    if new_store.engine != "postgresql":
        pytest.skip("schemas are a PostgreSQL matter")
    a, b = fill(new_store()), new_store()
    b.add_corpus([Document("e", 0)], [Segment(1, "e", 1, "other")])
    a.save_review(Review(1, "sys", "amal", "esa", 10.0))
    assert b.reviews() == [] and b.systems() == [] and b.count_segments() == 1
    assert a.count_segments() == 100 and len(a.reviews()) == 1


def test_postgres_survives_lost_connections(new_store):
    """Connections killed by the server (as in a restart) are replaced: reads and writes go
    on, nothing acknowledged is lost."""
    if new_store.engine != "postgresql":
        pytest.skip("a server-side connection loss is a PostgreSQL matter")
    import psycopg

    from tests.conftest import PG_URL

    s = fill(new_store())
    s.save_review(Review(1, "sys", "amal", "esa", 10.0))
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s", (f"mtreview:{s.target.schema}",)).fetchone()[0]
    assert killed >= 1
    s.save_review(Review(2, "sys", "amal", "esa", 20.0))
    s.add_reviews([Review(3, "sys", "amal", "esa", 30.0)])
    assert [r.score for r in s.reviews()] == [10.0, 20.0, 30.0]


CONCURRENT = r"""
import sys
from mtreview.core.store import Store
from mtreview.core.types import ErrorSpan, Review
where, schema, k = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
s = Store(where, schema=schema)
for i in range(1, 41):
    s.save_review(Review(i, "sys", f"w{k}", "esa", float(i), (ErrorSpan(0, 2, "minor"),)))
    s.save_review(Review(i % 7 + 1, "sys", "shared", "mqm", None, (ErrorSpan(0, k, "major"),)))
"""


def test_concurrent_writers_lose_nothing(new_store):
    s = fill(new_store())
    where = str(s.path) if s.is_sqlite else need_url(s)
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, where,
                               s.target.schema or "", str(k)], stderr=subprocess.PIPE,
                              text=True) for k in range(1, 5)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    counts = s.review_counts()
    assert counts == {"w1": 40, "w2": 40, "w3": 40, "w4": 40, "shared": 7}


def need_url(s):
    from mtreview.core.store import public_url

    return public_url(s.target.url)


def test_version_2_store_of_main_is_upgraded_without_loss(tmp_path):
    """A store as the previous mtreview wrote it (schema 2, reviews keyed without protocol)
    opens with every row kept; the reviews are then per protocol."""
    p = make_legacy_store(tmp_path / "v2.sqlite", version=2)
    con = sqlite3.connect(p)
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
              for t in ("documents", "segments", "refs", "systems", "translations", "flags",
                        "reviews", "stats")}
    con.close()
    s = Store(p)
    assert s.schema_version() == SCHEMA_VERSION
    dump = s.dump()
    for table in ("documents", "segments", "refs", "systems", "translations", "flags",
                  "stats"):
        assert sorted(map(tuple, before[table]), key=repr) == dump[table], table
    old = {(r[0], r[1], r[2]): r for r in before["reviews"]}
    new = {(r.seg_id, r.system, r.reviewer): r for r in s.reviews()}
    assert old.keys() == new.keys() and len(new) == 3
    for key, row in old.items():
        r = new[key]
        assert (r.protocol, r.score, r.comment, r.start_time, r.end_time, r.updated) == (
            row[3], row[4], row[6], row[7], row[8], row[9])
        assert [sp.to_dict() for sp in r.spans] == [
            dict(d, origin="reviewer") for d in json.loads(row[5])]
        assert r.blind is False and r.card_order == ()
    s.save_review(Review(1, "sys", "amal", "da", 12.0))  # a second protocol, kept apart
    assert [(r.seg_id, r.protocol) for r in s.reviews(reviewer="amal")] == [
        (1, "da"), (1, "esa"), (2, "mqm")]


def test_version_1_store_is_upgraded_and_keeps_its_data(tmp_path):
    p = make_legacy_store(tmp_path / "v1.sqlite", version=1)
    s = Store(p)
    assert s.schema_version() == SCHEMA_VERSION
    assert [x.name for x in s.systems()] == ["sys"]
    assert s.get_stats_block("sys", "bleu|x", "r") is None  # the old cache is dropped
    s.put_stats_blocks("bleu|x", "r", [("sys", "d", b"\x01")])
    assert s.get_stats_block("sys", "bleu|x", "r") == ("d", b"\x01")


def test_refuses_newer_and_missing(tmp_path):
    p = tmp_path / "s.sqlite"
    make_store(p).close()
    con = sqlite3.connect(p)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(p)
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "absent.sqlite")


@pytest.mark.parametrize("damage", ["empty", "random", "truncated", "text"])
def test_damaged_store_is_one_error_and_untouched(tmp_path, damage):
    """Issue 12 item 4: no traceback, no fresh store over an empty file, nothing written."""
    p = tmp_path / "s.sqlite"
    make_store(p).close()
    data = p.read_bytes()
    content = {"empty": b"", "random": os.urandom(len(data)),
               "truncated": data[:len(data) // 3], "text": b"store = 1\n" * 500}[damage]
    p.write_bytes(content)
    with pytest.raises(StoreError) as e:
        Store(p).reviews()
    assert "\n" not in str(e.value)
    assert p.read_bytes() == content and sorted(os.listdir(tmp_path)) == ["s.sqlite"]


def test_read_only_store_reads_and_refuses_writes(tmp_path):
    p = tmp_path / "s.sqlite"
    s = make_store(p)
    s.save_review(Review(1, "sys", "amal", "esa", 50.0))
    s.close()
    data = p.read_bytes()
    for target in (p, tmp_path):
        mode = target.stat().st_mode
        target.chmod(mode & ~0o222)
        try:
            ro = Store(p)
            assert ro.read_only and len(ro.reviews()) == 1 and ro.count_segments() == 100
            with pytest.raises(StoreError, match="read-only"):
                ro.save_review(Review(2, "sys", "amal", "esa", 1.0))
            ro.close()
        finally:
            target.chmod(mode)
        assert p.read_bytes() == data and sorted(os.listdir(tmp_path)) == ["s.sqlite"]


WRITER = r"""
import sys
from mtreview.core.store import Store
from mtreview.core.types import Review
s = Store(sys.argv[1], schema=sys.argv[2] or None)
for i in range(1, 10001):
    s.save_review(Review(i % 100 + 1, "sys", f"r{i // 100}", "da", float(i % 101)))
    print(i, flush=True)
"""


def test_sigkill_loses_nothing_saved(new_store):
    s = fill(new_store())
    where = str(s.path) if s.is_sqlite else need_url(s)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, where, s.target.schema or ""],
                            stdout=subprocess.PIPE, text=True)
    acked = 0
    deadline = time.time() + 60
    while acked < 300 and time.time() < deadline:
        acked = int(proc.stdout.readline())
    proc.kill()  # SIGKILL: no chance to flush or close
    proc.wait()
    assert acked >= 300
    saved = s.reviews()  # every acknowledged save, in a store that still opens
    assert len(saved) >= acked
    assert {(r.seg_id, r.reviewer) for r in saved} >= {
        (i % 100 + 1, f"r{i // 100}") for i in range(1, acked + 1)}
