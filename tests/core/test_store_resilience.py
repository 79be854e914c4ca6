"""Writers that die or lose their server lose nothing they were told was saved: a writer
killed with SIGKILL mid-run (SQLite and PostgreSQL), and a PostgreSQL server restarted
(``pg_ctlcluster … restart``) while writers are saving."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from mtreview.core.project import Project
from tests.conftest import _project_schemas, drop_pg_schemas, need_postgres
from tests.load import acknowledged, make_project, start_writer


def _saved(project: Path) -> set[tuple[int, str]]:
    with Project.open(project) as p:
        return {(r.seg_id, r.reviewer) for r in p.store.reviews()}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_killed_writer_keeps_every_acknowledged_save(engine, tmp_path):
    store = "sqlite" if engine == "sqlite" else need_postgres()
    project = make_project(tmp_path / "p", 400, store)
    try:
        acks = [tmp_path / f"w{i}.ack" for i in range(3)]
        # w0 slows down after 40 saves, so the kill lands mid-run on a fast machine too
        procs = [start_writer(project, f"w{i}", 400, acks[i], slow_after=40 if i == 0 else 0)
                 for i in range(3)]
        end = time.monotonic() + 60
        while len(acknowledged(acks[0])) < 40 and time.monotonic() < end:
            time.sleep(0.05)
        procs[0].send_signal(signal.SIGKILL)
        for p in procs:
            p.communicate()
        assert procs[0].returncode == -signal.SIGKILL
        assert [p.returncode for p in procs[1:]] == [0, 0]
        saved = _saved(project)
        got = {(seg, "w0") for seg, _ in acknowledged(acks[0])}
        assert 40 <= len(got) < 400
        assert got <= saved  # nothing acknowledged is lost
        for i in (1, 2):
            assert {(s, f"w{i}") for s in range(1, 401)} <= saved
    finally:
        if engine == "postgresql":
            drop_pg_schemas(_project_schemas(tmp_path))


def _pg_restart() -> None:
    ctl = shutil.which("pg_ctlcluster")
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not ctl or not versions:
        msg = "restarting PostgreSQL needs pg_ctlcluster and /etc/postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    subprocess.run([ctl, "--skip-systemctl-redirect", versions[-1], "main", "restart"],
                   check=True, capture_output=True, timeout=120)


def test_writers_survive_a_postgresql_restart(tmp_path):
    url = need_postgres()
    project = make_project(tmp_path / "p", 300, url)
    try:
        acks = [tmp_path / f"w{i}.ack" for i in range(3)]
        procs = [start_writer(project, f"w{i}", 300, acks[i]) for i in range(3)]
        end = time.monotonic() + 60
        # every writer connected and saving (a first connection is not retried: a wrong URL
        # fails at once), w0 thirty saves in
        while (len(acknowledged(acks[0])) < 30 or not all(acknowledged(a) for a in acks)) \
                and time.monotonic() < end:
            time.sleep(0.05)
        _pg_restart()
        errors = [p.communicate(timeout=300)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], errors
        saved = _saved(project)
        assert {(s, f"w{i}") for i in range(3) for s in range(1, 301)} <= saved
        assert max(x for a in acks for _, x in acknowledged(a)) > 0.05  # someone waited
    finally:
        need_postgres()
        drop_pg_schemas(_project_schemas(tmp_path))
