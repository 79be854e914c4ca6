"""Flags grouped for people (no check here, no UI): the flags of one segment and one system
are one item (a garbage line gets wrong-script, untranslated, repetition and number-mismatch:
one problem, one item with its evidence); every other flag (a source-side name variant over
several segments, a cross-system flag over several segments) is an item of its own.

:func:`group_key` is the ``group`` key of ``mtreview check --format jsonl`` (one line per
flag, as before); :func:`group_flags` gives the items in order, for the table and the review
UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mtreview.core.types import Flag

SEVERITY_RANK = {"major": 0, "minor": 1, "info": 2}


def group_key(flag: Flag, index: int = 0) -> str:
    """``seg:system`` for a flag on one segment of one system; else a key of its own
    (``check:first segment:index``, ``index`` telling apart flags that would share it)."""
    if flag.system is not None and len(flag.segments) == 1:
        return f"{flag.segments[0]}:{flag.system}"
    first = flag.segments[0] if flag.segments else 0
    return f"{flag.check}:{first}:{index}"


def group_flags(flags: Iterable[Flag]) -> list[tuple[str, list[Flag]]]:
    """(group key, its flags) in the order of each group's first flag; inside a group the
    most severe flag comes first."""
    groups: dict[str, list[Flag]] = {}
    for i, f in enumerate(flags):
        groups.setdefault(group_key(f, i), []).append(f)
    return [(k, sorted(v, key=lambda f: SEVERITY_RANK.get(f.severity, 3)))
            for k, v in groups.items()]


def group_severity(flags: Sequence[Flag]) -> str:
    """The most severe severity among ``flags``."""
    return min((f.severity for f in flags), key=lambda s: SEVERITY_RANK.get(s, 3))
