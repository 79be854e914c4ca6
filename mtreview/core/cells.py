"""CSV cells that a spreadsheet will not run (CSV injection, as OWASP describes it).

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (``=HYPERLINK(…)``, ``=cmd|…``). OWASP's advice: prefix such a cell with
a single quote, which spreadsheets show but do not evaluate. :func:`neutralise` does that,
and also prefixes a cell that already starts with a quote, so the change can be undone
exactly (:func:`restore` removes one leading quote from any cell that has one).

``export --format csv`` and ``report --format csv`` neutralise every text cell by default;
``--raw-csv`` writes the cells as they are.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# a regular expression for the cells :func:`neutralise` changes (for Arrow's compute)
NEEDS_QUOTE_RE = "^[=+\\-@\\t\\r']"


def neutralise(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would read it as a formula (or it
    starts with ``'`` already)."""
    if cell and (cell[0] in FORMULA_STARTS or cell[0] == QUOTE):
        return QUOTE + cell
    return cell


def restore(cell: str) -> str:
    """The original of a neutralised cell."""
    return cell[1:] if cell[:1] == QUOTE else cell
