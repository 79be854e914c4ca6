"""One home for the protocols (issue 12, items 7 and 8): the report and the exporters give
the same MQM score for the same spans, and each WMT format exports only its protocol."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

import pytest

from mtreview.core import protocols
from mtreview.core.project import Project
from mtreview.export.formats import FORMATS, ExportJob, publish
from mtreview.report.build import build_report
from tests.commands.tiny import MQM_SPANS, da_score, make_project
from tests.conftest import run_main


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p")


def _sys_scores(path):
    return {name: None if v == "None" else float(v) for name, v in
            (ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines())}


def test_report_and_export_give_the_same_mqm_scores(project, tmp_path):
    with Project.open(project) as p:
        report = build_report(p, metrics="none", bootstrap=0, ar=0)
        publish(FORMATS["mt-metrics-eval"], ExportJob(p), tmp_path / "mtme")
    exported = _sys_scores(tmp_path / "mtme" / "human-scores" / "ar-en.mqm.sys.score")
    reported = {s: -e["mqm"].mean for s, e in report.human["mqm"].scores.systems.items()}
    expected = defaultdict(list)
    for (name, _), spans in MQM_SPANS.items():
        expected[name].append(protocols.mqm_score(spans))
    assert set(reported) == set(exported) == set(expected)
    for name in expected:
        assert reported[name] == pytest.approx(exported[name]) == pytest.approx(
            mean(expected[name]))
    # the cases the two used to disagree on: a neutral span is free, a minor Style span is
    # a whole minor error, a minor punctuation span a tenth of one
    assert protocols.mqm_score(MQM_SPANS[("sys-a", 1)]) == -protocols.mqm_weight(
        "minor", "Style/Awkward") != -protocols.mqm_weight("minor", "Fluency/Punctuation")
    assert protocols.mqm_weight("neutral", "Fluency/Punctuation") == 0


def test_no_second_copy_of_the_protocol_names_or_weights():
    import mtreview.export.dataset_card as card
    import mtreview.export.wmt as wmt
    import mtreview.metrics.human as human
    import mtreview.report.build as build

    for module in (card, wmt, human):
        assert not hasattr(module, "MQM_WEIGHTS") and not hasattr(module, "span_weight")
    assert not hasattr(card, "PROTOCOL_NAMES")
    assert build.PROTOCOLS is protocols.PROTOCOLS
    from mtreview.commands import review

    names = getattr(review, "PROTOCOLS", None) or review.PROTOCOL_NAMES
    assert names is protocols.PROTOCOL_NAMES


def test_wmt_mqm_exports_only_mqm_reviews(project, tmp_path):
    out = tmp_path / "mqm.tsv"
    rc, _, err = run_main("export", project, out)
    assert rc == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()[1:]
    assert {ln.split("\t")[4] for ln in lines} == {"mira"}  # the MQM reviewer only
    assert len(lines) == sum(max(1, len(s)) for s in MQM_SPANS.values())


def test_wmt_mqm_without_mqm_reviews_is_refused(project, tmp_path):
    out = tmp_path / "da.tsv"
    rc, _, err = run_main("export", project, out, "--reviewer", "dana")
    assert rc == 2 and "no MQM reviews" in err and err.count("\n") == 1
    assert not out.exists() and not list(tmp_path.glob(".da.tsv*"))


def test_mt_metrics_eval_scores_each_protocol_separately(project, tmp_path):
    out = tmp_path / "mtme"
    assert run_main("export", project, out, "--format", "mt-metrics-eval")[0] == 0
    scores = out / "human-scores"
    assert sorted(p.name for p in scores.iterdir()) == sorted(
        f"ar-en.{p}.{lvl}.score" for p in ("da", "esa", "mqm") for lvl in ("seg", "sys"))
    da = _sys_scores(scores / "ar-en.da.sys.score")
    assert da == {name: pytest.approx(mean(da_score(name, s) for s in (1, 2, 3)))
                  for name in ("sys-a", "sys-b")}


def test_blind_and_card_order_columns(project, tmp_path):
    """Every review row carries blind and card_order (null on unreviewed rows), in every
    dataset format and back through read_csv."""
    from mtreview.export.formats import read_csv
    from mtreview.export.rows import build_table

    with Project.open(project) as p:
        table = build_table(p.store, "ar-en")
        reviews = {(r.seg_id, r.system, r.reviewer): r for r in p.store.reviews()}
    rows = table.to_pylist()
    assert {"blind", "card_order"} <= set(table.column_names)
    for row in rows:
        r = reviews[(row["seg_id"], row["system"], row["reviewer"])]
        assert row["blind"] == r.blind and row["card_order"] == list(r.card_order)
    out = tmp_path / "all.csv"
    assert run_main("export", project, out, "--all")[0] == 0
    back = read_csv(out, cache_dir=str(tmp_path / "c")).to_list()
    assert [(b["blind"], b["card_order"]) for b in back] == [
        (row["blind"], row["card_order"]) for row in rows]


def test_store_rows_with_blind_and_card_order_are_exported():
    """The store's export rows may carry (blind, card_order JSON) after the 12 columns."""
    from mtreview.export.rows import _review_view

    blind, order = _review_view(("amal", None, "ben"),
                                [(1, None, 0), ('["sys-b", "sys-a"]', None, "")])
    assert blind == [True, None, False]
    assert order == [["sys-b", "sys-a"], None, []]


def test_a_blind_review_exports_its_blindness_and_card_order(project, tmp_path):
    from mtreview.core.types import Review

    with Project.open(project) as p:
        p.store.save_review(Review(1, "sys-a", "bea", "esa", 70.0, (), "", None, None,
                                   blind=True, card_order=("sys-b", "sys-a")))
    out = tmp_path / "rows.jsonl"
    assert run_main("export", project, out, "--reviewer", "bea")[0] == 0
    import json

    (row,) = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert row["blind"] is True and row["card_order"] == ["sys-b", "sys-a"]
