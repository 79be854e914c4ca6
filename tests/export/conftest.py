"""A real-data project for the export tests: the first 40 FLORES-200 devtest segments with
BLOOM and the three OPUS-MT systems, two reviewers (ESA and MQM) and QA flags, all derived
deterministically from the data (see tests/export/reviews.py)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import FLORES_FIRST40 as SYSTEMS
from tests.export.reviews import derive_flags, derive_review

N = 40


@pytest.fixture(scope="session")
def reviewed_template(flores40, tmp_path_factory) -> Path:
    """The 40-line FLORES sample with four systems, two reviewers and flags, built once."""
    from mtreview.core import ingest
    from mtreview.core.project import Project
    from mtreview.core.types import System

    tmp = tmp_path_factory.mktemp("flores40")
    src, ref = flores40["src"], flores40["ref"]
    corpus = ingest.read_source(src)
    refs = ingest.read_reference_file(ref, corpus.segments, 0)
    path = tmp / "project"
    with Project.create(path, corpus.documents, corpus.segments, refs) as project:
        store = project.store
        ids = store.segment_ids()
        for name, file in SYSTEMS.items():
            sys_file = flores40[name]
            store.add_system(System(name, "file", {"source": "file", "file": file}),
                             ingest.read_system_file(sys_file, name, ids))
        texts = {name: store.translations(name) for name in SYSTEMS}
        ref_text = {r.seg_id: r.text for r in refs}
        for s in corpus.segments:
            for name in ("bloom-176b", "opus-mt-big-2022"):
                store.save_review(derive_review(s.id, name, "rev-a", s.source,
                                                texts[name][s.id], ref_text[s.id], "esa"))
            if s.id <= 20:
                for name in SYSTEMS:
                    store.save_review(derive_review(s.id, name, "rev-b", s.source,
                                                    texts[name][s.id], ref_text[s.id], "mqm"))
        store.replace_flags("test", derive_flags(corpus.segments, texts))
    return path


@pytest.fixture
def project_dir(reviewed_template, tmp_path) -> Path:
    dst = tmp_path / "project"
    shutil.copytree(reviewed_template, dst)
    return dst


def _time(value):
    return None if value is None else datetime.fromisoformat(value)


def expected_rows(project, reviewer=None, system=None) -> list[dict]:
    """The rows the export must give, built straight from the store's public API."""
    store = project.store
    refs = store.references()
    segs = {s.id: s for s in store.segments()}
    prov = {s.name: json.dumps(dict(s.provenance), ensure_ascii=False, sort_keys=True)
            for s in store.systems()}
    order = {s.name: i for i, s in enumerate(store.systems())}
    texts = {name: store.translations(name) for name in order}
    rows = []
    for r in sorted(store.reviews(reviewer=reviewer, system=system),
                    key=lambda r: (r.seg_id, order[r.system], r.reviewer)):
        flags = [f for f in store.flags(r.seg_id) if f.system in (None, r.system)]
        flags.sort(key=lambda f: f.system is not None)  # source-side flags first
        rows.append({
            "lp": f"{project.src_lang}-{project.tgt_lang}",
            "doc_id": segs[r.seg_id].doc_id, "seg_id": r.seg_id, "system": r.system,
            "reviewer": r.reviewer, "src": segs[r.seg_id].source,
            "tgt": texts[r.system][r.seg_id],
            "ref": refs[r.seg_id][0] if r.seg_id in refs else None,
            "protocol": r.protocol, "score": r.score,
            "error_spans": [sp.to_dict() for sp in r.spans],
            "flags": [{"check": f.check, "severity": f.severity, "forms": list(f.forms)}
                      for f in flags],
            "comment": r.comment, "start_time": _time(r.start_time),
            "end_time": _time(r.end_time), "provenance": prov[r.system],
            "blind": r.blind, "card_order": list(r.card_order),
        })
    return rows
