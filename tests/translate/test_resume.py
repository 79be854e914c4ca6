"""Resumption: a run stopped by SIGKILL or Ctrl-C (SIGINT) resumes where it stopped and never
translates a finished segment twice; the same model and parameters again do nothing; a
different model or parameters under the same name are refused."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import run_cli

ARGS = ("--device", "cpu", "--beams", "1", "--max-new-tokens", "40", "--batch-tokens", "64",
        "--quiet")


def store_rows(project) -> list[tuple]:
    con = sqlite3.connect(project / "store.sqlite")
    try:
        return con.execute("SELECT system, seg_id, text FROM translations ORDER BY 1, 2").fetchall()
    finally:
        con.close()


def logged_segments(path) -> list[int]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [s for line in fh for seg in json.loads(line)["segments"] for s in seg]


def start_and_stop(project, model, env, sig, args=ARGS) -> subprocess.Popen:
    """Start `mtreview translate`, wait until a few batches went through, send ``sig``."""
    full = {**os.environ, **env}
    proc = subprocess.Popen([sys.executable, "-m", "mtreview", "translate", project,
                             "--model", model, *args], env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(logged_segments(env["MTREVIEW_TRANSLATE_LOG"])) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no batch within 120 s"
        time.sleep(0.01)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return proc


@pytest.mark.parametrize("sig, engine", [(signal.SIGKILL, "transformers"),
                                         (signal.SIGINT, "transformers"),
                                         (signal.SIGKILL, "ctranslate2")],
                         ids=["sigkill", "sigint", "sigkill-ctranslate2"])
def test_stopped_run_resumes_without_retranslating(sig, engine, tiny_models, project, env,
                                                   tmp_path):
    model = tiny_models["marian"]
    args = (*ARGS, "--engine", engine)
    proc = start_and_stop(project, model, env, sig, args)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "run the same command again to resume" in proc.stderr.read()
    else:
        assert proc.returncode == -signal.SIGKILL
    first = store_rows(project)
    done = {seg for _, seg, _ in first}
    assert 1 <= len(done) < 40, "the run must stop part-way"

    env2 = {**env, "MTREVIEW_TRANSLATE_LOG": str(tmp_path / "second.jsonl")}
    r = run_cli("translate", project, "--model", model, *args, env=env2)
    assert r.returncode == 0, r.stderr
    second = logged_segments(env2["MTREVIEW_TRANSLATE_LOG"])
    assert sorted(second) == sorted(set(range(1, 41)) - done)  # each missing one, once
    assert f"translated {40 - len(done)} segment(s)" in r.stdout
    final = store_rows(project)
    assert len(final) == 40
    assert set(first) <= set(final)  # finished translations kept as they were
    prov = json.loads(run_cli("status", project, "--json").stdout)["systems"][0]["provenance"]
    assert prov["runs"] == 1  # the killed/interrupted run never reached its end
    assert prov["engine"] == engine


def test_same_model_and_params_again_is_up_to_date(tiny_models, project, env):
    model = tiny_models["mbart50"]
    r = run_cli("translate", project, "--model", model, *ARGS, env=env)
    assert r.returncode == 0, r.stderr
    before = store_rows(project)
    n_logged = len(logged_segments(env["MTREVIEW_TRANSLATE_LOG"]))
    assert n_logged == 40
    again = run_cli("translate", project, "--model", model, *ARGS, env=env)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert len(logged_segments(env["MTREVIEW_TRANSLATE_LOG"])) == n_logged  # nothing generated
    assert store_rows(project) == before


def test_different_model_or_params_under_same_name(tiny_models, project, env):
    m2m, nllb = tiny_models["m2m100"], tiny_models["nllb"]
    r = run_cli("translate", project, "--model", m2m, "--name", "sys", *ARGS, env=env)
    assert r.returncode == 0, r.stderr
    before = store_rows(project)
    other_params = [a if a != "40" else "30" for a in ARGS]  # --max-new-tokens 30
    for args in (["--model", m2m, *other_params], ["--model", nllb, *ARGS]):
        bad = run_cli("translate", project, "--name", "sys", *args, env=env)
        assert bad.returncode == 2
        assert bad.stderr.count("\n") == 1 and "use --name" in bad.stderr, bad.stderr
        assert store_rows(project) == before
    ok = run_cli("translate", project, "--model", nllb, "--name", "sys-nllb", *ARGS, env=env)
    assert ok.returncode == 0, ok.stderr
    systems = {s for s, _, _ in store_rows(project)}
    assert systems == {"sys", "sys-nllb"}
