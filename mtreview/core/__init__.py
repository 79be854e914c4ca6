"""The domain core: plain data, protocols, the store, projects, ingestion.

May import: the standard library, numpy, ``mtreview.errors``, ``mtreview.paths`` and
``mtreview.arabic`` (pure text functions); ``core.store`` alone imports SQLAlchemy (and,
through it, psycopg for PostgreSQL). Never a UI, never torch, never a higher room
(checks, metrics, translate, report, export, tui, commands): ``tests/test_layers.py``.

- ``types``      frozen dataclasses: Document, Segment, Reference, System, Translation,
                 ErrorSpan, SpanRef, Flag, Review
- ``protocols``  the review protocols (ESA, DA, MQM), MQM categories, severities and weights
                 with their published sources: the one home the UI, report and exports read
- ``visible``    text from files made safe to show (controls, bidi overrides as placeholders)
- ``store``      the only package with SQL (SQLAlchemy Core, SQLite or PostgreSQL); every
                 public write is one transaction; ``store/schema.py``: tables, MIGRATIONS
- ``project``    a project directory: ``mtreview.toml`` + the store (+ ``dataset/``, ``cache/``)
- ``ingest``     SOURCE_READERS registry (text, article, tsv, jsonl, dataset), system files

The store (``DIR/store.sqlite``, or a PostgreSQL schema ``mtreview_<id>``): ``meta``
(schema version, languages, creation time, source),
``documents``/``segments`` (source text in logical order, as given), ``refs``, ``systems``
(kind ``file``/``model``, provenance JSON), ``translations``, ``flags``/``flag_segments``,
``reviews`` (one per segment, system, reviewer and protocol: score, error spans JSON,
comment, times, blind, card order),
``stats`` (cached metric statistics, one block per system, metric + signature and reference
hash). The schema version is upgraded by ``MIGRATIONS`` inside one transaction when a store
is opened; a newer store is refused. A process killed with SIGKILL keeps everything it saved.
"""
