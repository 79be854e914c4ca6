"""mtreview status: what a project holds."""

from __future__ import annotations

import argparse
import json

HELP = "show a project's segments, references, systems (with provenance) and reviews"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def collect(project) -> dict:
    store = project.store
    counts = store.translation_counts()
    n_seg = store.count_segments()
    flags = store.flags()
    by_check: dict[str, int] = {}
    for f in flags:
        by_check[f.check] = by_check.get(f.check, 0) + 1
    return {
        "project": str(project.path),
        "languages": f"{project.src_lang}-{project.tgt_lang}",
        "segments": n_seg,
        "documents": len(store.documents()),
        "references": store.reference_count(),
        "systems": [
            {"name": s.name, "kind": s.kind, "translations": counts.get(s.name, 0),
             "complete": counts.get(s.name, 0) == n_seg, "provenance": dict(s.provenance)}
            for s in store.systems()
        ],
        "reviews": store.review_counts(),
        "flags": by_check,
        "campaign": campaign_progress(project),
    }


def campaign_progress(project) -> dict | None:
    """Per reviewer and batch: translations reviewed (score or spans) of those assigned."""
    store = project.store
    settings = store.campaign()
    if not settings:
        return None
    rows = [{"reviewer": a.reviewer, "batch": a.batch, "items": n, "reviewed": reviewed}
            for a, reviewed, n in store.assignment_progress(
                project.review_config().get("protocol"))]
    return {"settings": settings, "assignments": rows}


def render(info: dict) -> str:
    """The status as text; names and provenance come from files, so control characters and
    bidi overrides are shown as placeholders (:func:`mtreview.core.visible.visible`)."""
    from mtreview.core.visible import visible

    lines = [
        f"project     {info['project']} ({info['languages']})",
        f"segments    {info['segments']} in {info['documents']} document(s)",
        f"references  {info['references']} set(s)",
        f"systems     {len(info['systems'])}",
    ]
    for s in info["systems"]:
        done = "" if s["complete"] else "  (incomplete)"
        lines.append(f"  {s['name']:<24} {s['kind']:<6} {s['translations']:>7} translations{done}")
        for key, value in s["provenance"].items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            lines.append(f"      {key:<20} {value}")
    lines.append(f"reviews     {sum(info['reviews'].values())}")
    for reviewer, n in sorted(info["reviews"].items()):
        lines.append(f"  {reviewer:<24} {n:>7}")
    camp = info.get("campaign")
    if camp:
        st = camp["settings"]
        lines.append(f"campaign    overlap {st['overlap']}, batches of {st['batch_size']}, "
                     f"attention {st['attention']:g}")
        totals: dict[str, list[int]] = {}
        for a in camp["assignments"]:
            t = totals.setdefault(a["reviewer"], [0, 0])
            t[0] += a["reviewed"]
            t[1] += a["items"]
            lines.append(f"  {a['reviewer']:<24} batch {a['batch']:>4}  "
                         f"{a['reviewed']:>5}/{a['items']:<5}")
        for reviewer, (d, n) in sorted(totals.items()):
            lines.append(f"  {reviewer:<24} all       {d:>5}/{n:<5} ({100 * d / max(n, 1):.0f}%)")
    if info["flags"]:
        lines.append(f"flags       {sum(info['flags'].values())}")
        for check, n in sorted(info["flags"].items()):
            lines.append(f"  {check:<24} {n:>7}")
    return visible("\n".join(lines), keep_newlines=True)


def run(args: argparse.Namespace) -> int:
    from mtreview.startup import imports

    with imports():
        from mtreview.core.project import Project

    with Project.open(args.dir) as project:
        info = collect(project)
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.json else render(info))
    return 0
