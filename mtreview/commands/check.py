"""mtreview check: run the inconsistency checks, print the flags and save them in the store."""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys

HELP = "flag name variants, number mismatches, untranslated text and other problems"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", nargs="?", help="project directory")
    p.add_argument("--format", choices=("table", "jsonl"), default="table",
                   help="table for people (default), jsonl for machines (one flag a line)")
    p.add_argument("--only", metavar="IDS", default=None,
                   help="comma-separated check ids to run (default: all; see --list)")
    p.add_argument("--glossary", metavar="FILE", default=None,
                   help="TSV glossary: Arabic term<TAB>allowed rendering[|rendering…]")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="processes for large projects (default: 2 where there are 2 CPUs)")
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    p.add_argument("--no-save", action="store_true",
                   help="print the flags without saving them (works on a read-only project)")
    p.add_argument("--display", choices=("logical", "visual", "shaped"), default=None,
                   help="how the table shows Arabic (default: shaped on a terminal, else "
                        "logical, the text as stored); jsonl is always logical")


def render_table(flags: list, ran: list[str], mode: str = "logical") -> str:
    """One row per item (the flags of one segment and one system are one item, see
    :mod:`mtreview.checks.grouping`), then a count per check. Everything from files goes
    through ``visible()``; each Arabic run is isolated (FSI…PDI in ``logical`` mode) or laid
    out on its own (``visual``/``shaped``), so a message reads in order on a terminal."""
    from mtreview.checks.grouping import group_flags, group_severity

    rows = [("check", "severity", "system", "segments", "forms", "message")]
    for _, items in group_flags(flags):
        f = items[0]
        segs = ",".join(map(str, f.segments[:8])) + ("…" if len(f.segments) > 8 else "")
        forms = list(dict.fromkeys(x for g in items for x in g.forms))
        shown = " | ".join(_cell(x, mode) for x in forms[:4]) + (" …" if len(forms) > 4 else "")
        message = " · ".join(_cell(g.message, mode) for g in items)
        rows.append(("+".join(g.check for g in items), group_severity(items),
                     _cell(f.system, mode) if f.system else "(source)", segs, shown, message))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c + " " * (w - _width(c)) for c, w in zip(r[:4], widths)) + "  " + r[4]
             + ("  " + r[5] if r is not rows[0] else "  message") for r in rows]
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.check] = counts.get(f.check, 0) + 1
    summary = ", ".join(f"{c} {counts.get(c, 0)}" for c in ran)
    lines.append(f"{len(flags)} flag(s) in {len(rows) - 1} item(s): {summary}")
    return "\n".join(lines)


_FSI, _PDI = "\u2068", "\u2069"
# escaped in jsonl (still the same JSON strings): a bidi override or a C1 control from a
# file must not reorder or drive the terminal the lines are printed on
_BIDI_AND_C1 = re.compile("[\u0080-\u009f\u202a-\u202e\u2066-\u2069]")


@functools.lru_cache(maxsize=1)
def _arabic_runs() -> re.Pattern[str]:
    """A run of Arabic words (with the spaces, Arabic digits and commas between them)."""
    from mtreview.arabic.normalize import ARABIC_LETTERS

    letters = f"{ARABIC_LETTERS}\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed"
    digits = "\u0660-\u0669\u06f0-\u06f9\u066b\u066c"
    return re.compile(f"[{letters}](?:[{letters}{digits} ،؛]*[{letters}])?")


def _cell(text: str, mode: str) -> str:
    """``text`` from a file made safe (``visible``) with each Arabic run isolated."""
    from mtreview.core.visible import visible

    text = visible(text)
    runs = _arabic_runs()
    if mode == "logical":
        return runs.sub(lambda m: _FSI + m.group() + _PDI, text)
    from mtreview.arabic.display import display

    return runs.sub(lambda m: display(m.group(), None, mode, rtl=True), text)


def jsonl_line(flag, side: str, group: str) -> str:
    """One flag as a JSON line (``check_side`` and ``group`` added); bidi controls and C1
    controls from files are written as ``\\uXXXX`` escapes (the same JSON string)."""
    d = flag.to_dict()
    d["check_side"] = side
    d["group"] = group
    return _BIDI_AND_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(d, ensure_ascii=False))


def _width(text: str) -> int:
    from mtreview.arabic.display import cell_width

    return cell_width(text)


def run(args: argparse.Namespace) -> int:
    from mtreview.startup import imports

    with imports():
        from mtreview.checks.base import CHECKS, load_checks, resolve_ids, run_checks, save_flags
        from mtreview.checks.glossary import read_glossary
        from mtreview.core.project import Project
        from mtreview.errors import UserError

    if args.list:
        for cid, cls in sorted(load_checks().items()):
            print(f"{cid:<16} {cls.side:<5} {cls.severity:<6} {cls.description}")
        return 0
    if not args.dir:
        raise UserError("check needs a project directory DIR (or --list)")
    only = args.only.split(",") if args.only is not None else None
    glossary = read_glossary(args.glossary) if args.glossary else None
    ids = resolve_ids(only, glossary is not None)  # validate before opening anything
    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    jobs = args.jobs if args.jobs is not None else min(2, os.cpu_count() or 1)
    with Project.open(args.dir) as project:
        flags = run_checks(project, only=ids, glossary=glossary, workers=jobs)
        if not args.no_save:
            save_flags(project.store, flags, ids)
    severity_rank = {"major": 0, "minor": 1, "info": 2}
    flags.sort(key=lambda f: (f.segments[:1], severity_rank.get(f.severity, 3), f.check))
    if args.format == "jsonl":
        from mtreview.checks.grouping import group_flags

        keys = {id(f): k for k, items in group_flags(flags) for f in items}
        for f in flags:
            print(jsonl_line(f, CHECKS[f.check].side, keys[id(f)]))
    else:
        mode = args.display or ("shaped" if sys.stdout.isatty() else "logical")
        print(render_table(flags, ids, mode))
    return 0
