"""mtreview init: create a review project from a source corpus."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

HELP = "create a review project from Arabic source text (and references)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="project directory to create")
    p.add_argument("--source", metavar="FILE", help="source: text, .tsv, .jsonl or a saved "
                   "datasets directory")
    p.add_argument("--reference", metavar="FILE", action="append", default=[],
                   help="line-aligned reference file (repeat for several references)")
    p.add_argument("--src-lang", default="ar")
    p.add_argument("--tgt-lang", default="en")
    p.add_argument("--split-sentences", action="store_true",
                   help="the source is a raw article: split it into sentences")
    p.add_argument("--format", dest="input_format", default=None,
                   help="force the source reader (text, article, tsv, jsonl, dataset, …)")
    p.add_argument("--from", dest="from_format", metavar="FORMAT [FILE]", nargs="+",
                   default=None,
                   help="import annotations in another format, e.g. --from wmt-mqm FILE")
    p.add_argument("--source-column", default=None)
    p.add_argument("--reference-column", action="append", default=[])
    p.add_argument("--doc-column", default=None)
    p.add_argument("--doc-ids", metavar="FILE", default=None,
                   help="line-aligned document ids (first tab-separated column)")
    p.add_argument("--store", metavar="URL", default="sqlite",
                   help="where the data lives: sqlite (DIR/store.sqlite, the default) or "
                   "postgresql://user@host/dbname shared by a team (no password in the URL: "
                   "use PGPASSWORD or ~/.pgpass)")


def run(args: argparse.Namespace) -> int:
    from mtreview.core import ingest
    from mtreview.core.langs import check_language
    from mtreview.core.project import Project
    from mtreview.core.store import parse_store_url
    from mtreview.core.types import Document
    from mtreview.errors import UserError

    check_language(args.src_lang, "--src-lang")
    check_language(args.tgt_lang, "--tgt-lang")
    parse_store_url(args.store)  # a bad URL or one with a password: refused before reading
    if args.from_format:
        from mtreview.export.importers import import_project

        if len(args.from_format) > 2 or (len(args.from_format) == 2 and args.source):
            raise UserError("use --from FORMAT FILE (or --from FORMAT --source FILE)")
        fmt = args.from_format[0]
        source = args.from_format[1] if len(args.from_format) == 2 else (args.source or "")
        project = import_project(fmt, Path(source), Path(args.dir),
                                 src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                                 store_url=args.store)
        print(f"created {project.path} from {fmt}")
        project.close()
        return 0
    if not args.source:
        raise UserError("init needs --source FILE (or --from FORMAT --source FILE)")
    opts = ingest.SourceOptions(
        split_sentences=args.split_sentences, source_column=args.source_column,
        reference_columns=tuple(args.reference_column), doc_column=args.doc_column)
    corpus = ingest.read_source(args.source, opts, args.input_format)
    if args.doc_ids:
        ids = ingest.read_doc_ids(args.doc_ids, corpus.segments)
        order: dict[str, Document] = {}
        for d in ids:
            order.setdefault(d, Document(d, len(order)))
        corpus.documents = list(order.values())
        corpus.segments = [dataclasses.replace(s, doc_id=d)
                           for s, d in zip(corpus.segments, ids)]
    refs = list(corpus.references)
    first_index = max((r.index for r in refs), default=-1) + 1
    for i, ref_file in enumerate(args.reference):
        refs.extend(ingest.read_reference_file(ref_file, corpus.segments, first_index + i))
    project = Project.create(args.dir, corpus.documents, corpus.segments, refs,
                             src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                             store_url=args.store)
    project.store.set_meta({"source": str(Path(args.source).resolve())})
    n_refs = project.store.reference_count()
    print(f"created {project.path}: {len(corpus.segments)} segments, "
          f"{len(corpus.documents)} documents, {n_refs} reference set(s)")
    project.close()
    return 0
