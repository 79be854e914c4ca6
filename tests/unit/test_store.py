import sqlite3
import subprocess
import sys
import time

import pytest

from mtreview.core.store import SCHEMA_VERSION, Store, StoreError
from mtreview.core.types import Document, ErrorSpan, Review, Segment, System, Translation


def make_store(path):
    s = Store(path, create=True)
    s.add_corpus([Document("d", 0)], [Segment(i, "d", 1, f"جملة {i}") for i in range(1, 101)])
    s.add_system(System("sys", "file", {"file": "x"}),
                 [Translation("sys", i, f"sentence {i}") for i in range(1, 101)])
    return s


def test_wal_mode_and_version(tmp_path):
    s = make_store(tmp_path / "s.sqlite")
    assert s._query("PRAGMA journal_mode")[0][0] == "wal"
    assert s.schema_version() == SCHEMA_VERSION
    assert s.meta()["schema_version"] == SCHEMA_VERSION


def test_review_roundtrip_and_upsert_keeps_start(tmp_path):
    s = make_store(tmp_path / "s.sqlite")
    span = ErrorSpan(0, 8, "major", "Accuracy/Mistranslation")
    s.save_review(Review(3, "sys", "amal", "esa", 55.0, (span,), "", "2026-01-01T00:00:00Z",
                         "2026-01-01T00:00:05Z"))
    s.save_review(Review(3, "sys", "amal", "esa", 70.0, (), "ok", "2026-01-02T00:00:00Z",
                         "2026-01-02T00:00:09Z"))
    (r,) = s.reviews(reviewer="amal")
    assert r.score == 70.0 and r.comment == "ok" and r.spans == ()
    assert r.start_time == "2026-01-01T00:00:00Z" and r.end_time == "2026-01-02T00:00:09Z"


def test_failed_transaction_changes_nothing(tmp_path):
    s = make_store(tmp_path / "s.sqlite")
    with pytest.raises(StoreError):
        s.add_system(System("sys", "file"), [Translation("sys", 1, "dup")])
    with pytest.raises(sqlite3.IntegrityError):  # second row violates the primary key
        s.add_system(System("other", "file"),
                     [Translation("other", 1, "a"), Translation("other", 1, "b")])
    assert [x.name for x in s.systems()] == ["sys"]
    assert s.translation_counts() == {"sys": 100}


def test_version_1_store_is_upgraded_and_keeps_its_data(tmp_path):
    """Version 2 replaced the per-segment statistics cache with one block per system: the
    old cache is dropped, everything else stays."""
    from mtreview.core.store import MIGRATIONS, _split_sql

    p = tmp_path / "v1.sqlite"
    con = sqlite3.connect(p)
    for statement in _split_sql(MIGRATIONS[0]):
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO systems(name, kind, created, position) VALUES ('sys', 'file', 't', 0)")
    con.execute("INSERT INTO stats VALUES ('sys', 'bleu|x', 'r', 1, 'h', x'00')")
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    s = Store(p)
    assert s.schema_version() == SCHEMA_VERSION == 2
    assert [x.name for x in s.systems()] == ["sys"]
    assert s.get_stats_block("sys", "bleu|x", "r") is None
    s.put_stats_blocks("bleu|x", "r", [("sys", "d", b"\x01")])
    assert s.get_stats_block("sys", "bleu|x", "r") == ("d", b"\x01")


def test_migration_from_empty_and_refuses_newer(tmp_path):
    p = tmp_path / "old.sqlite"
    sqlite3.connect(p).close()  # version 0: an empty database
    s = Store(p)
    assert s.schema_version() == SCHEMA_VERSION
    s.close()
    con = sqlite3.connect(p)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(p)


WRITER = r"""
import sys
from mtreview.core.store import Store
from mtreview.core.types import Review
s = Store(sys.argv[1])
for i in range(1, 10001):
    s.save_review(Review(i % 100 + 1, "sys", f"r{i // 100}", "da", float(i % 101)))
    print(i, flush=True)
"""


def test_sigkill_loses_nothing_saved(tmp_path):
    path = tmp_path / "s.sqlite"
    make_store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                            text=True)
    acked = 0
    deadline = time.time() + 60
    while acked < 300 and time.time() < deadline:
        acked = int(proc.stdout.readline())
    proc.kill()  # SIGKILL: no chance to flush or close
    proc.wait()
    assert acked >= 300
    check = subprocess.run(
        [sys.executable, "-c",
         "import sys; from mtreview.core.store import Store; "
         "print(len(Store(sys.argv[1]).reviews()))", str(path)],
        capture_output=True, text=True, check=True)
    assert int(check.stdout) >= acked
