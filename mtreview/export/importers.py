"""Create a project from published annotations (a registry: one small class per format).

``mtreview init --from FORMAT --source FILE DIR`` calls :func:`import_project`. An importer
reads and checks the whole input before anything is written; a failure while writing
removes the half-made project, so bad input changes nothing.

- ``hf``: a dataset written by ``mtreview export --format hf``: segments, the first
  reference, systems with their provenance, translations and reviews (flags are not
  imported: run ``mtreview check`` again).
- ``wmt-mqm``: the Google/WMT MQM TSV (github.com/google/wmt-mqm-human-evaluation):
  segments, systems, their translations (the target with the ``<v></v>`` markers removed)
  and one MQM review per segment × system × rater, with its error spans as character
  offsets (a span marked in the source is a source-side span, e.g. an omission; an error
  row with no marked span becomes a span at (0, 0) of the target).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import ClassVar

from mtreview.core import ingest
from mtreview.core.project import Project
from mtreview.core.store import utcnow
from mtreview.core.types import Document, ErrorSpan, Reference, Review, Segment, System, Translation
from mtreview.errors import UserError


@dataclass
class Imported:
    documents: list[Document]
    segments: list[Segment]
    systems: list[tuple[System, list[Translation]]]
    reviews: list[Review] = field(default_factory=list)
    protocol: str = "esa"
    references: list[Reference] = field(default_factory=list)


class Importer:
    name: ClassVar[str]
    description: ClassVar[str]

    def read(self, path: Path) -> Imported:
        raise NotImplementedError


class WmtMqmImporter(Importer):
    name = "wmt-mqm"
    description = ("Google/WMT MQM TSV: system doc doc_id seg_id rater source target "
                   "category severity, spans marked with <v>…</v>")
    required = ("system", "doc", "seg_id", "rater", "source", "target", "category",
                "severity")

    def read(self, path: Path) -> Imported:
        from mtreview.export import wmt

        lines = ingest.read_lines(path)
        header = lines[0].split("\t")
        missing = [c for c in self.required if c not in header]
        if missing:
            raise UserError(f"{path}: not an MQM TSV: no column {', '.join(missing)} "
                            f"(header: {' '.join(header)})")
        col = {name: header.index(name) for name in self.required}
        sources: dict[int, tuple[str, str, int]] = {}  # seg → (doc, source, line)
        targets: dict[tuple[str, int], tuple[str, int]] = {}
        spans: dict[tuple[int, str, str], list[ErrorSpan]] = {}
        for n, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) != len(header):
                raise UserError(f"{path}: line {n}: expected {len(header)} tab-separated "
                                f"columns, found {len(cells)}")
            get = {name: cells[i] for name, i in col.items()}
            try:
                seg = int(get["seg_id"])
            except ValueError:
                raise UserError(f"{path}: line {n}: seg_id {get['seg_id']!r} is not an "
                                f"integer") from None
            system, rater = get["system"].strip(), get["rater"].strip()
            if not system or not rater:
                raise UserError(f"{path}: line {n}: empty system or rater")
            src, src_span = wmt.unmark(get["source"])
            tgt, tgt_span = wmt.unmark(get["target"])
            prev = sources.setdefault(seg, (get["doc"], src, n))
            if prev[1] != src:
                raise UserError(f"{path}: line {n}: segment {seg} has another source text "
                                f"than on line {prev[2]}")
            prev_t = targets.setdefault((system, seg), (tgt, n))
            if prev_t[0] != tgt:
                raise UserError(f"{path}: line {n}: {system} segment {seg} has another "
                                f"target text than on line {prev_t[1]}")
            found = spans.setdefault((seg, system, rater), [])
            category, severity = get["category"].strip(), get["severity"].strip()
            if severity.lower() == "no-error" or category.lower() == "no-error":
                continue
            if src_span is not None:
                found.append(ErrorSpan(*src_span, severity.lower(), category, "src"))
            else:
                start, end = tgt_span if tgt_span is not None else (0, 0)
                found.append(ErrorSpan(start, end, severity.lower(), category, "tgt"))
        if not sources:
            raise UserError(f"{path}: no rows after the header")
        return self._assemble(path, sources, targets, spans)

    @staticmethod
    def _assemble(path: Path, sources: dict, targets: dict, spans: dict) -> Imported:
        docs: dict[str, Document] = {}
        segments = []
        for seg in sorted(sources):
            doc, src, _ = sources[seg]
            docs.setdefault(doc, Document(doc, len(docs)))
            segments.append(Segment(seg, doc, 1, src))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        now = utcnow()
        by_system: dict[str, list[Translation]] = {}
        for (system, seg), (text, _) in sorted(targets.items(), key=lambda kv: kv[0][1]):
            by_system.setdefault(system, []).append(Translation(system, seg, text))
        systems = [(System(name, "file", {"source": "wmt-mqm", "file": str(path.resolve()),
                                          "sha256": digest, "imported": now}), ts)
                   for name, ts in by_system.items()]
        reviews = [Review(seg, system, rater, "mqm", None, tuple(found), "", None, None, now)
                   for (seg, system, rater), found in sorted(spans.items())]
        return Imported(list(docs.values()), segments, systems, reviews, protocol="mqm")


class HfImporter(Importer):
    name = "hf"
    description = "a dataset written by `mtreview export --format hf` (save_to_disk)"

    def read(self, path: Path) -> Imported:
        import datasets

        from mtreview.export.schema import LATER_COLUMNS, features

        try:
            ds = datasets.load_from_disk(str(path))
        except (FileNotFoundError, ValueError, OSError) as e:
            raise UserError(f"{path}: cannot load a saved dataset: {e}") from None
        expected = set(features())
        if isinstance(ds, datasets.DatasetDict) or not (
                expected - set(LATER_COLUMNS) <= set(ds.features) <= expected):
            raise UserError(f"{path}: not an mtreview review dataset (columns: "
                            f"{', '.join(getattr(ds, 'column_names', []) or ds)})")
        if ds.num_rows == 0:
            raise UserError(f"{path}: the dataset has no rows")
        rows = ds.to_list()
        docs: dict[str, Document] = {}
        segments: dict[int, Segment] = {}
        texts: dict[str, dict[int, str]] = {}
        provenance: dict[str, dict] = {}
        reviews = []
        for n, r in enumerate(rows, 1):
            seg = r["seg_id"]
            docs.setdefault(r["doc_id"], Document(r["doc_id"], len(docs)))
            if segments.setdefault(seg, Segment(seg, r["doc_id"], 1, r["src"])).source != r["src"]:
                raise UserError(f"{path}: row {n}: segment {seg} has another source text")
            texts.setdefault(r["system"], {})[seg] = r["tgt"]
            provenance.setdefault(r["system"], json.loads(r["provenance"] or "{}"))
            if r["reviewer"] is not None:
                reviews.append(Review(
                    seg, r["system"], r["reviewer"], r["protocol"] or "esa", r["score"],
                    tuple(ErrorSpan.from_dict(s) for s in r["error_spans"]), r["comment"] or "",
                    _iso(r["start_time"]), _iso(r["end_time"]),
                    blind=bool(r.get("blind")), card_order=tuple(r.get("card_order") or ())))
        refs = {r["seg_id"]: r["ref"] for r in rows if r["ref"] is not None}
        systems = [(System(name, "file", provenance[name]),
                    [Translation(name, seg, t) for seg, t in sorted(ts.items())])
                   for name, ts in texts.items()]
        protocols = [r.protocol for r in reviews]
        return Imported(list(docs.values()), [segments[s] for s in sorted(segments)], systems,
                        reviews, max(set(protocols), key=protocols.count) if protocols else "esa",
                        [Reference(seg, 0, text) for seg, text in sorted(refs.items())])


def _iso(t) -> str | None:
    return None if t is None else t.astimezone(UTC).isoformat()


IMPORTERS: dict[str, Importer] = {i.name: i for i in (WmtMqmImporter(), HfImporter())}


def import_project(fmt: str, path: Path, dir: Path, src_lang: str = "ar",
                   tgt_lang: str = "en", store_url: str | None = None) -> Project:
    """Create the project ``dir`` from annotations in format ``fmt`` read from ``path``."""
    if fmt not in IMPORTERS:
        raise UserError(f"unknown import format {fmt!r} (known: {', '.join(IMPORTERS)})")
    if not str(path) or str(path) == ".":
        raise UserError(f"--from {fmt} needs --source FILE")
    data = IMPORTERS[fmt].read(Path(path))
    project = Project.create(dir, data.documents, data.segments, data.references,
                             src_lang=src_lang,
                             tgt_lang=tgt_lang,
                             extra_config={"review": {"protocol": data.protocol}},
                             store_url=store_url)
    try:
        store = project.store
        for system, translations in data.systems:
            store.add_system(system, translations)
        store.add_reviews(data.reviews)
        store.set_meta({"imported_from": str(Path(path).resolve()), "import_format": fmt})
    except BaseException:
        project.discard()  # its directory and, on PostgreSQL, its schema
        raise
    return project
