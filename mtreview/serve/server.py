"""The web server of `mtreview serve`: textual-serve with reviewer tokens.

textual-serve serves one page (xterm.js) at ``/`` and one websocket at ``/ws`` that starts
the app's command per connection. Here the page is ``/r/{token}`` and the websocket
``/ws/{token}``: both look the token up first and answer 403 without starting anything when
it is missing, unknown or revoked. A session's process gets the reviewer's name in
``MTREVIEW_REVIEWER`` (the command line is fixed and holds no user text).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from mtreview.serve.tokens import TokenBook

log = logging.getLogger("mtreview.serve")


class ReviewerAppService(AppService):
    """One review session: the normal ``mtreview review`` process for one reviewer."""

    def __init__(self, command: str, reviewer: str, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.reviewer = reviewer

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        env["MTREVIEW_REVIEWER"] = self.reviewer
        env["MTREVIEW_SERVED"] = "1"
        return env

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None


def review_command(project_dir: Path, display: str | None) -> str:
    cmd = [sys.executable, "-m", "mtreview", "review", str(project_dir)]
    if display:
        cmd += ["--display", display]
    return shlex.join(cmd)


class ReviewServer(Server):
    def __init__(self, project_dir: Path, host: str, port: int, display: str | None,
                 public_url: str | None = None) -> None:
        super().__init__(review_command(project_dir, display), host=host, port=port,
                         title="mtreview", public_url=public_url)
        self.project_dir = project_dir
        self.sessions: dict[str, ReviewerAppService] = {}

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s mtreview serve: %(message)s")
        # aiohttp's access log would print the request path, which holds the token
        logging.getLogger("aiohttp.access").disabled = True

    def reviewer_for(self, request: web.Request) -> str:
        token = request.match_info.get("token", "")
        reviewer = TokenBook(self.project_dir).reviewer_for(token)
        if reviewer is None:
            raise web.HTTPForbidden(text="403: this link is not valid (ask for a new one)\n")
        return reviewer

    async def _make_app(self) -> web.Application:
        # not textual-serve's routes: its "/" and "/ws" would start a session without a token
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_forbidden),
            web.get("/r/{token}", self.handle_index, name="index"),
            web.get("/ws/{token}", self.handle_websocket, name="websocket"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        return app

    async def on_startup(self, app: web.Application) -> None:
        log.info("serving %s on %s", self.project_dir, self.public_url)

    async def handle_forbidden(self, request: web.Request) -> web.Response:
        raise web.HTTPForbidden(text="403: open your reviewer link\n")

    async def handle_index(self, request: web.Request) -> web.Response:
        self.reviewer_for(request)
        token = request.match_info["token"]
        font_size = to_int(request.query.get("fontsize", "16"), 16)
        ws_path = request.app.router["websocket"].url_for(token=token)
        static = request.app.router["static"].url_for(filename="/")
        base = self.public_url
        ws_scheme = "wss:" if base.startswith("https") else "ws:"
        context = {
            "font_size": font_size,
            "app_websocket_url": ws_scheme + f"{base}{ws_path}".split(":", 1)[1],
            "config": {"static": {"url": f"{base}{static}".rstrip("/") + "/"}},
            "application": {"name": "mtreview"},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        reviewer = self.reviewer_for(request)  # 403 before the upgrade: nothing starts
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: ReviewerAppService | None = None
        started = time.monotonic()
        try:
            await websocket.prepare(request)
            service = ReviewerAppService(
                self.command, reviewer, write_bytes=websocket.send_bytes,
                write_str=websocket.send_str, close=websocket.close,
                download_manager=self.download_manager, debug=self.debug)
            await service.start(width, height)
            self.sessions[service.app_service_id] = service
            log.info("session start: reviewer %r (pid %s)", reviewer, service.pid)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            if service is not None:
                await service.stop()
                self.sessions.pop(service.app_service_id, None)
                log.info("session end: reviewer %r after %.0f s", reviewer,
                         time.monotonic() - started)
        return websocket

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        web.run_app(self._make_app(), host=self.host, port=self.port, access_log=None,
                    print=lambda *args: None, handle_signals=True)
