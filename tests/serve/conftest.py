"""A running `mtreview serve` on loopback, and the project it serves."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mtreview.core.project import Project
from mtreview.core.types import Document, Reference, Segment, System, Translation

REPO = Path(__file__).resolve().parents[2]
SAMPLE_AR = REPO / "corpora" / "hawija-surrender.ar.txt"
SAMPLE_EN = REPO / "corpora" / "hawija-surrender.en.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_project(path: Path, sources: list[str], refs: list[str],
                  systems: dict[str, list[str]]) -> Path:
    doc = Document("doc1", 0)
    segs = [Segment(i + 1, doc.id, i + 1, s) for i, s in enumerate(sources)]
    with Project.create(path, [doc], segs, [Reference(i + 1, 0, r) for i, r in enumerate(refs)]
                        ) as project:
        for name, lines in systems.items():
            project.store.add_system(System(name, "file", {"file": name}),
                                     [Translation(name, i + 1, t) for i, t in enumerate(lines)])
    return path


def sample_project(path: Path) -> Path:
    src = [line for line in SAMPLE_AR.read_text(encoding="utf-8").splitlines() if line.strip()]
    ref = SAMPLE_EN.read_text(encoding="utf-8").splitlines()
    n = min(len(src), len(ref), 8)
    return build_project(path, src[:n], ref[:n], {"ours": ref[:n]})


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError):
        return 0  # not listening yet


class Served:
    def __init__(self, project: Path, reviewers: str, tmp: Path):
        self.project = project
        self.port = free_port()
        self.err_path = tmp / "serve.err"
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mtreview", "serve", str(project), "--port",
                 str(self.port), "--reviewers", reviewers],
                stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
        self.links: dict[str, str] = {}
        assert self.proc.stdout is not None
        for _ in reviewers.split(","):
            line = self.proc.stdout.readline()
            name, _, link = line.rstrip("\n").partition("\t")
            self.links[name] = link
        self.base = f"http://127.0.0.1:{self.port}"
        end = time.monotonic() + 30
        while time.monotonic() < end:
            if get_status(self.base + "/") == 403:
                return
            time.sleep(0.2)
        raise AssertionError("serve did not start: " + self.log())

    def token(self, reviewer: str) -> str:
        return re.sub(r".*/r/", "", self.links[reviewer])

    def log(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def served(tmp_path):
    s = Served(sample_project(tmp_path / "proj"), "amal,omar", tmp_path)
    yield s
    s.stop()
