"""Stores as earlier mtreview versions wrote them (schema 1 and 2, before SQLAlchemy), to
test that today's store upgrades them without loss. The DDL is the old code's, verbatim."""

import json
import sqlite3

V1_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL DEFAULT ''
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id),
    para_id INTEGER NOT NULL, source TEXT NOT NULL
);
CREATE INDEX segments_doc ON segments(doc_id);
CREATE TABLE refs (
    seg_id INTEGER NOT NULL REFERENCES segments(id), idx INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (seg_id, idx)
) WITHOUT ROWID;
CREATE TABLE systems (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, provenance TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL, position INTEGER NOT NULL
);
CREATE TABLE translations (
    system TEXT NOT NULL REFERENCES systems(name), seg_id INTEGER NOT NULL REFERENCES segments(id),
    text TEXT NOT NULL, PRIMARY KEY (system, seg_id)
) WITHOUT ROWID;
CREATE TABLE flags (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, check_id TEXT NOT NULL, severity TEXT NOT NULL,
    system TEXT, segments TEXT NOT NULL, forms TEXT NOT NULL, spans TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX flags_check ON flags(check_id);
CREATE TABLE flag_segments (
    flag_id INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE, seg_id INTEGER NOT NULL,
    PRIMARY KEY (seg_id, flag_id)
) WITHOUT ROWID;
CREATE TABLE reviews (
    seg_id INTEGER NOT NULL REFERENCES segments(id), system TEXT NOT NULL, reviewer TEXT NOT NULL,
    protocol TEXT NOT NULL, score REAL, spans TEXT NOT NULL DEFAULT '[]',
    comment TEXT NOT NULL DEFAULT '', start_time TEXT, end_time TEXT, updated TEXT NOT NULL,
    PRIMARY KEY (seg_id, system, reviewer)
) WITHOUT ROWID;
CREATE INDEX reviews_reviewer ON reviews(reviewer);
CREATE TABLE stats (
    system TEXT NOT NULL, metric TEXT NOT NULL, ref_hash TEXT NOT NULL, seg_id INTEGER NOT NULL,
    hyp_hash TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (system, metric, ref_hash, seg_id)
) WITHOUT ROWID;
"""

V2_DDL = """
DROP TABLE stats;
CREATE TABLE stats (
    system TEXT NOT NULL, metric TEXT NOT NULL, ref_hash TEXT NOT NULL,
    digest TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (system, metric, ref_hash)
) WITHOUT ROWID;
"""


def make_legacy_store(path, version: int):
    """A small store of schema ``version`` (1 or 2) with corpus, a system, flags, reviews
    (one with a span, one MQM) and a cached statistics row."""
    con = sqlite3.connect(path)
    con.executescript(V1_DDL)
    if version == 2:
        con.executescript(V2_DDL)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
    con.execute("INSERT INTO documents VALUES ('d', 0, 'title')")
    con.executemany("INSERT INTO segments VALUES (?, 'd', 1, ?)",
                    [(i, f"جملة {i}") for i in range(1, 4)])
    con.execute("INSERT INTO refs VALUES (1, 0, 'a reference')")
    con.execute("INSERT INTO systems VALUES ('sys', 'file', '{\"file\": \"x\"}', 't', 0)")
    con.executemany("INSERT INTO translations VALUES ('sys', ?, ?)",
                    [(i, f"sentence {i}") for i in range(1, 4)])
    con.execute("INSERT INTO flags VALUES (1, 'run', 'numbers', 'major', 'sys', '[2]', "
                "'[\"5\"]', '[]', 'five')")
    con.execute("INSERT INTO flag_segments VALUES (1, 2)")
    span = json.dumps([{"start": 0, "end": 3, "severity": "major", "category": "Other",
                        "side": "tgt"}])
    con.executemany("INSERT INTO reviews VALUES (?, 'sys', ?, ?, ?, ?, ?, ?, ?, ?)", [
        (1, "amal", "esa", 55.0, span, "", "2026-01-01T00:00:00", "2026-01-01T00:00:05",
         "2026-01-01T00:00:05"),
        (2, "amal", "mqm", None, "[]", "fine", None, None, "2026-01-02T00:00:00"),
        (1, "omar", "da", 90.0, "[]", "", None, None, "2026-01-03T00:00:00"),
    ])
    if version == 1:
        con.execute("INSERT INTO stats VALUES ('sys', 'bleu|x', 'r', 1, 'h', x'00')")
    else:
        con.execute("INSERT INTO stats VALUES ('sys', 'bleu|x', 'r', 'dg', x'0001')")
    con.execute(f"PRAGMA user_version={version}")
    con.commit()
    con.close()
    return path
