"""End to end in a real browser (Debian's Chromium, headless, through Selenium) and ten
sessions at once over the websocket protocol the page speaks."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from mtreview.core.project import Project
from tests.conftest import FLORES, need_shared
from tests.serve.conftest import Served, build_project, sample_project

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1500,900"]


def need_chromium():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        msg = f"browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)


def wait_review(project: Path, reviewer: str, timeout: float, resend=None):
    end = time.monotonic() + timeout
    next_send = time.monotonic() + 8
    while time.monotonic() < end:
        with Project.open(project) as p:
            got = p.store.reviews(reviewer=reviewer)
        if got and got[0].score is not None:
            return got
        if resend is not None and time.monotonic() > next_send:
            resend()
            next_send = time.monotonic() + 8
        time.sleep(0.5)
    return []


def test_a_reviewer_scores_in_chromium_and_bad_tokens_get_403(tmp_path):
    need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    flores = need_shared(FLORES)
    n = 12
    src = (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:n]
    ref = (flores / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()[:n]
    bloom = (flores / "systems" / "bloom-176b-1shot.en").read_text(
        encoding="utf-8").splitlines()[:n]
    project = build_project(tmp_path / "flores", src, ref, {"bloom": bloom})
    served = Served(project, "amal,omar", tmp_path)
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        driver.get(served.base + "/r/not-a-token")
        assert "403" in driver.page_source
        driver.get(served.base + "/")
        assert "403" in driver.page_source
        assert "session start" not in served.log()

        driver.get(served.links["amal"])
        end = time.monotonic() + 60
        while "session start" not in served.log() and time.monotonic() < end:
            time.sleep(0.3)
        time.sleep(4)  # the review screen's first paint
        screen = driver.find_element("css selector", ".xterm-screen")

        def score():
            ActionChains(driver).move_to_element(screen).click().pause(0.3).send_keys(
                "s").pause(0.4).send_keys("73").pause(0.2).send_keys(Keys.ENTER).perform()

        score()
        got = wait_review(project, "amal", 60, resend=score)
        shots = Path(os.environ.get("MTREVIEW_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "serve-flores-review.png"))
        assert (shots / "serve-flores-review.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        driver.quit()
        served.stop()
    assert [(r.seg_id, r.system, r.reviewer, r.score) for r in got] == [(1, "bloom", "amal", 73)]
    assert "reviewer 'amal'" in served.log()
    assert served.token("amal") not in served.log()


def _saved(project: Path, reviewer: str) -> bool:
    with Project.open(project) as p:
        return any(r.score is not None for r in p.store.reviews(reviewer=reviewer))


async def _session(base: str, token: str, keys: str, project: Path, reviewer: str) -> bool:
    """One browser-like session: wait for the first paint, type ``keys``; type them again
    if the review is not saved 10 s later (keys typed while the app still starts)."""
    import aiohttp

    url = f"{base.replace('http', 'ws')}/ws/{token}?width=120&height=40"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            await ws.send_json(["resize", {"width": 120, "height": 40}])
            received = 0
            end = time.monotonic() + 60
            while received < 2000 and time.monotonic() < end:  # the first paint
                msg = await ws.receive(timeout=60)
                if msg.type == aiohttp.WSMsgType.BINARY:
                    received += len(msg.data)
            await asyncio.sleep(1.0)
            end = time.monotonic() + 60
            while time.monotonic() < end:
                for i, key in enumerate(keys):
                    await ws.send_json(["stdin", key])
                    await asyncio.sleep(0.4 if i == 0 else 0.05)  # a person's pace
                typed = time.monotonic()
                while time.monotonic() - typed < 10:
                    if _saved(project, reviewer):
                        return True
                    try:
                        await ws.receive(timeout=0.5)
                    except TimeoutError:
                        pass
    return False


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def test_ten_sessions_at_once_lose_nothing(tmp_path):
    pytest.importorskip("aiohttp")
    names = [f"rev{i}" for i in range(10)]
    served = Served(sample_project(tmp_path / "proj"), ",".join(names), tmp_path)
    peak: dict[int, int] = {}

    async def main():
        tasks = [asyncio.create_task(_session(served.base, served.token(n), f"s{60 + i}\r",
                                              served.project, n))
                 for i, n in enumerate(names)]
        end = time.monotonic() + 90
        while time.monotonic() < end:
            for pid in _descendants(served.proc.pid):
                peak[pid] = max(peak.get(pid, 0), _rss_kb(pid))
            with Project.open(served.project) as p:
                if len(p.store.reviews()) >= len(names):
                    break
            await asyncio.sleep(0.5)
        return await asyncio.gather(*tasks, return_exceptions=True)

    try:
        results = asyncio.run(main())
    finally:
        served.stop()
    with Project.open(served.project) as p:
        got = {(r.reviewer, r.score) for r in p.store.reviews()}
    assert got == {(n, 60 + i) for i, n in enumerate(names)}, results
    sessions = sorted(v for v in peak.values() if v > 20_000)  # python processes, not sh
    assert len(sessions) >= len(names)
    print(json.dumps({"sessions": len(names), "rss_mb_per_session_median":
                      round(sessions[len(sessions) // 2] / 1024, 1),
                      "rss_mb_max": round(sessions[-1] / 1024, 1)}))
