"""Review projects built from real data (MADAR: 100 segments, six LLM systems) via the
store API, and a helper to drive the app with Pilot without pytest-asyncio."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mtreview.core.project import Project
from mtreview.core.types import Document, Reference, Segment, System, Translation

SYSTEMS = ("gpt-4.1-mini", "gemma-3-27b-it", "Qwen3-4B-Instruct-2507")


def build_project(path: Path, madar: Path, n: int = 30, systems=SYSTEMS,
                  extra_config: dict | None = None) -> Path:
    src = (madar / "source.ar").read_text(encoding="utf-8").splitlines()[:n]
    ref = (madar / "reference.en").read_text(encoding="utf-8").splitlines()[:n]
    docs = [Document("madar-a", 0), Document("madar-b", 1)]
    segs = [Segment(i + 1, docs[0].id if i < n // 2 else docs[1].id, i + 1, s)
            for i, s in enumerate(src)]
    refs = [Reference(i + 1, 0, r) for i, r in enumerate(ref)]
    with Project.create(path, docs, segs, refs, extra_config=extra_config) as project:
        for name in systems:
            lines = (madar / "systems" / f"{name}.en").read_text(encoding="utf-8").splitlines()
            project.store.add_system(System(name, "file", {"file": f"{name}.en"}),
                                     [Translation(name, i + 1, t) for i, t in
                                      enumerate(lines[:n])])
    return path


@pytest.fixture
def project_dir(tmp_path, madar) -> Path:
    return build_project(tmp_path / "proj", madar)


def drive(app, steps, size=(140, 45), notifications: bool = False):
    """Run ``app`` headless; ``steps(pilot)`` is an async function doing the work.
    ``notifications``: show notifications on screen (off by default in Textual's tests)."""

    async def main():
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await wait_loaded(pilot)
            return await steps(pilot)

    return asyncio.run(main())


async def wait_loaded(pilot, timeout: float = 20.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        screen = pilot.app.review_screen if pilot.app.screen_stack[1:] else None
        if screen is not None and screen.view is not None:
            await pilot.pause()
            return screen
        await asyncio.sleep(0.02)
    raise AssertionError("the review screen never showed a segment")


def rendered(app) -> str:
    """The text on screen now (what the terminal would show, line by line)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
