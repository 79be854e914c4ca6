"""Reading a card file (``models/*.toml``, ``models/metrics/*.toml``): TOML, known keys only.

The one reader shared by translation model cards and neural metric cards; each kind checks
its own fields afterwards."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from mtreview.errors import UserError


def read_card(file: Path, keys: set[str] | frozenset[str], what: str) -> dict[str, Any]:
    """The card's table; a ``UserError`` naming ``what`` and the file when it cannot be read
    or parsed, or has a key outside ``keys``."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{what} {file}: {e}") from None
    unknown = set(data) - set(keys)
    if unknown:
        raise UserError(f"{what} {file}: unknown key(s) {', '.join(sorted(unknown))}")
    return data
