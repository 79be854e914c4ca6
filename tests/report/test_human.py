"""Human scores, z-scores, MQM, agreement and metric–human correlation on real FLORES data.

The reviews are built deterministically from the real segments and system outputs and saved
through ``store.save_review``; every statistic is recomputed here independently (statistics,
scipy.stats, a coincidence-matrix alpha) and compared with the report.
"""

from __future__ import annotations

import math
import shutil
import statistics
from collections import defaultdict

import pytest
from sacrebleu.metrics import BLEU, CHRF

from mtreview.core.project import Project
from mtreview.core.types import ErrorSpan, Review
from mtreview.report.build import build_report

stats = pytest.importorskip("scipy.stats")

WEIGHTS = {"major": 5, "minor": 1}


def esa_score(reviewer: str, chrf: float, seg: int, k: int) -> float:
    if reviewer == "alice":
        return float(round(chrf))
    return float(min(100, max(0, round(0.7 * chrf + 20 + ((seg * 7 + k * 3) % 11) - 5))))


def spans_for(reviewer: str, hyp: str, ref: str, seg: int) -> tuple[ErrorSpan, ...]:
    """Mark hypothesis words absent from the reference (alice: all, bob: every other one)."""
    refw = set(ref.lower().split())
    out, pos, n = [], 0, 0
    for w in hyp.split():
        start = hyp.index(w, pos)
        pos = start + len(w)
        if w.lower() not in refw:
            n += 1
            if reviewer == "bob" and n % 2 == 0:
                continue
            sev = "major" if len(w) > 6 else "minor"
            cat = "Fluency/Punctuation" if not w[-1].isalnum() and sev == "minor" else \
                "Accuracy/Mistranslation"
            out.append(ErrorSpan(start, pos, sev, cat))
    if seg % 13 == 0 and reviewer == "alice":
        out.append(ErrorSpan(0, len(hyp), "major", "Non-translation"))
    return tuple(out)


@pytest.fixture(scope="module")
def reviewed(flores40, tmp_path_factory):
    proj = tmp_path_factory.mktemp("reviewed") / "proj"
    shutil.copytree(flores40["project"], proj)
    chrf = CHRF()
    with Project.open(proj) as p:
        refs = p.store.references()
        for k, system in enumerate(flores40["systems"]):
            for seg, hyp in p.store.translations(system).items():
                c = chrf.sentence_score(hyp, refs[seg]).score
                for reviewer in ("alice", "bob"):
                    if reviewer == "bob" and seg % 5 == 0:
                        continue  # bob skipped some: alpha must cope with missing values
                    p.store.save_review(Review(seg, system, reviewer, "esa",
                                               esa_score(reviewer, c, seg, k),
                                               spans_for(reviewer, hyp, refs[seg][0], seg)))
                    p.store.save_review(Review(seg, system, reviewer + "-mqm", "mqm", None,
                                               spans_for(reviewer, hyp, refs[seg][0], seg)))
        report = build_report(p, metrics=("bleu", "chrf"), bootstrap=200, ar=0)
        reviews = p.store.reviews()
    return report, reviews, flores40


def test_raw_and_z_scores_match_independent_computation(reviewed):
    report, reviews, data = reviewed
    esa = [r for r in reviews if r.protocol == "esa"]
    by_rev = defaultdict(list)
    for r in esa:
        by_rev[r.reviewer].append(r.score)
    mu = {k: statistics.mean(v) for k, v in by_rev.items()}
    sd = {k: statistics.stdev(v) for k, v in by_rev.items()}
    for system in data["systems"]:
        raw = [r.score for r in esa if r.system == system]
        z = [(r.score - mu[r.reviewer]) / sd[r.reviewer] for r in esa if r.system == system]
        got = report.human["esa"].scores.systems[system]
        assert got["raw"].mean == pytest.approx(statistics.mean(raw), abs=1e-9)
        assert got["raw"].ci == pytest.approx(1.959964 * statistics.stdev(raw) /
                                              math.sqrt(len(raw)), rel=1e-6)
        assert got["z"].mean == pytest.approx(statistics.mean(z), abs=1e-9)
        assert got["z"].n == len(z) == 40 + 32


def test_mqm_uses_wmt_weights(reviewed):
    report, reviews, data = reviewed
    def weight(s):
        if s.category == "Non-translation":
            return 25
        if s.severity == "major":
            return 5
        return 0.1 if "Punctuation" in s.category else 1
    mqm = [r for r in reviews if r.protocol == "mqm"]
    assert any(s.category == "Non-translation" for r in mqm for s in r.spans)
    assert any("Punctuation" in s.category for r in mqm for s in r.spans)
    for system in data["systems"]:
        pens = [sum(weight(s) for s in r.spans) for r in mqm if r.system == system]
        got = report.human["mqm"].scores.systems[system]["mqm"]
        assert got.mean == pytest.approx(statistics.mean(pens), abs=1e-9)
    # the weaker system (OPUS-MT mul 2020, lowest BLEU) gets the largest penalty
    means = {s: report.human["mqm"].scores.systems[s]["mqm"].mean for s in data["systems"]}
    assert max(means, key=means.get) == "opus-mul-2020"


def test_correlations_match_scipy(reviewed):
    report, reviews, data = reviewed
    esa = [r for r in reviews if r.protocol == "esa"]
    per = defaultdict(list)
    for r in esa:
        per[(r.seg_id, r.system)].append(r.score)
    with Project.open(data["project"]) as p:
        refs = p.store.references()
        hyps = {s: p.store.translations(s) for s in data["systems"]}
    keys = sorted(per)
    human = [statistics.mean(per[k]) for k in keys]
    for name, metric in (("bleu", BLEU(effective_order=True)), ("chrf", CHRF())):
        x = [metric.sentence_score(hyps[s][seg], refs[seg]).score for seg, s in keys]
        corr = {c.level: c for c in report.human["esa"].correlations if c.metric == name}
        assert corr["segment"].n == len(keys) == 160
        assert corr["segment"].pearson == pytest.approx(stats.pearsonr(x, human)[0], abs=1e-9)
        assert corr["segment"].kendall == pytest.approx(stats.kendalltau(x, human)[0],
                                                        abs=1e-9)
        sys_h = [statistics.mean(r.score for r in esa if r.system == s) for s in data["systems"]]
        sys_m = [report.score(s, name) for s in data["systems"]]
        assert corr["system"].pearson == pytest.approx(stats.pearsonr(sys_m, sys_h)[0],
                                                       abs=1e-9)
        assert corr["system"].kendall == pytest.approx(stats.kendalltau(sys_m, sys_h)[0],
                                                       abs=1e-9)
        # the per-segment scores are sacrebleu's sentence-level scores
        i = report.seg_ids.index(keys[0][0])
        assert report.segment_scores[keys[0][1]][name][i] == pytest.approx(x[0], abs=1e-12)


def textbook_alpha_interval(units: dict) -> float:
    """Krippendorff (2011) via the coincidence matrix over distinct values."""
    o = defaultdict(float)
    for vals in units.values():
        m = len(vals)
        if m < 2:
            continue
        for i, c in enumerate(vals):
            for j, k in enumerate(vals):
                if i != j:
                    o[(c, k)] += 1 / (m - 1)
    n_c = defaultdict(float)
    for (c, _k), v in o.items():
        n_c[c] += v
    n = sum(n_c.values())
    do = sum(v * (c - k) ** 2 for (c, k), v in o.items()) / n
    de = sum(n_c[c] * n_c[k] * (c - k) ** 2 for c in n_c for k in n_c) / (n * (n - 1))
    return 1 - do / de


def test_alpha_and_span_f1_on_reviews(reviewed):
    report, reviews, _ = reviewed
    units = defaultdict(list)
    for r in reviews:
        if r.protocol == "esa":
            units[(r.seg_id, r.system)].append(r.score)
    sec = report.human["esa"]
    assert sec.alpha == pytest.approx(textbook_alpha_interval(units), abs=1e-9)
    assert sec.alpha_units == 128
    assert 0.3 < sec.alpha < 1.0  # derived from the same chrF: they agree, not perfectly
    # span F1: bob marks a subset of alice's character positions (plus non-translation)
    ((pair, (f1, n)),) = sec.span_f1.items()
    assert pair == ("alice", "bob") and n == 128
    a = b = inter = 0
    by = {(r.seg_id, r.system, r.reviewer): r for r in reviews if r.protocol == "esa"}
    for (seg, system, who), r in by.items():
        if who != "alice" or (seg, system, "bob") not in by:
            continue
        ca = {(s.side, i) for s in r.spans for i in range(s.start, s.end)}
        cb = {(s.side, i) for s in by[(seg, system, "bob")].spans
              for i in range(s.start, s.end)}
        a, b, inter = a + len(ca), b + len(cb), inter + len(ca & cb)
    assert f1 == pytest.approx(2 * inter / (a + b), abs=1e-12)
    assert 0 < f1 < 1


def test_report_json_carries_human_sections(reviewed):
    report, _, data = reviewed
    d = report.to_dict()
    assert set(d["human"]) == {"esa", "mqm"}
    assert d["human"]["esa"]["reviewers"] == ["alice", "bob"]
    assert set(d["human"]["esa"]["correlations"]) == {"bleu", "chrf"}
    s = d["systems"][data["systems"][0]]["human"]
    assert set(s) == {"esa", "mqm"} and set(s["esa"]) == {"raw", "z"}
