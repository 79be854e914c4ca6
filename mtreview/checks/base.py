"""The check framework: :class:`Check` base class, the ``CHECKS`` registry, the input a
check sees (:class:`CheckInput`) and :func:`run_checks`.

A check is a small class in one module of this package, decorated with :func:`register`;
:func:`load_checks` imports every module of the package, so adding a check touches one file.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from mtreview.checks.glossary_file import GlossaryEntry
from mtreview.core.types import Flag, Segment, SpanRef
from mtreview.errors import UserError

CHECKS: dict[str, type[Check]] = {}

SEVERITIES = ("info", "minor", "major")
MAX_SPANS = 200  # spans kept per flag (a name seen in 10,000 segments keeps the first 200)


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a check to ``CHECKS`` under its ``id``."""
    if cls.id in CHECKS and CHECKS[cls.id] is not cls:
        raise ValueError(f"duplicate check id {cls.id!r}")
    CHECKS[cls.id] = cls
    return cls


def load_checks() -> dict[str, type[Check]]:
    """Import every check module of this package (once) and return the registry."""
    import mtreview.checks as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name != "base":
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    return CHECKS


@dataclass
class CheckInput:
    """Everything a check reads: the source, references and every system's outputs.

    ``systems`` maps a system name to {seg_id: text}, in the project's system order.
    Shared analyses (name mentions, English sides) are computed once and cached here.
    """

    segments: list[Segment]
    systems: dict[str, dict[int, str]] = field(default_factory=dict)
    references: dict[int, list[str]] = field(default_factory=dict)
    glossary: list[GlossaryEntry] | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # shared by checks

    @classmethod
    def from_store(cls, store: Any, glossary: list[GlossaryEntry] | None = None) -> CheckInput:
        return cls(store.segments(), {s.name: store.translations(s.name) for s in store.systems()},
                   store.references(), glossary)

    @classmethod
    def from_lists(cls, sources: list[str], systems: Mapping[str, list[str]] | None = None,
                   references: list[str] | None = None,
                   glossary: list[GlossaryEntry] | None = None) -> CheckInput:
        """Line-aligned lists; segment ids are 1-based line numbers."""
        segs = [Segment(i, "doc", 1, s) for i, s in enumerate(sources, 1)]
        syss = {name: {i: t for i, t in enumerate(lines, 1)} for name, lines in (systems or {}).items()}
        refs = {i: [r] for i, r in enumerate(references or [], 1)}
        return cls(segs, syss, refs, glossary)

    @cached_property
    def source(self) -> dict[int, str]:
        return {s.id: s.source for s in self.segments}

    @cached_property
    def english(self) -> dict[int, list[str]]:
        """seg_id → every English text of that segment (references first, then systems)."""
        out: dict[int, list[str]] = {k: list(v) for k, v in self.references.items()}
        for outputs in self.systems.values():
            for seg_id, text in outputs.items():
                out.setdefault(seg_id, []).append(text)
        return out

    @cached_property
    def mentions(self) -> list:
        """Name mentions in the source (:class:`mtreview.arabic.names.Mention`)."""
        from mtreview.arabic.names import NameFinder

        finder = NameFinder()
        found = finder.find(((s.id, s.source) for s in self.segments), self.english)
        self.cache["name_evidence"] = finder.evidence
        self.cache["english_words"] = finder.english_cache
        return found

    @cached_property
    def name_groups(self) -> dict[str, str]:
        """Mention stem → group representative."""
        from mtreview.arabic.names import group_stems

        mentions = self.mentions
        context: dict[str, set[str]] = {}  # stem → the name stems right next to it
        for a, b in zip(mentions, mentions[1:]):
            if a.seg_id == b.seg_id and 0 <= b.start - a.end <= 2:
                context.setdefault(a.stem, set()).add(b.stem)
                context.setdefault(b.stem, set()).add(a.stem)
        return group_stems((m.stem for m in mentions), self.cache.get("name_evidence"), context)


class Check:
    """One check. Subclasses set ``id``, ``severity``, ``side``, ``description`` and
    implement :meth:`run`. ``side`` is ``src`` (source only), ``tgt`` (one system's
    outputs against the source) or ``cross`` (systems compared on one segment)."""

    id: ClassVar[str] = ""
    severity: ClassVar[str] = "minor"
    side: ClassVar[str] = "tgt"
    description: ClassVar[str] = ""
    needs_glossary: ClassVar[bool] = False
    uses_names: ClassVar[bool] = False  # reads data.mentions (grouped in one worker)

    def run(self, data: CheckInput) -> Iterable[Flag]:
        raise NotImplementedError


class SegmentCheck(Check):
    """A target-side check that looks at one (source, output) pair at a time.

    :meth:`check_pair` may use ``system`` only to label its flags: an output that gave no
    flag is not checked again for another system that has the same output for the segment
    (systems often agree)."""

    def run(self, data: CheckInput) -> Iterable[Flag]:
        source = data.source
        last = len(data.systems) - 1
        clean: dict[int, str] = {}  # segment → an output of it that gave no flag
        for n, (system, outputs) in enumerate(data.systems.items()):
            for seg_id, text in outputs.items():
                src = source.get(seg_id)
                if src is None or clean.get(seg_id) == text:
                    continue
                flags = list(self.check_pair(seg_id, system, src, text))
                if flags:
                    yield from flags
                elif n < last:
                    clean.setdefault(seg_id, text)

    def check_pair(self, seg_id: int, system: str, src: str, tgt: str) -> Iterable[Flag]:
        raise NotImplementedError

    def flag(self, seg_id: int, system: str | None, forms: Iterable[str], message: str,
             spans: Iterable[SpanRef] = (), severity: str | None = None) -> Flag:
        return Flag(self.id, severity or self.severity, system, (seg_id,), tuple(forms),
                    message, tuple(spans))


def resolve_ids(only: Iterable[str] | None, glossary: bool) -> list[str]:
    """The check ids to run: ``only`` (validated) or every check (glossary only with one)."""
    checks = load_checks()
    if only is None:
        return [cid for cid, c in checks.items() if glossary or not c.needs_glossary]
    ids = [i.strip() for i in only if i.strip()]
    unknown = [i for i in ids if i not in checks]
    if unknown or not ids:
        raise UserError(f"unknown check id {', '.join(unknown) or '(none)'}; known: "
                        f"{', '.join(sorted(checks))}")
    if not glossary and any(checks[i].needs_glossary for i in ids):
        raise UserError("the glossary check needs --glossary FILE")
    return list(dict.fromkeys(ids))


def run_checks(source: Any, only: Iterable[str] | None = None,
               glossary: list[GlossaryEntry] | str | None = None,
               workers: int = 1, min_size: int | None = None) -> list[Flag]:
    """Run checks over a :class:`CheckInput`, a Store or a Project; return the flags.

    ``glossary`` is a parsed glossary or a path to a TSV file (see
    :mod:`mtreview.checks.glossary`). Nothing is written: see :func:`save_flags`.
    ``workers=2`` runs the name checks and the other checks in two forked processes (POSIX,
    large inputs only; the result is the same). Do not fork from a threaded program (a UI):
    keep the default there. ``min_size`` (segments × systems, default ``PARALLEL_MIN``) is
    the size from which ``workers`` is used.
    """
    if glossary is not None and not isinstance(glossary, list):
        from mtreview.checks.glossary_file import read_glossary

        glossary = read_glossary(glossary)
    data = _as_input(source, glossary)
    ids = resolve_ids(only, data.glossary is not None)
    groups = [g for g in ([i for i in ids if CHECKS[i].uses_names],
                          [i for i in ids if not CHECKS[i].uses_names]) if g]
    size = len(data.segments) * max(1, len(data.systems))
    threshold = PARALLEL_MIN if min_size is None else min_size
    # the checks build many long-lived objects and no reference cycles: the cyclic garbage
    # collector would only rescan them again and again (and costs grow with the corpus)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if workers > 1 and len(groups) > 1 and size >= threshold and _can_fork():
            by_id = _parallel(data, groups)
        else:
            by_id = dict(_run_ids(ids, data))
    finally:
        if gc_was_enabled:
            gc.enable()
    return [f for cid in ids for f in by_id[cid]]


PARALLEL_MIN = 20_000  # segments × systems below which forking costs more than it saves
_FORK_INPUT: CheckInput | None = None  # the input a forked worker reads (copy-on-write)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _run_ids(ids: list[str], data: CheckInput | None = None) -> list[tuple[str, list[Flag]]]:
    data = data if data is not None else _FORK_INPUT
    assert data is not None  # a forked worker runs after _FORK_INPUT is set
    return [(cid, list(CHECKS[cid]().run(data))) for cid in ids]


def _parallel(data: CheckInput, groups: list[list[str]]) -> dict[str, list[Flag]]:
    import multiprocessing

    global _FORK_INPUT
    _FORK_INPUT = data
    try:
        with multiprocessing.get_context("fork").Pool(len(groups)) as pool:
            results = pool.map(_run_ids, groups)
    finally:
        _FORK_INPUT = None
    return {cid: flags for part in results for cid, flags in part}


def _as_input(source: Any, glossary: list[GlossaryEntry] | None) -> CheckInput:
    if isinstance(source, CheckInput):
        if glossary is not None:
            source.glossary = glossary
        return source
    store = getattr(source, "store", source)
    return CheckInput.from_store(store, glossary)


def save_flags(store: Any, flags: list[Flag], ids: Iterable[str]) -> str:
    """Replace the stored flags of the checks ``ids`` with ``flags``; returns the run id."""
    import uuid

    from mtreview.core.store import utcnow

    run_id = f"{utcnow()}-{uuid.uuid4().hex[:8]}"
    store.replace_flags(run_id, flags, checks=list(ids))
    return run_id
