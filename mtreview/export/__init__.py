"""Annotated datasets out of a project: the review-row schema, the rows, the export formats.

Nothing here is imported by ``mtreview`` at start-up; ``datasets``/``pyarrow`` are imported
by the modules below, which the ``export`` command imports inside ``run``.

- :mod:`mtreview.export.schema`   the explicit ``datasets.Features`` of a review row
- :mod:`mtreview.export.rows`     a pyarrow table of review rows built from the store
- :mod:`mtreview.export.formats`  FORMATS registry: hf, parquet, jsonl, csv, wmt-mqm,
  wmt-esa, mt-metrics-eval
- :mod:`mtreview.export.card`     the dataset card (README.md with YAML metadata)
- :mod:`mtreview.export.snapshot` ``write_snapshot(project)``: atomically refresh DIR/dataset/
"""
