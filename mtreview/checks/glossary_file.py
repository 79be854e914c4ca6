"""The glossary file of the ``glossary`` check: a UTF-8 TSV, one entry a line,
``Arabic term<TAB>rendering[|rendering…]``; blank lines, ``#`` comments and a header line
are skipped. Kept apart from the check so that the check runner can read a glossary without
importing the check (no import cycle)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mtreview.arabic.normalize import ARABIC_CHAR_RE
from mtreview.errors import UserError


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # the Arabic term as written in the glossary
    renderings: tuple[str, ...]  # allowed English renderings
    line: int


def read_glossary(path: str | Path) -> list[GlossaryEntry]:
    """Parse a glossary TSV; any problem is a :class:`UserError` naming file and line."""
    from mtreview.core.ingest import read_text

    p = Path(path)
    text = read_text(p)  # strict UTF-8, BOM dropped; missing/empty/undecodable: UserError
    entries: list[GlossaryEntry] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        term = cols[0]
        renderings = tuple(r.strip() for c in cols[1:] for r in c.split("|") if r.strip())
        if not entries and not ARABIC_CHAR_RE.search(term) and len(cols) > 1:
            continue  # a header line
        if len(cols) < 2 or not renderings:
            raise UserError(f"{p}:{n}: expected 'ARABIC TERM<TAB>RENDERING[|RENDERING…]'")
        if not ARABIC_CHAR_RE.search(term):
            raise UserError(f"{p}:{n}: the term {term!r} has no Arabic letters")
        entries.append(GlossaryEntry(term, renderings, n))
    if not entries:
        raise UserError(f"{p}: the glossary has no entries")
    return entries
