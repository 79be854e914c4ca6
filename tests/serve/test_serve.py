"""`mtreview serve`: tokens decide the reviewer, bad links get 403 and start nothing, the
token never reaches the project or the log, bad input is one line and exit 2."""

from __future__ import annotations

import json
import socket
import stat

from mtreview.core.project import Project
from mtreview.serve.tokens import TokenBook, token_hash
from tests.serve.conftest import get_status, sample_project


def test_links_need_a_valid_token(served):
    good = served.links["amal"]
    assert get_status(good) == 200
    for path in ["/", "/r/", "/r/x", "/ws/x", "/r/" + served.token("amal")[:-1],
                 "/ws/" + served.token("amal") + "x", "/ws"]:
        assert get_status(served.base + path) in (403, 404), path
    assert "session start" not in served.log()


def test_only_hashes_are_stored_and_the_log_never_has_a_token(served, cli):
    tokens = [served.token(r) for r in ("amal", "omar")]
    path = served.project / "serve-tokens.json"
    stored = json.loads(path.read_text())
    assert stored == {"amal": token_hash(tokens[0]), "omar": token_hash(tokens[1])}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    get_status(served.links["amal"])
    get_status(served.base + "/r/" + tokens[1] + "zz")
    everything = "".join(p.read_text(errors="replace") for p in served.project.rglob("*")
                         if p.is_file() and p.suffix in (".json", ".toml", ".txt", ".log"))
    for t in tokens:
        assert t not in everything
        assert t not in served.log()


def test_revoke_invalidates_a_link_at_once(served, cli):
    assert get_status(served.links["omar"]) == 200
    r = cli("serve", served.project, "--revoke", "omar")
    assert r.returncode == 0, r.stderr
    assert get_status(served.links["omar"]) == 403
    assert get_status(served.links["amal"]) == 200
    assert TokenBook(served.project).reviewers == ["amal"]


def test_a_second_serve_issues_no_new_link_for_a_reviewer_who_has_one(tmp_path):
    project = sample_project(tmp_path / "p")
    book = TokenBook(project)
    first = book.issue(["amal"])
    assert set(first) == {"amal"}
    assert TokenBook(project).issue(["amal", "sara"]).keys() == {"sara"}
    assert TokenBook(project).reviewer_for(first["amal"]) == "amal"
    assert TokenBook(project).reviewer_for(first["amal"] + "a") is None


def test_bad_input_is_one_line_and_exit_2(cli, tmp_path):
    project = sample_project(tmp_path / "p")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cases = [
            (["serve", project, "--reviewers", "amal", "--port", str(port)], "in use"),
            (["serve", project, "--reviewers", ""], "empty"),
            (["serve", project, "--reviewers", "a\x1b]0;x\x07"], "control"),
            (["serve", project, "--reviewers", "amal,\u202eomar"], "control"),
            (["serve", project, "--revoke", "nobody"], "no link"),
            (["serve", project], "no reviewers"),
            (["serve", tmp_path / "nothing", "--reviewers", "amal"], ""),
            (["serve", project, "--reviewers", "amal", "--port", "70000"], "port"),
        ]
        before = (project / "store.sqlite").read_bytes()
        for args, words in cases:
            r = cli(*args, timeout=60)
            assert r.returncode == 2, (args, r.stderr)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in r.stderr, (args, r.stderr)
            assert words in lines[0], (args, lines)
            assert "\x1b" not in r.stderr and "\u202e" not in r.stderr
    assert (project / "store.sqlite").read_bytes() == before
    assert not (project / "serve-tokens.json").exists()
    with Project.open(project) as p:
        assert p.store.reviews() == []
