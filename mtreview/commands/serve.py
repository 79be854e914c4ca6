"""mtreview serve: the review UI in a browser, one secret link per reviewer."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from pathlib import Path

from mtreview.errors import UserError

HELP = "serve the review UI to browsers: one secret link per reviewer"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; put a "
                        "TLS reverse proxy in front to serve others)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--reviewers", default=None,
                   help="comma-separated reviewer names (default: the reviewers of the "
                        "project's campaign assignment, else those with links)")
    p.add_argument("--public-url", default=None,
                   help="the address reviewers use, when behind a proxy "
                        "(e.g. https://review.example.org)")
    p.add_argument("--display", choices=("logical", "visual", "shaped"), default="shaped",
                   help="how Arabic is drawn in the browser terminal (default shaped: "
                        "xterm.js neither reorders nor joins Arabic)")
    p.add_argument("--revoke", metavar="NAME", default=None,
                   help="invalidate NAME's link and exit (serve again to issue a new one)")


def _reviewers(args: argparse.Namespace, project, book) -> list[str]:
    from mtreview.core.visible import check_name, visible

    assigned = project.store.campaign_reviewers()
    if args.reviewers is not None:
        names = [n.strip() for n in args.reviewers.split(",")]
        if not any(names):
            raise UserError("--reviewers is empty")
        names = [check_name(n) for n in names]
        unknown = [n for n in names if assigned and n not in assigned]
        if unknown:
            raise UserError(f"unknown reviewer {visible(unknown[0])!r}: the campaign's "
                            f"reviewers are {', '.join(assigned)}")
        return names
    names = assigned or book.reviewers
    if not names:
        raise UserError("no reviewers: give --reviewers NAME,NAME (or assign a campaign)")
    return [check_name(n) for n in names]


def _check_port(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise UserError(f"--port {port} is not a port number (1-65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UserError(f"--host {host!r} cannot be resolved ({e.strerror})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            why = "in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
            raise UserError(f"cannot listen on {host}:{port}: {why}") from None


def run(args: argparse.Namespace) -> int:
    from mtreview.core.project import Project
    from mtreview.core.visible import visible
    from mtreview.serve.tokens import TokenBook

    project_dir = Path(args.dir).resolve()
    with Project.open(project_dir) as project:
        book = TokenBook(project_dir)
        if args.revoke is not None:
            book.revoke(args.revoke)
            print(f"revoked the link of {visible(args.revoke)}")
            return 0
        reviewers = _reviewers(args, project, book)
    _check_port(args.host, args.port)
    import importlib.util

    if importlib.util.find_spec("textual_serve") is None:
        raise UserError("serve needs textual-serve: pip install textual-serve")
    from mtreview.serve.server import ReviewServer

    server = ReviewServer(project_dir, args.host, args.port, args.display,
                          public_url=args.public_url)
    new = book.issue(reviewers)
    for reviewer in reviewers:
        if reviewer in new:
            print(f"{reviewer}\t{server.public_url}/r/{new[reviewer]}")
        else:
            print(f"{reviewer}\t(link issued earlier; `mtreview serve DIR --revoke "
                  f"{reviewer}` then serve again for a new one)")
    sys.stdout.flush()
    server.serve()
    return 0
