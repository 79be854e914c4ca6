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


_KEY_SYMBOLS = {"question_mark": "?", "slash": "/", "exclamation_mark": "!", "tilde": "~",
                "dollar_sign": "$", "left_square_bracket": "[", "right_square_bracket": "]",
                "enter": "⏎", "tab": "⇥"}


def key_label(key: str) -> str:
    """A Textual key name as the reviewer types it (``question_mark`` → ``?``)."""
    return _KEY_SYMBOLS.get(key, key)
