"""Start-up of a command: heavy imports with the cyclic garbage collector paused.

Importing SQLAlchemy and numpy allocates hundreds of thousands of objects that live as long
as the process. Each allocation burst triggers collections, and the full ones examine
everything imported so far and free nothing; later collections, during the work, examine
them all again. A short command (a warm ``report`` is 0.45 s, 0.1 s of it work) loses
about a fifth of its time to this. So a command imports what it needs inside
:func:`imports`: the collector is paused there, what is alive afterwards is moved out of
its sight (``gc.freeze``), and it is back on (as it was) before any work is done, so
long-running commands collect their own garbage as usual. ``mtreview.cli.main`` undoes the
freeze when the command returns (``gc.unfreeze``), for callers that run commands in-process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def imports() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (imports only), then freeze what
    is alive."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
