"""Language codes: BCP-47 tags (RFC 5646), checked where they enter a project.

A project's languages name files (``sources/ar-en.txt`` in an mt-metrics-eval export) and
reach model cards, so they are validated at ``init`` and whenever ``mtreview.toml`` is read:
``language[-script][-region][-variant…]`` with ASCII letters and digits only, at most 35
characters (e.g. ``ar``, ``en``, ``arb``, ``zh-Hant``, ``pt-BR``, ``es-419``). Extensions
and private-use subtags are not accepted; nothing with a ``/``, ``.`` or a space can pass.
"""

from __future__ import annotations

import re

from mtreview.errors import UserError

_TAG = re.compile(r"""
    [A-Za-z]{2,3}                       # language (ISO 639-1/2/3)
    (?:-[A-Za-z]{3}){0,3}               # extended language subtags
    (?:-[A-Za-z]{4})?                   # script (ISO 15924)
    (?:-(?:[A-Za-z]{2}|[0-9]{3}))?      # region (ISO 3166-1 or UN M.49)
    (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*   # variants
    """, re.VERBOSE)
MAX_LENGTH = 35


def is_language_tag(code: object) -> bool:
    return (isinstance(code, str) and len(code) <= MAX_LENGTH
            and _TAG.fullmatch(code) is not None)


def check_language(code: object, what: str = "language code") -> str:
    """``code`` if it is a BCP-47 tag, else ``UserError`` (one line, the code shown safely)."""
    if is_language_tag(code):
        return str(code)
    from mtreview.core.visible import visible

    shown = visible(repr(code))[:60]
    raise UserError(f"invalid {what} {shown}: expected a BCP-47 tag such as ar, en, "
                    f"zh-Hant or pt-BR")
