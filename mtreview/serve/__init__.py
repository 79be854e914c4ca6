"""`mtreview serve`: the review UI in a browser, one secret link per reviewer.

May import: ``mtreview.core``, ``mtreview.errors``, textual-serve and aiohttp. Never Textual
itself: each browser session runs ``python -m mtreview review DIR`` as its own process (the
normal review session, with the project's protocol, blind mode and assignment), which
textual-serve connects to the page's terminal (xterm.js) over a websocket.

- ``tokens``  reviewer links: a random token per reviewer; only its SHA-256 is kept, in
              ``DIR/serve-tokens.json`` (mode 0600); ``revoke`` forgets a reviewer's token
- ``server``  the aiohttp application: ``/r/{token}`` (the page) and ``/ws/{token}`` (the
              session) answer 403 and start nothing without a valid token; the reviewer is
              decided by the token alone (passed to the session as ``MTREVIEW_REVIEWER``,
              never on a shell command line); sessions are logged with the reviewer's name,
              never the token (aiohttp's access log, which would show it, is off)
"""
