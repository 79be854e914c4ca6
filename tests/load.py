"""Concurrent reviewer processes for the load benchmark and the kill/restart test.

``python -m tests.load WHERE SCHEMA REVIEWER N ACK`` saves N reviews (a score and two error
spans each) as reviewer REVIEWER, one transaction each, as fast as it can; after each save
returns it appends ``seg_id latency_seconds unix_time`` to ACK and flushes, so the parent knows what
was acknowledged even when this process is killed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from mtreview.core.project import Project
from mtreview.core.types import Document, ErrorSpan, Review, Segment, System, Translation

REPO = Path(__file__).resolve().parents[1]
SYSTEM = "sys"


def make_project(path: Path, n_segments: int, store: str = "sqlite") -> Path:
    doc = Document("d", 0)
    segs = [Segment(i, "d", i, f"جملة رقم {i}") for i in range(1, n_segments + 1)]
    with Project.create(path, [doc], segs, [], store_url=store) as p:
        p.store.add_system(System(SYSTEM, "file", {}),
                           [Translation(SYSTEM, s.id, f"sentence number {s.id}") for s in segs])
    return path


def start_writer(project: Path, reviewer: str, n: int, ack: Path,
                 slow_after: int = 0) -> subprocess.Popen:
    """A writer process saving ``n`` reviews; after ``slow_after`` saves (0: never) it waits
    20 ms between saves, so that a test's kill lands mid-run however fast the machine."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "tests.load", str(project), reviewer, str(n),
                             str(ack), str(slow_after)], cwd=REPO, env=env,
                            stderr=subprocess.PIPE, text=True)


def times(ack: Path) -> list[float]:
    return [float(line.split()[2]) for line in ack.read_text().splitlines()
            if len(line.split()) == 3] if ack.exists() else []


def acknowledged(ack: Path) -> list[tuple[int, float]]:
    if not ack.exists():
        return []
    out = []
    for line in ack.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:  # a line cut by a kill is not an acknowledgement
            out.append((int(parts[0]), float(parts[1])))
    return out


def main(project: str, reviewer: str, n: int, ack: str, slow_after: int = 0) -> int:
    with Project.open(project) as p, open(ack, "a", buffering=1) as out:
        store = p.store
        for seg in range(1, n + 1):
            review = Review(seg, SYSTEM, reviewer, "esa", float(seg % 101),
                            (ErrorSpan(0, 8, "minor"), ErrorSpan(9, 15, "major")),
                            end_time="2026-01-01T00:00:00+00:00")
            t = time.perf_counter()
            store.save_review(review)
            out.write(f"{seg} {time.perf_counter() - t:.6f} {time.time():.6f}\n")
            if slow_after and seg >= slow_after:
                time.sleep(0.02)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4],
                  int(sys.argv[5]) if len(sys.argv) > 5 else 0))
