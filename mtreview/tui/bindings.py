"""Every key of the review UI: an id, default keys, an action and a description.

Users remap keys by id in a TOML file, section ``[keys]``::

    [keys]
    next_segment = "j,n"
    quit = "ctrl+q"

read from the project's ``mtreview.toml`` and from ``$MTREVIEW_KEYMAP`` (default
``~/.config/mtreview/keys.toml``); the user file wins. Textual applies it by binding id.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mtreview.errors import UserError
from mtreview.tui.features import FEATURE_KEYS
from mtreview.tui.keyspec import KeySpec

REVIEW_KEYS: tuple[KeySpec, ...] = (
    KeySpec("next_segment", "n,down", "next_segment", "next segment"),
    KeySpec("prev_segment", "p,up", "prev_segment", "previous segment"),
    KeySpec("next_unreviewed", "N", "next_unreviewed", "next unreviewed segment"),
    KeySpec("next_flagged", "f", "next_flagged", "next flagged segment"),
    KeySpec("next_card", "tab", "next_card", "next translation", priority=True),
    KeySpec("prev_card", "shift+tab", "prev_card", "previous translation", show=False,
            priority=True),
    KeySpec("score", "s", "score", "score the translation (digits, enter)"),
    KeySpec("accept", "enter", "accept", "save the translation as reviewed", show=False),
    KeySpec("comment", "c", "comment", "comment on the translation"),
    KeySpec("undo", "u", "undo", "undo the last change of this session (score, span, done)"),
    KeySpec("word_next", "right,l", "word(1)", "word cursor forward", show=False),
    KeySpec("word_prev", "left,h", "word(-1)", "word cursor back", show=False),
    KeySpec("extend_next", "shift+right,L", "extend(1)", "extend the selection forward",
            show=False),
    KeySpec("extend_prev", "shift+left,H", "extend(-1)", "extend the selection back",
            show=False),
    KeySpec("mark_minor", "m", "mark('minor')", "mark the selection as a minor error"),
    KeySpec("mark_major", "M", "mark('major')", "mark the selection as a major error"),
    KeySpec("delete_span", "x,delete", "delete_span", "delete the span under the cursor"),
    KeySpec("omission", "o", "toggle_side", "word cursor on the source (omissions)"),
    KeySpec("reference", "r", "toggle_reference", "show or hide the reference"),
    KeySpec("display_mode", "d", "cycle_display", "Arabic display: logical/visual/shaped"),
    KeySpec("search", "slash", "search", "search source and translations"),
    KeySpec("summary", "S", "summary", "progress and score summary"),
    KeySpec("help", "question_mark", "help", "all keys"),
    KeySpec("quit", "q", "quit", "quit (everything is already saved)"),
) + FEATURE_KEYS


def key_actions(keymap: Mapping[str, str], specs: tuple[KeySpec, ...] = REVIEW_KEYS
                ) -> dict[str, str]:
    """key name → action of every key, with the keymap applied (the review screen applies
    keys itself, in arrival order; see ``ReviewScreen.on_key``)."""
    out: dict[str, str] = {}
    for spec in specs:
        for key in keymap.get(spec.id, spec.keys).split(","):
            if key:
                out.setdefault(key, spec.action)
    return out


def default_keymap_path() -> Path:
    env = os.environ.get("MTREVIEW_KEYMAP")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "mtreview" / "keys.toml"


def _check(keys: Mapping[str, Any], where: str) -> dict[str, str]:
    known = {s.id for s in REVIEW_KEYS}
    out = {}
    for binding_id, value in keys.items():
        if binding_id not in known:
            raise UserError(f"{where}: unknown key binding id {binding_id!r} "
                            f"(known: {', '.join(sorted(known))})")
        if isinstance(value, list):
            value = ",".join(map(str, value))
        if not isinstance(value, str) or not value.strip():
            raise UserError(f"{where}: keys for {binding_id!r} must be a non-empty string")
        out[binding_id] = value.replace(" ", "")
    return out


def load_keymap(project_config: Mapping[str, Any] | None = None,
                path: Path | None = None) -> dict[str, str]:
    """binding id → keys, from the project's ``[keys]`` then the user's keymap file."""
    keymap = _check((project_config or {}).get("keys", {}), "mtreview.toml [keys]")
    path = path or default_keymap_path()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise UserError(f"{path}: invalid TOML: {e}") from None
        keymap.update(_check(data.get("keys", {}), str(path)))
    return keymap


def effective_keys(keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(binding id, keys, description) with the keymap applied — for the help screen."""
    return [(s.id, keymap.get(s.id, s.keys), s.description) for s in REVIEW_KEYS]
