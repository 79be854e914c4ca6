"""Text from files made safe to show: control characters and bidi controls as placeholders.

Everything mtreview shows (terminal, TUI, table/Markdown/CSV reports, check messages) passes
text from files through :func:`visible` first. What is stored never changes; only what is
shown. C0 controls become their Unicode Control Pictures (ESC → ␛, BEL → ␇, tab → ␉), DEL
becomes ␡, C1 controls and the bidi embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069) become ``⟪U+XXXX⟫``, so a right-to-left override cannot reorder an English
translation and an escape sequence cannot retitle or wipe the terminal.

:func:`bad_name_chars` is the check for names (systems, reviewers): a name with any of these
characters is refused where it is given.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _placeholder(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\u27ea{code:04X}\u27eb".replace("\u27ea", "\u27eaU+")


def _sub(m: re.Match[str]) -> str:
    return _placeholder(m.group(0))


def visible(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every C0/C1 control, DEL and bidi control replaced by a visible
    placeholder; with ``keep_newlines`` a ``\\n`` stays a line break."""
    if not text or not _UNSAFE.search(text):
        return text
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_sub, part) for part in text.split("\n"))
    return _UNSAFE.sub(_sub, text)


def check_name(name: str, what: str = "reviewer") -> str:
    """``name`` if it is a usable system or reviewer name, else a ``UserError``."""
    from mtreview.errors import UserError

    if not name or not name.strip():
        raise UserError(f"a {what} name is empty")
    bad = bad_name_chars(name)
    if bad:
        raise UserError(f"the {what} name {visible(name)!r} has control or bidi characters "
                        f"({' '.join(bad)})")
    if len(name) > 100:
        raise UserError(f"a {what} name is longer than 100 characters")
    return name


def bad_name_chars(name: str) -> list[str]:
    """The characters that make ``name`` unusable as a system or reviewer name (controls and
    bidi controls), as placeholders; empty when the name is fine."""
    return sorted({_placeholder(ch) for ch in _UNSAFE.findall(name)})
