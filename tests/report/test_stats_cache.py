"""The statistics cache works per text: adding a system computes only its new hypotheses."""

from __future__ import annotations

import shutil

import numpy as np

from mtreview.core.project import Project
from mtreview.report.build import build_report


def test_added_system_computes_only_its_new_lines(flores40, tmp_path, cli):
    proj = tmp_path / "proj"
    shutil.copytree(flores40["project"], proj)
    with Project.open(proj) as p:
        build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
    lines = flores40["files"][0].read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + " indeed"
    lines[17] = "something else entirely"
    copy = tmp_path / "bloom-edit.en"
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("add-system", proj, "bloom-edit", copy).returncode == 0
    with Project.open(proj) as p:
        rep = build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
        assert rep.computed_stats == 2 * 3  # two changed lines, three metrics
        again = build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
        assert again.computed_stats == 0
    fresh = tmp_path / "fresh"  # everything computed from scratch: the same numbers
    assert cli("init", fresh, "--source", flores40["src"], "--reference",
               flores40["ref"]).returncode == 0
    assert cli("add-system", fresh, "bloom-edit", copy).returncode == 0
    assert cli("add-system", fresh, "bloom", flores40["files"][0]).returncode == 0
    with Project.open(fresh) as p:
        scratch = build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
    for s in scratch.systems:
        for m in rep.metrics:
            assert scratch.score(s, m) == rep.score(s, m)
            assert scratch.segment_scores[s][m] == rep.segment_scores[s][m]
    for m in rep.metrics:
        assert rep.score("bloom-edit", m) != rep.score("bloom", m)


def test_significance_results_are_cached_and_keyed_by_their_inputs(flores40, tmp_path):
    from mtreview.metrics.stats import RESULTS

    proj = tmp_path / "proj"
    shutil.copytree(flores40["project"], proj)
    with Project.open(proj) as p:
        first = build_report(p, metrics="bleu,chrf", bootstrap=200, ar=300)
        con = p.store
        key = "significance|" + "|".join(f"{m}:{first.signatures[m]}" for m in first.metrics)
        refs = con.references()
        from mtreview.metrics.stats import RefSet
        ref_hash = RefSet.build(refs, first.seg_ids).hash
        cached = con.get_stats_block(RESULTS, key, ref_hash)
        assert cached is not None
        again = build_report(p, metrics="bleu,chrf", bootstrap=200, ar=300)
        assert again.to_dict() == first.to_dict()
        other = build_report(p, metrics="bleu,chrf", bootstrap=200, ar=300, seed=7)
        assert other.to_dict()["systems"] != first.to_dict()["systems"]
        con.put_stats_blocks(key, ref_hash, [(RESULTS, cached[0], b"not json")])  # damaged
        repaired = build_report(p, metrics="bleu,chrf", bootstrap=200, ar=300)
        assert repaired.to_dict() == first.to_dict()
        assert con.get_stats_block(RESULTS, key, ref_hash)[1] != b"not json"


def test_fifth_system_computes_only_its_own_new_texts(flores40, tmp_path, cli):
    """Four systems cached; a fifth whose lines are partly another system's: only its
    texts that no system has on that segment are computed, the four blocks stay as they
    were, and the statistics equal a from-scratch computation."""
    from mtreview.metrics.registry import METRICS
    from mtreview.metrics.stats import Block, RefSet, compute_stats
    from tests.report.conftest import drop_words

    proj = tmp_path / "proj"
    shutil.copytree(flores40["project"], proj)
    metrics = ("bleu", "chrf", "ter")
    with Project.open(proj) as p:
        first = build_report(p, metrics=",".join(metrics), bootstrap=0, ar=0)
        assert build_report(p, metrics=",".join(metrics), bootstrap=0, ar=0
                            ).computed_stats == 0  # the four systems are cached
        texts = {s: p.store.translations(s) for s in first.systems}
        refset = RefSet.build(p.store.references(), first.seg_ids)
        keys = {m: m + "|" + METRICS[m].signature(refset.num_refs) for m in metrics}
        blocks = {(s, m): p.store.get_stats_block(s, keys[m], refset.hash)
                  for s in first.systems for m in metrics}
    bloom = [texts["bloom"][i] for i in first.seg_ids]
    fifth = drop_words(bloom, 0.3, 11)
    for i in range(5):  # five lines as opus-2021 translated them
        fifth[i] = texts["opus-2021"][first.seg_ids[i]]
    new = sum(1 for i, t in zip(first.seg_ids, fifth)
              if t not in {texts[s][i] for s in first.systems})
    assert 5 < new < 40
    copy = tmp_path / "fifth.en"
    copy.write_text("\n".join(fifth) + "\n", encoding="utf-8")
    assert cli("add-system", proj, "fifth", copy).returncode == 0
    with Project.open(proj) as p:
        rep = build_report(p, metrics=",".join(metrics), bootstrap=0, ar=0)
        assert rep.computed_stats == new * len(metrics)
        for (s, m), block in blocks.items():
            assert p.store.get_stats_block(s, keys[m], refset.hash) == block
        refs = [list(r) for r in refset.streams]
        for m in metrics:
            cached = Block.from_bytes(p.store.get_stats_block("fifth", keys[m], refset.hash)[1])
            assert np.array_equal(cached.stats, compute_stats(METRICS[m], fifth, refs))
