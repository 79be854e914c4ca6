"""`--format json` writes the bytes that ``json.dumps`` writes, on its fast path too."""

from __future__ import annotations

import dataclasses
import json
import math
import shutil

import pytest

from mtreview.core.project import Project
from mtreview.report.build import build_report
from mtreview.report.render import _json_default, _segment_lines_fast, render_json, segment_lines


def dumps(value, indent=None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False,
                      default=_json_default)


def reference_json(r) -> str:
    """The report as json.dumps writes it, one json.dumps per segment line (the renderer
    before its fast path)."""
    parts = []
    for key, value in r.to_dict().items():
        if key == "segment_scores" and value:
            text = "[\n" + ",\n".join("    " + dumps(x) for x in value) + "\n  ]"
        else:
            text = dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


@pytest.fixture(scope="module")
def report(flores40, tmp_path_factory):
    proj = tmp_path_factory.mktemp("render") / "proj"
    shutil.copytree(flores40["project"], proj)
    with Project.open(proj) as p:
        return build_report(p, metrics="bleu,chrf,ter", bootstrap=100, ar=100)


def test_json_report_is_json_dumps_byte_for_byte(report):
    text = render_json(report)
    assert _segment_lines_fast(report) is not None  # the fast path, not the fallback
    assert text == reference_json(report)
    assert json.loads(text)["segment_scores"] == report.segment_rows()
    assert report.to_dict()["segment_scores"] == report.segment_rows()


ODD = ["%s", 'quote"d', "back\\slash", "ب\u202ex", "{x}", "tab\there", "%(a)s", "%%"]


@pytest.mark.parametrize("values", [
    [0.0, -0.0, 1e-300, 1e22, 100.00000000000004, 5e-324, -1.5, 33.333333333333336],
    [0.0, 0.0, 12.5, 12.5, 99.99999999999999, 1e16, 7.0, 3.0],  # repeated values
    [1, 2.0, True, 3.5, 4.0, 5.0, 6.0, 7.0],  # not all floats: json.dumps writes them
])
def test_segment_lines_odd_names_and_values(report, values):
    seg_ids = report.seg_ids[:8]
    systems = ("a", *ODD[:3])
    metrics = ("bleu", ODD[3], ODD[6])
    scores = {s: {m: [values[(i + j + k) % len(values)] for i in range(8)]
                  for k, m in enumerate(metrics)} for j, s in enumerate(systems)}
    docs = {sid: ODD[i % len(ODD)] for i, sid in enumerate(seg_ids)}
    odd = dataclasses.replace(report, seg_ids=seg_ids, systems=systems, metrics=metrics,
                              segment_scores=scores, doc_of=docs)
    assert segment_lines(odd) == ["    " + dumps(x) for x in odd.segment_rows()]
    assert (_segment_lines_fast(odd) is None) == (values[0] == 1)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_scores_fail_as_json_dumps_does(report, bad):
    m = report.metrics[0]
    scores = {s: dict(v) for s, v in report.segment_scores.items()}
    scores[report.systems[0]][m] = [bad, *scores[report.systems[0]][m][1:]]
    odd = dataclasses.replace(report, segment_scores=scores)
    with pytest.raises(ValueError, match="Out of range float values"):
        dumps(odd.segment_rows())
    with pytest.raises(ValueError, match="Out of range float values"):
        segment_lines(odd)


def test_empty_segment_scores(report):
    none = dataclasses.replace(report, seg_ids=(), metrics=(),
                               segment_scores={s: {} for s in report.systems})
    assert segment_lines(none) == []
    assert '"segment_scores": [],' in render_json(none) == reference_json(none)
    no_metrics = dataclasses.replace(report, metrics=())  # human scores only
    assert render_json(no_metrics) == reference_json(no_metrics)
