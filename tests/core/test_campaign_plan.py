"""Campaign planning on real documents (NTREX-128: 123 documents, line-aligned ids)."""

from __future__ import annotations

from collections import Counter

import pytest

from mtreview.core.campaign import (
    Assignment,
    assign,
    attention_items,
    attention_results,
    corrupt,
    plan_batches,
)
from tests.conftest import DATA, need_shared

SYSTEMS = ("a", "b")


@pytest.fixture(scope="module")
def ntrex():
    d = need_shared(DATA / "ntrex128-ar-en")
    src = (d / "source.ar").read_text(encoding="utf-8").splitlines()
    docs = [line.split("\t")[0] for line in
            (d / "document_ids.tsv").read_text(encoding="utf-8").splitlines()]
    ref = (d / "reference.en").read_text(encoding="utf-8").splitlines()
    return [(i + 1, docs[i], s) for i, s in enumerate(src)], ref


def test_batches_keep_documents_whole_and_balance_words(ntrex):
    segments, _ = ntrex
    batches = plan_batches(segments, SYSTEMS, batch_size=200)
    doc_of = {s: d for s, d, _ in segments}
    seen = Counter()
    for b in batches:
        assert {doc_of[it.seg_id] for it in b.items} == set(b.doc_ids)
        seen.update(b.doc_ids)
    assert set(seen.values()) == {1} and len(seen) == len({d for _, d, _ in segments})
    assert sum(len(b.items) for b in batches) == len(segments) * len(SYSTEMS)
    assert len(batches) == -(-len(segments) * 2 // 200)
    words = sorted(b.words for b in batches)
    assert words[-1] <= 1.25 * words[0]  # balanced (a greedy deal of 123 documents)


def test_overlap_reassignment_and_finished_work(ntrex):
    segments, _ = ntrex
    batches = plan_batches(segments, SYSTEMS, batch_size=400)
    team = ["amal", "omar", "sara"]
    first = assign(batches, team, overlap=2)
    per_batch = Counter(a.batch for a in first)
    assert set(per_batch.values()) == {2} and len(per_batch) == len(batches)
    assert all(len({a.reviewer for a in first if a.batch == b.index}) == 2 for b in batches)
    load = Counter()
    for a in first:
        load[a.reviewer] += next(b.words for b in batches if b.index == a.batch)
    assert max(load.values()) <= 1.5 * min(load.values())
    assert assign(batches, team, 2, existing=first) == first  # idempotent
    # omar leaves having finished one batch; lina joins
    done = [next(a for a in first if a.reviewer == "omar")]
    second = assign(batches, ["amal", "sara", "lina"], 2, existing=first, finished=done)
    assert done[0] in second
    assert not [a for a in second if a.reviewer == "omar" and a not in done]
    assert {a for a in first if a.reviewer != "omar"} <= set(second)
    assert any(a.reviewer == "lina" for a in second)
    with pytest.raises(ValueError):
        assign(batches, ["amal"], overlap=2)


def test_attention_copies_are_corrupted_and_scored(ntrex):
    segments, ref = ntrex
    batches = plan_batches(segments[:60], SYSTEMS, batch_size=1000)
    translations = {s: {i: ref[i - 1] for i, _, _ in segments[:60]} for s in SYSTEMS}
    items = attention_items(batches[0], translations, share=0.1, seed=7)
    assert len(items) == round(0.1 * 120)
    for item, text in items:
        original = translations[item.system.split(":", 1)[1]][item.seg_id]
        assert item.system.startswith("attention:") and text != original
        a, b = original.split(), text.split()
        assert len(a) == len(b)
        changed = sum(x != y for x, y in zip(a, b))
        assert 1 <= changed <= max(1, min(8, len(a) // 4))
    assert items == attention_items(batches[0], translations, share=0.1, seed=7)
    assert corrupt("one two", "one two", 1) != "one two"
    res = attention_results([("amal", 1, "a", 80), ("amal", 1, "attention:a", 30),
                             ("amal", 2, "b", 80), ("amal", 2, "attention:b", 75),
                             ("omar", 1, "a", 60), ("omar", 1, "attention:a", 20)])
    assert [(r.reviewer, r.checks, r.passed, r.flagged) for r in res] == [
        ("amal", 2, 1, True), ("omar", 1, 1, False)]


def test_assignment_is_plain_data():
    assert Assignment(1, "amal") == Assignment(1, "amal")
