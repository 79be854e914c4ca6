"""Benchmark: 100,000 review rows exported to ``hf`` (target: at most 5 s here).

Real data: the FLORES-200 devtest with BLOOM's translations, under 10 system names, each
reviewed by 10 reviewers (1012 × 10 × 10 = 101,200 rows), with spans derived from the
words of the translation missing from the reference. Baseline in the same run: the naive
route — ``store.reviews()`` to per-row dicts, ``Dataset.from_list`` with inferred features,
``save_to_disk``. Prints both timings, the speed-up and our rows/s against the target
(100,000 rows / 5 s = 20,000 rows/s).

Run: .venv/bin/python -m pytest tests/benchmarks/test_bench_export.py -s
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import FLORES, need_shared
from tests.export.reviews import derive_review

N_SYSTEMS = 10
N_REVIEWERS = 10
TARGET_ROWS_PER_S = 100_000 / 5.0


@pytest.fixture(scope="module")
def big_project(tmp_path_factory):
    need_shared(FLORES)
    from mtreview.core import ingest
    from mtreview.core.project import Project
    from mtreview.core.types import System, Translation

    corpus = ingest.read_source(FLORES / "arb_Arab.devtest")
    refs = ingest.read_reference_file(FLORES / "eng_Latn.devtest", corpus.segments, 0)
    path = tmp_path_factory.mktemp("bench") / "p"
    project = Project.create(path, corpus.documents, corpus.segments, refs)
    bloom = ingest.read_lines(FLORES / "systems" / "bloom-176b-1shot.en")
    ref_text = {r.seg_id: r.text for r in refs}
    reviews = []
    for k in range(N_SYSTEMS):
        name = f"bloom-{k}"
        project.store.add_system(System(name, "file", {"file": "bloom-176b-1shot.en"}),
                                 [Translation(name, s.id, t)
                                  for s, t in zip(corpus.segments, bloom)])
        for s, t in zip(corpus.segments, bloom):
            for r in range(N_REVIEWERS):
                reviews.append(derive_review(s.id, name, f"rev-{r}", s.source, t,
                                             ref_text[s.id], "esa" if r % 2 else "mqm"))
    project.store.add_reviews(reviews)
    yield project
    project.close()


def _ours(project, out: Path) -> int:
    from mtreview.export.formats import FORMATS, ExportJob, publish

    job = ExportJob(project)
    publish(FORMATS["hf"], job, out)
    return job.table().num_rows


def _naive(project, out: Path) -> int:
    import datasets

    store = project.store
    refs = store.references()
    texts = {s.name: store.translations(s.name) for s in store.systems()}
    segs = {s.id: s for s in store.segments()}
    rows = [{
        "lp": "ar-en", "doc_id": segs[r.seg_id].doc_id, "seg_id": r.seg_id,
        "system": r.system, "reviewer": r.reviewer, "src": segs[r.seg_id].source,
        "tgt": texts[r.system][r.seg_id], "ref": refs.get(r.seg_id, [None])[0],
        "protocol": r.protocol, "score": r.score,
        "error_spans": [s.to_dict() for s in r.spans], "flags": [], "comment": r.comment,
        "start_time": r.start_time, "end_time": r.end_time, "provenance": "{}",
    } for r in store.reviews()]
    datasets.Dataset.from_list(rows).save_to_disk(str(out))
    return len(rows)


def test_export_100k_rows_to_hf(big_project, tmp_path):
    import datasets

    datasets.disable_progress_bars()
    t0 = time.perf_counter()
    n_naive = _naive(big_project, tmp_path / "naive")
    t_naive = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_ours = _ours(big_project, tmp_path / "ours")
    t_ours = time.perf_counter() - t0
    assert n_ours == n_naive >= 100_000
    loaded = datasets.load_from_disk(str(tmp_path / "ours"))
    assert loaded.num_rows == n_ours
    speedup = t_naive / t_ours
    rate = n_ours / t_ours
    print(f"\nexport hf: {n_ours} rows in {t_ours:.2f} s ({rate:,.0f} rows/s; target "
          f"{TARGET_ROWS_PER_S:,.0f} rows/s = 100k rows in 5 s; ratio to target "
          f"{rate / TARGET_ROWS_PER_S:.2f})")
    print(f"naive from_list (inferred features): {t_naive:.2f} s; speed-up {speedup:.2f}x")
    assert speedup > 1.0
