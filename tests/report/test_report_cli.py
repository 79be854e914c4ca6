"""`mtreview report`: formats, output file, bad input, import isolation, the stats cache."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from mtreview.core.project import Project
from mtreview.metrics.registry import METRICS
from mtreview.metrics.stats import Block, RefSet, compute_stats, segment_stats
from mtreview.report.build import build_report


def digest(project) -> str:
    h = hashlib.sha256()
    for name in sorted(p.name for p in project.iterdir() if p.is_file()):
        h.update(name.encode() + (project / name).read_bytes())
    return h.hexdigest()


@pytest.fixture()
def fresh40(flores40, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(flores40["project"], proj)
    return proj


@pytest.mark.parametrize("args, message", [
    (["--metrics", "bleu,meteor"], "unknown metric 'meteor'"),
    (["--metrics", "bleu,,chrf"], "empty metric name"),
    (["--baseline", "nosuch"], "unknown baseline system 'nosuch'"),
    (["--bootstrap", "-5"], "--bootstrap must be a whole number"),
    (["--bootstrap", "many"], "--bootstrap must be a whole number"),
    (["--ar", "1.5"], "--ar must be a whole number"),
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--output", "/nonexistent-dir/x.html"], "is not a directory"),
])
def test_bad_input_one_line_exit_2_nothing_changed(fresh40, cli, args, message):
    before = digest(fresh40)
    r = cli("report", fresh40, *args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtreview: error:") and message in lines[0]
    assert digest(fresh40) == before


def test_no_systems_and_no_references(flores40, tmp_path, cli):
    empty = tmp_path / "empty"
    assert cli("init", empty, "--source", flores40["src"], "--reference",
               flores40["ref"]).returncode == 0
    r = cli("report", empty)
    assert r.returncode == 2 and "has no systems" in r.stderr and len(r.stderr.splitlines()) == 1
    noref = tmp_path / "noref"
    assert cli("init", noref, "--source", flores40["src"]).returncode == 0
    assert cli("add-system", noref, "bloom", flores40["files"][0]).returncode == 0
    r = cli("report", noref)
    assert r.returncode == 2 and "no references" in r.stderr and len(r.stderr.splitlines()) == 1
    r = cli("report", tmp_path / "not-a-project")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    # human scores only works without references
    r = cli("report", noref, "--metrics", "none")
    assert r.returncode == 0 and "bloom: baseline" in r.stdout


def test_formats_and_output_file(fresh40, cli, tmp_path):
    r = cli("report", fresh40, "--format", "json", "--baseline", "opus-big-2022",
            "--bootstrap", "300", "--ar", "500", "--seed", "7")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["baseline"] == "opus-big-2022" and d["bootstrap"] == 300 and d["seed"] == 7
    assert set(d["systems"]) == {"bloom", "opus-2021", "opus-big-2022", "opus-mul-2020"}
    for s, entry in d["systems"].items():
        assert set(entry) == {"bleu", "chrf", "human", "verdict"}
        assert set(entry["bleu"]) == {"score", "mean", "ci", "p_bs", "p_ar", "cluster"}
        assert (entry["bleu"]["p_bs"] is None) == (s == "opus-big-2022")
    assert d["systems"]["opus-big-2022"]["verdict"] == "baseline"
    assert "worse than opus-big-2022" in d["systems"]["opus-mul-2020"]["verdict"]
    assert len(d["segment_scores"]) == 40 and d["documents"]
    assert set(d) >= {"signatures", "clusters", "pairwise_p", "documents", "human", "notes"}

    table = cli("report", fresh40).stdout
    assert "verdict" in table and "opus-mul-2020: worse than bloom" in table
    untested = cli("report", fresh40, "--bootstrap", "0", "--ar", "0").stdout
    assert "opus-mul-2020: vs. bloom (no significance test): BLEU -" in untested
    assert "worse than" not in untested and "no significant difference" not in untested
    md = cli("report", fresh40, "--format", "markdown").stdout
    assert md.startswith("# Evaluation report") and "| system | BLEU |" in md
    rows = list(csv.DictReader(io.StringIO(cli("report", fresh40, "--format", "csv").stdout)))
    corpus = [x for x in rows if x["section"] == "corpus"]
    assert len(corpus) == 8 and {x["metric"] for x in corpus} == {"bleu", "chrf"}
    bleu_bloom = next(x for x in corpus if x["system"] == "bloom" and x["metric"] == "bleu")
    assert float(bleu_bloom["score"]) == pytest.approx(d["systems"]["bloom"]["bleu"]["score"])

    out = tmp_path / "report.html"
    r = cli("report", fresh40, "--format", "html", "--output", out)
    assert r.returncode == 0 and r.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 2 + 2 * 4
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page


def test_report_never_imports_heavy_modules(fresh40):
    code = ("import sys\nfrom mtreview import cli\n"
            f"rc = cli.main(['report', {str(fresh40)!r}, '--metrics', 'bleu,chrf,ter', "
            "'--format', 'html', '--output', 'NUL.html'])\n"
            "assert rc == 0\n"
            "print('\\n'.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code.replace("NUL.html",
                          str(fresh40.parent / "r.html"))],
                         capture_output=True, text=True, check=True).stdout
    loaded = {line.split(".")[0] for line in out.splitlines()}
    assert "sacrebleu" in loaded and "numpy" in loaded
    for heavy in ("torch", "transformers", "textual", "datasets"):
        assert heavy not in loaded, heavy


def test_warm_report_does_not_import_sacrebleu(fresh40):
    """Statistics and significance results cached: signatures come from the metrics'
    declared settings and scores from the cache, so sacrebleu (~20 ms) is not loaded."""
    code = ("import contextlib, io, sys\nfrom mtreview import cli\n"
            "out = io.StringIO()\nwith contextlib.redirect_stdout(out):\n"
            f"    assert cli.main(['report', {str(fresh40)!r}, '--format', 'json']) == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sacrebleu'))\n"
            "print(out.getvalue())")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split("\n", 1) for _ in range(2)]
    assert runs[0][0] != "[]"  # the first report computes through sacrebleu
    assert runs[1][0] == "[]" and runs[1][1] == runs[0][1]


def test_second_report_is_served_from_the_cache(fresh40):
    with Project.open(fresh40) as p:
        first = build_report(p, metrics="bleu,chrf,ter", bootstrap=100, ar=100)
        second = build_report(p, metrics="bleu,chrf,ter", bootstrap=100, ar=100)
    assert first.computed_stats == 4 * 40 * 3 and second.computed_stats == 0
    assert first.to_dict() == second.to_dict()


def test_changed_translation_recomputes_only_that_segment(fresh40):
    metric = METRICS["chrf"]
    with Project.open(fresh40) as p:
        refs = p.store.references()
        refset = RefSet.build(refs, sorted(refs))
        hyps = [p.store.translations("bloom")[s] for s in refset.seg_ids]
        base, n = segment_stats(p.store, "bloom", metric, refset, hyps)
        assert n == 40
        hyps[3] = hyps[3] + " and more"
        changed, n = segment_stats(p.store, "bloom", metric, refset, hyps)
        assert n == 1
        expect = compute_stats(metric, hyps, [list(refset.streams[0])])
        assert np.array_equal(changed, expect)
        assert not np.array_equal(changed[3], base[3])
        assert np.array_equal(np.delete(changed, 3, 0), np.delete(base, 3, 0))
        # the cache is keyed by the metric's full signature
        key = "chrf|" + metric.signature(1)
        block = Block.from_bytes(p.store.get_stats_block("bloom", key, refset.hash)[1])
        assert block.seg_ids.tolist() == list(refset.seg_ids)
        assert np.array_equal(block.stats, changed)
        assert "version:" in key
        again, n = segment_stats(p.store, "bloom", metric, refset, hyps)
        assert n == 0 and np.array_equal(again, changed)
        # a report on fewer segments reuses their rows and keeps the others in the block
        part = RefSet.build(refs, refset.seg_ids[10:20])
        sub, n = segment_stats(p.store, "bloom", metric, part, hyps[10:20])
        assert n == 0 and np.array_equal(sub, changed[10:20])
        again, n = segment_stats(p.store, "bloom", metric, refset, hyps)
        assert n == 0 and np.array_equal(again, changed)


def test_incomplete_system_is_noted(flores40, tmp_path, cli):
    proj = tmp_path / "inc"
    shutil.copytree(flores40["project"], proj)
    with Project.open(proj) as p:
        from mtreview.core.types import System, Translation
        texts = p.store.translations("bloom")
        p.store.add_system(System("partial", "file"),
                           [Translation("partial", s, texts[s]) for s in list(texts)[:30]])
    d = json.loads(cli("report", proj, "--format", "json", "--ar", "0").stdout)
    assert d["segments"] == 30 and any("10 segment(s)" in n for n in d["notes"])
    assert d["systems"]["partial"]["bleu"]["score"] == d["systems"]["bloom"]["bleu"]["score"]


def test_build_report_api_subset_of_systems(fresh40):
    from mtreview.errors import UserError

    with Project.open(fresh40) as p:
        rep = build_report(p, metrics=["chrf"], systems=["opus-mul-2020", "bloom"],
                           bootstrap=200, ar=0)
        full = build_report(p, metrics=["chrf"], bootstrap=0, ar=0)
        with pytest.raises(UserError, match="unknown system 'nope'"):
            build_report(p, systems=["nope"])
    assert rep.systems == ("opus-mul-2020", "bloom") and rep.baseline == "opus-mul-2020"
    assert rep.score("bloom", "chrf") == full.score("bloom", "chrf")
    assert rep.verdict("bloom").startswith("better than opus-mul-2020: chrF +")
