"""The key bar: the current protocol's keys first, cut to the terminal's width (80 columns
hold the essentials). Which keys and in what order is decided here, per protocol; the keys
themselves (with the user's keymap) come from ``bindings.effective_keys``."""

from __future__ import annotations

from rich.text import Text

from mtreview.tui.keyspec import key_label

_NAV = ("next_card", "next_segment", "accept_suggestion", "next_unreviewed", "next_flagged",
        "undo", "comment", "search", "context", "summary")
FOOTER: dict[str, tuple[str, ...]] = {
    "esa": ("mark_minor", "mark_major", "jump", "motion_e", "score", "accept", *_NAV),
    "mqm": ("mark_minor", "mark_major", "mark_critical", "recategorize", "jump", "motion_e",
            "accept", *_NAV),
    "da": ("score", "accept", *[k for k in _NAV if k != "accept_suggestion"]),
}
ALWAYS = ("help", "quit")  # kept at the end whatever the width
SHORT = {
    "mark_minor": "minor", "mark_major": "major", "mark_critical": "critical",
    "recategorize": "category", "jump": "jump", "motion_e": "extend", "score": "score",
    "accept": "done", "accept_suggestion": "accept", "next_card": "card",
    "next_segment": "next", "next_unreviewed": "todo", "next_flagged": "flagged",
    "undo": "undo", "comment": "comment", "search": "search", "context": "context",
    "summary": "summary", "help": "help", "quit": "quit",
}


def _item(key: str, label: str) -> list[tuple[str, str]]:
    return [(f" {key} ", "bold reverse"), (f" {label} ", "")]


def footer(keys: list[tuple[str, str, str]], protocol: str, width: int) -> Text:
    """``keys`` are (binding id, keys, description) with the keymap applied; the result
    fits ``width`` cells (the protocol's keys first, then navigation, help and quit last)."""
    by_id = {binding_id: key_label(k.split(",")[0]) for binding_id, k, _ in keys}
    wanted = [i for i in FOOTER.get(protocol, FOOTER["esa"]) if i in by_id]
    tail = [p for i in ALWAYS if i in by_id for p in _item(by_id[i], SHORT[i])]
    room = width - sum(len(t) for t, _ in tail)
    parts: list[tuple[str, str]] = []
    for binding_id in wanted:
        item = _item(by_id[binding_id], SHORT.get(binding_id, binding_id))
        size = sum(len(t) for t, _ in item)
        if size > room:
            continue  # a later, shorter one may still fit
        parts += item
        room -= size
    out = Text(no_wrap=True, overflow="crop", end="")
    for text, style in parts + tail:
        out.append(text, style=style)
    return out
