"""Annotated datasets out of a project (and back in): the review-row schema, the rows,
the export formats, the importers of the same formats.

May import: ``mtreview.core``, ``mtreview.metrics`` (human scores), datasets, pyarrow.
Never a UI or torch. Nothing here is imported by ``mtreview`` at start-up.

- ``schema``    the explicit ``datasets.Features`` of a review row (never inferred, so an
                all-null column keeps its type)
- ``rows``      a pyarrow table of review rows built from one store query (one ``json.loads``
                for all spans, one Arrow cast for all timestamps)
- ``formats``   the export FORMATS registry: hf, parquet, jsonl, csv, wmt-mqm, wmt-esa,
                mt-metrics-eval; ``publish`` writes to a temporary sibling and renames
- ``dataset_card``  the dataset card (README.md with YAML metadata; not a model card)
- ``wmt``       WMT conventions shared by the exporters and the importers
- ``importers``  IMPORTERS registry for `init --from`: wmt-mqm, hf
- ``snapshot``  ``write_snapshot(project)``: atomically refresh DIR/dataset/ (an ``flock``)

The schema (one row per segment × system × reviewer)
Declared explicitly (`mtreview/export/schema.py`), never inferred, so an all-null column
keeps its type:

| column | type |
|---|---|
| `lp` (`ar-en`), `doc_id`, `system`, `reviewer`, `src`, `tgt`, `ref` (first reference), `protocol` (`esa`/`mqm`/`da`), `comment` (`""` when none), `provenance` (the system's provenance as JSON) | string |
| `seg_id` | int64 |
| `score` | float64 |
| `error_spans` | list of `{start: int32, end: int32, severity, category, side}` — character offsets `[start, end)` into `tgt` (`side: tgt`) or `src` (`side: src`) |
| `flags` | list of `{check, severity, forms: list of string}`: the QA flags on the segment whose system is the row's or none (source-side) |
| `start_time`, `end_time` | `timestamp[us, tz=UTC]` |

Safety
- Every output is written to a temporary sibling (`.OUT.tmp-*`) and renamed into place; an
  existing directory is moved aside first and removed after the rename, so an interrupted
  export leaves the previous output.
- Refused with a one-line error and exit 2, changing nothing: a non-empty directory or an
  existing file without `--overwrite`; OUT equal to `DIR/dataset` (use `mtreview export
  DIR`), to the project or a directory containing it, to its store or config; OUT equal to
  the file or dataset the project was imported from (`init --from`); a directory for a
  file format or the reverse; an unknown format, system or reviewer; `--reviewer`,
  `--system`, `--all`, `--format` without OUT; nothing to export; `wmt-esa` without ESA
  reviews.
- `DIR/dataset/` is refreshed by `mtreview export DIR` and by the review UI when it closes
  (`mtreview.export.snapshot.write_snapshot(project)`); a crash while writing leaves the
  previous snapshot; a crash between the two renames leaves it as `DIR/.dataset.old-*`,
  which the next snapshot puts back first. One snapshot is written at a time (an `flock`
  on `DIR/.dataset.lock`). The SQLite store remains the system of record.

Importing
`init --from wmt-mqm --source FILE DIR` creates segments (source with the markers removed),
one system per `system` value (provenance: the file and its sha256), translations (target
without `<v></v>`), and one `mqm` review per segment × system × rater with its spans as
character offsets (a span marked in the source is `side: src`; an error line without a
marked span becomes a span at (0, 0) of the target, which exports back without markers).
Rows whose source or target text disagree for the same segment/system are refused (one
line, the line numbers). `init --from hf` reads a dataset written by `--format hf` back
(segments, first reference, systems and provenance, translations, reviews; not flags).
"""
