"""16 reviewer processes saving 500 reviews each at once, on SQLite and on PostgreSQL.

Every save must be in the store afterwards, with no "database is locked", no deadlock and
no duplicate. Prints saves per second and the p50/p99 latency of one save for each engine.
Run: ``.venv/bin/python -m pytest tests/benchmarks/test_bench_load.py -s``.
"""

from __future__ import annotations

import json
import time

import pytest

from mtreview.core.project import Project
from tests.conftest import need_postgres
from tests.load import acknowledged, make_project, start_writer, times

WRITERS, SAVES = 16, 500


@pytest.mark.benchmark
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_sixteen_writers(engine, tmp_path, request):
    store = "sqlite" if engine == "sqlite" else need_postgres()
    project = make_project(tmp_path / "p", SAVES, store)
    if engine == "postgresql":
        from tests.conftest import _project_schemas, drop_pg_schemas

        request.addfinalizer(lambda: drop_pg_schemas(_project_schemas(tmp_path)))
    acks = [tmp_path / f"w{i}.ack" for i in range(WRITERS)]
    t0 = time.perf_counter()
    procs = [start_writer(project, f"w{i}", SAVES, acks[i]) for i in range(WRITERS)]
    errors = [p.communicate()[1] for p in procs]
    wall = time.perf_counter() - t0
    assert all(p.returncode == 0 for p in procs), errors
    lat = sorted(x for a in acks for _, x in acknowledged(a))
    assert len(lat) == WRITERS * SAVES
    with Project.open(project) as p:
        reviews = p.store.reviews()
    keys = [(r.seg_id, r.reviewer) for r in reviews]
    assert len(keys) == len(set(keys)) == WRITERS * SAVES
    stamps = sorted(t for a in acks for t in times(a))
    busy = stamps[-1] - stamps[0]  # first to last save (process start-up left out)
    print(json.dumps({"engine": engine, "writers": WRITERS, "saves": len(lat),
                      "wall_s": round(wall, 2), "saving_s": round(busy, 2),
                      "saves_per_s": round(len(lat) / busy, 1),
                      "p50_ms": round(1000 * lat[len(lat) // 2], 2),
                      "p99_ms": round(1000 * lat[int(len(lat) * 0.99)], 2)}))
