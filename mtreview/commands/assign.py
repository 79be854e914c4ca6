"""mtreview assign: split the work into batches for a team of reviewers."""

from __future__ import annotations

import argparse

from mtreview.errors import UserError

HELP = "split the work into batches of whole documents for a team, with overlap and attention checks"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory")
    p.add_argument("--reviewers", required=True,
                   help="comma-separated reviewer names (running again with another list "
                        "adds reviewers and reassigns the unfinished batches of those left out)")
    p.add_argument("--overlap", type=int, default=1,
                   help="reviewers per batch (2+ gives agreement figures; default 1)")
    p.add_argument("--batch-size", type=int, default=100,
                   help="translations (segment × system) per batch, documents kept whole "
                        "(default 100)")
    p.add_argument("--attention", type=float, default=0.0,
                   help="share of extra attention items: corrupted copies of real "
                        "translations (e.g. 0.1; default 0; turns blind review on)")
    p.add_argument("--seed", type=int, default=12345, help="seed of the attention items")


def _check(args: argparse.Namespace) -> list[str]:
    from mtreview.core.visible import check_name

    names = [n.strip() for n in args.reviewers.split(",")]
    if not any(names):
        raise UserError("--reviewers is empty")
    names = [check_name(n) for n in names]
    if len(set(names)) != len(names):
        raise UserError("--reviewers names a reviewer twice")
    if args.overlap < 1 or args.overlap > len(names):
        raise UserError(f"--overlap {args.overlap} needs 1 to {len(names)} (the reviewers given)")
    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    if not 0 <= args.attention < 0.5:
        raise UserError("--attention is a share between 0 and 0.5 (e.g. 0.1)")
    return names


def run(args: argparse.Namespace) -> int:
    from mtreview.core.campaign import assign, attention_items, plan_batches
    from mtreview.core.project import Project

    names = _check(args)
    with Project.open(args.dir) as project:
        store = project.store
        systems = [s.name for s in store.systems()]
        if not systems:
            raise UserError("the project has no systems to review: add-system first")
        old = store.campaign()
        if old and (old["batch_size"] != args.batch_size or old["attention"] != args.attention):
            raise UserError(f"the campaign's batches are fixed (batch size "
                            f"{old['batch_size']}, attention {old['attention']}): give the "
                            f"same --batch-size and --attention to reassign")
        batches = store.batches() or plan_batches(
            [(s.id, s.doc_id, s.source) for s in store.segments()], systems, args.batch_size)
        existing = store.assignments()
        protocol = project.review_config().get("protocol")
        done = [a for a, reviewed, n in store.assignment_progress(protocol)
                if n and reviewed == n]
        try:
            plan = assign(batches, names, args.overlap, existing, done)
        except ValueError as e:
            raise UserError(str(e)) from None
        attention = []
        if not old and args.attention > 0:
            texts = {s: store.translations(s) for s in systems}
            attention = [(b.index, it, text) for b in batches
                         for it, text in attention_items(b, texts, args.attention, args.seed)]
        settings = {"reviewers": names, "overlap": args.overlap, "batch_size": args.batch_size,
                    "attention": args.attention, "seed": args.seed, "blind": args.attention > 0}
        store.save_campaign(settings, batches, plan, attention)
        copies = store.attention_copies()
    per_batch: dict[int, list[str]] = {}
    for a in plan:
        per_batch.setdefault(a.batch, []).append(a.reviewer)
    n_att: dict[int, int] = {}
    for batch, _ in copies.values():
        n_att[batch] = n_att.get(batch, 0) + 1
    print(f"{len(batches)} batches, {sum(len(b.items) for b in batches)} translations, "
          f"{len(copies)} attention items, overlap {args.overlap}, "
          f"{len(done)} finished assignments kept")
    print("batch  documents  items  attention  words  reviewers")
    for b in batches:
        print(f"{b.index:>5}  {len(b.doc_ids):>9}  {len(b.items):>5}  {n_att.get(b.index, 0):>9}"
              f"  {b.words:>5}  {', '.join(per_batch.get(b.index, []))}")
    return 0
