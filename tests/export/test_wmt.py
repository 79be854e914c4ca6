"""WMT formats: the Google MQM TSV (both ways), the Appraise/WMT24 ESA CSV, mt-metrics-eval."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from statistics import mean

import pytest

from mtreview.core.project import Project
from mtreview.core.types import ErrorSpan, Review
from mtreview.export.formats import FORMATS, ExportJob, publish
from mtreview.export.rows import RowFilter
from tests.conftest import run_cli
from tests.export.conftest import SYSTEMS

# the header of the published files, e.g. google/wmt-mqm-human-evaluation
# newstest2021/ende/mqm_newstest2021_ende.tsv
PUBLISHED_MQM_HEADER = "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity"
# the unpacking of each ESA line in wmt-conference/wmt24-news-systems humeval/merge_to_jsonl.py
WMT24_ESA_FIELDS = ("user_id", "system", "line_id", "tgt_type", "lang1", "lang2", "esa_score",
                    "document_id", "_unknown", "esa_spans", "_time_start", "_time_end")


def _export(project_dir, fmt, out, flt=RowFilter()):
    with Project.open(project_dir) as project:
        return publish(FORMATS[fmt], ExportJob(project, flt), out)


def _reviews(project_dir, **kw):
    with Project.open(project_dir) as project:
        return {(r.seg_id, r.system, r.reviewer): r for r in project.store.reviews(**kw)}


# -- MQM TSV --------------------------------------------------------------------------------
def test_mqm_tsv_has_the_published_layout(project_dir, tmp_path):
    _export(project_dir, "wmt-mqm", tmp_path / "mqm.tsv")
    lines = (tmp_path / "mqm.tsv").read_text(encoding="utf-8").split("\n")
    assert lines[0] == PUBLISHED_MQM_HEADER
    assert lines[-1] == ""
    reviews = {k: r for k, r in _reviews(project_dir).items() if r.protocol == "mqm"}
    assert len(lines) - 2 == sum(max(1, len(r.spans)) for r in reviews.values())
    with Project.open(project_dir) as project:
        texts = {name: project.store.translations(name) for name in SYSTEMS}
        sources = {s.id: s.source for s in project.store.segments()}
    for line in lines[1:-1]:
        system, doc, doc_pos, seg, rater, src, tgt, category, severity = line.split("\t")
        review = reviews[(int(seg), system, rater)]
        marked = [t for t in (src, tgt) if "<v>" in t]
        if severity == "No-error":
            assert category == "No-error" and not review.spans and not marked
            assert (src, tgt) == (sources[int(seg)], texts[system][int(seg)])
            continue
        assert len(marked) == 1 and severity in ("Minor", "Major")
        side = "src" if "<v>" in src else "tgt"
        text = marked[0]
        start, end = text.index("<v>"), text.index("</v>") - 3
        clean = sources[int(seg)] if side == "src" else texts[system][int(seg)]
        assert text.replace("<v>", "").replace("</v>", "") == clean
        assert ErrorSpan(start, end, severity.lower(), category, side) in review.spans


def test_mqm_round_trip_through_init_from_wmt_mqm(project_dir, tmp_path):
    with Project.open(project_dir) as project:
        seg1 = project.store.translations("bloom-176b")[1]
        # an error with no location (a whole-segment error) travels as a row without <v>
        project.store.save_review(Review(1, "bloom-176b", "rev-c", "mqm", None,
                                         (ErrorSpan(0, 0, "major", "Non-translation"),),
                                         "", None, None))
    _export(project_dir, "wmt-mqm", tmp_path / "mqm.tsv")
    r = run_cli("init", "--from", "wmt-mqm", "--source", tmp_path / "mqm.tsv",
                tmp_path / "imported")
    assert r.returncode == 0, r.stderr
    before = {k: r for k, r in _reviews(project_dir).items() if r.protocol == "mqm"}
    after = _reviews(tmp_path / "imported")
    assert after.keys() == before.keys()
    for key, review in before.items():
        assert sorted(after[key].spans, key=repr) == sorted(review.spans, key=repr), key
        assert after[key].protocol == "mqm"
    with Project.open(project_dir) as a, Project.open(tmp_path / "imported") as b:
        mqm_segs = {seg for (seg, _, _) in before}  # an MQM file holds its reviews' segments
        assert [s.source for s in b.store.segments()] == [
            s.source for s in a.store.segments() if s.id in mqm_segs]
        for name in SYSTEMS:  # the reviewed translations travel (an MQM file has no others)
            reviewed = {seg for (seg, sy, _) in before if sy == name}
            assert b.store.translations(name) == {
                seg: t for seg, t in a.store.translations(name).items() if seg in reviewed}
        assert b.store.translations("bloom-176b")[1] == seg1
        assert b.store.meta()["import_format"] == "wmt-mqm"
        assert b.config["review"]["protocol"] == "mqm"


MQM_ROWS = [PUBLISHED_MQM_HEADER,
            "sysA\tdoc1\t1\t1\trater1\tمرحبا بالعالم\tHello <v>wrold</v>\tFluency/Spelling\tMinor",
            "sysA\tdoc1\t1\t1\trater1\tمرحبا بالعالم\tHello wrold\tAccuracy/Omission\tMajor",
            "sysB\tdoc1\t1\t1\trater2\tمرحبا بالعالم\tHi world\tNo-error\tNo-error"]


@pytest.mark.parametrize("broken,message", [
    (lambda rows: [rows[0].replace("\trater", "\tannotator")] + rows[1:], "no column rater"),
    (lambda rows: rows + ["sysA\tdoc1\t2\tx\trater1\ta\tb\tNo-error\tNo-error"],
     "is not an integer"),
    (lambda rows: rows + ["sysA\tdoc1\t1\t1\trater1\tonly seven\tcolumns"], "expected 9"),
    (lambda rows: rows + ["sysA\tdoc1\t1\t1\trater3\tمرحبا بالعالم\tHello there\tNo-error\t"
                          "No-error"], "another target text"),
    (lambda rows: rows[:1], "no rows"),
])
def test_bad_mqm_files_are_refused(tmp_path, broken, message):
    good = tmp_path / "good.tsv"
    good.write_text("\n".join(MQM_ROWS) + "\n", encoding="utf-8")
    assert run_cli("init", "--from", "wmt-mqm", "--source", good,
                   tmp_path / "ok").returncode == 0
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join(broken(MQM_ROWS)) + "\n", encoding="utf-8")
    r = run_cli("init", "--from", "wmt-mqm", "--source", bad, tmp_path / "new")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and message in r.stderr
    assert not (tmp_path / "new").exists()


def test_mqm_import_reads_spans_and_no_error_rows(tmp_path):
    path = tmp_path / "m.tsv"
    path.write_text("\n".join(MQM_ROWS) + "\n", encoding="utf-8")
    assert run_cli("init", "--from", "wmt-mqm", "--source", path, tmp_path / "p").returncode == 0
    reviews = _reviews(tmp_path / "p")
    a = reviews[(1, "sysA", "rater1")]
    tgt = "Hello wrold"
    assert [(tgt[s.start:s.end], s.severity, s.category, s.side) for s in a.spans] == [
        ("wrold", "minor", "Fluency/Spelling", "tgt"), ("", "major", "Accuracy/Omission", "tgt")]
    assert reviews[(1, "sysB", "rater2")].spans == ()
    with Project.open(tmp_path / "p") as p:
        assert p.store.translations("sysA") == {1: "Hello wrold"}
        assert p.store.segment(1).source == "مرحبا بالعالم"


def test_unknown_import_format_and_missing_file(tmp_path):
    r = run_cli("init", "--from", "nope", "--source", tmp_path / "x", tmp_path / "p")
    assert r.returncode == 2 and "unknown import format" in r.stderr
    r = run_cli("init", "--from", "wmt-mqm", "--source", tmp_path / "missing.tsv",
                tmp_path / "p")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and not (tmp_path / "p").exists()


# -- ESA CSV --------------------------------------------------------------------------------
def test_esa_csv_has_the_wmt24_layout(project_dir, tmp_path):
    _export(project_dir, "wmt-esa", tmp_path / "esa.csv")
    with open(tmp_path / "esa.csv", encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    esa = {k: r for k, r in _reviews(project_dir).items() if r.protocol == "esa"}
    assert len(lines) == len(esa) == 80
    with Project.open(project_dir) as project:
        texts = {name: project.store.translations(name) for name in SYSTEMS}
        docs = {s.id: s.doc_id for s in project.store.segments()}
    for line in lines:
        row = dict(zip(WMT24_ESA_FIELDS, line, strict=True))
        review = esa[(int(row["line_id"]), row["system"], row["user_id"])]
        assert (row["tgt_type"], row["lang1"], row["lang2"]) == ("TGT", "ara", "eng")
        assert float(row["esa_score"]) == review.score
        assert row["document_id"] == docs[review.seg_id] and row["_unknown"] == "False"
        spans = json.loads(row["esa_spans"])
        tgt = texts[review.system][review.seg_id]
        assert [set(s) for s in spans] == [{"start_i", "end_i", "severity", "error_type"}] * len(
            review.spans)
        for s, orig in zip(spans, review.spans):
            if orig.side == "tgt":  # Appraise's end_i is inclusive
                assert tgt[s["start_i"]:s["end_i"] + 1] == tgt[orig.start:orig.end]
            else:
                assert s["start_i"] == s["end_i"] == "missing"
            assert s["severity"] == orig.severity
        for field, iso in (("_time_start", review.start_time), ("_time_end", review.end_time)):
            assert abs(float(row[field]) - datetime.fromisoformat(iso).timestamp()) < 0.001


# -- mt-metrics-eval ------------------------------------------------------------------------
def _score_lines(path):
    return [ln.split() for ln in path.read_text(encoding="utf-8").splitlines()]


def test_mt_metrics_eval_layout_and_scores(project_dir, tmp_path):
    out = tmp_path / "mtme"
    _export(project_dir, "mt-metrics-eval", out)
    with Project.open(project_dir) as project:
        segments = project.store.segments()
        refs = project.store.references()
        texts = {name: project.store.translations(name) for name in SYSTEMS}
    n = len(segments)
    assert (out / "sources" / "ar-en.txt").read_text(encoding="utf-8").splitlines() == [
        s.source for s in segments]
    assert [ln.split("\t") for ln in (out / "documents" / "ar-en.docs").read_text(
        encoding="utf-8").splitlines()] == [["general", s.doc_id] for s in segments]
    assert (out / "references" / "ar-en.refA.txt").read_text(
        encoding="utf-8").splitlines() == [refs[s.id][0] for s in segments]
    for name in SYSTEMS:
        lines = (out / "system-outputs" / "ar-en" / f"{name}.txt").read_text(
            encoding="utf-8").splitlines()
        assert lines == [texts[name][s.id] for s in segments]
    reviews = _reviews(project_dir)
    for protocol in ("esa", "mqm"):
        seg = _score_lines(out / "human-scores" / f"ar-en.{protocol}.seg.score")
        sys_ = _score_lines(out / "human-scores" / f"ar-en.{protocol}.sys.score")
        assert [ln[0] for ln in seg] == [name for name in SYSTEMS for _ in range(n)]
        assert [ln[0] for ln in sys_] == list(SYSTEMS)
        for i, name in enumerate(SYSTEMS):
            block = seg[i * n:(i + 1) * n]
            values = [None if v == "None" else float(v) for _, v in block]
            present = [v for v in values if v is not None]
            if present:
                assert float(sys_[i][1]) == pytest.approx(mean(present))
            else:
                assert sys_[i][1] == "None"
            for s, v in zip(segments, values):
                rs = [r for (sid, sy, _), r in reviews.items()
                      if sid == s.id and sy == name and r.protocol == protocol]
                assert (v is None) == (not rs)
                if protocol == "esa" and rs:
                    assert v == pytest.approx(mean(r.score for r in rs))
                if protocol == "mqm" and rs:
                    assert v <= 0 and (v == 0) == all(not r.spans for r in rs)


def test_esa_export_needs_esa_reviews(project_dir, tmp_path):
    r = run_cli("export", project_dir, tmp_path / "esa.csv", "--format", "wmt-esa",
                "--reviewer", "rev-b")
    assert r.returncode == 2 and "no ESA reviews" in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "esa.csv").exists()
    assert not list(tmp_path.glob(".esa.csv*"))
