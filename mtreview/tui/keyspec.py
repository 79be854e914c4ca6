"""A key of the review UI as data: id, default keys, action, description (no Textual here).

The tables live next to their actions (``bindings.py`` for the base keys, one module per
feature for the rest: marking, spans, context); ``bindings.REVIEW_KEYS`` joins them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str
    action: str
    description: str
    show: bool = True  # in the footer
    priority: bool = False
    # protocols whose footer shows this key first (empty: shown for every protocol)
    protocols: tuple[str, ...] = ()
