"""Corpus scores and significance numbers equal the real sacrebleu CLI's (FLORES, MADAR)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import run_cli
from tests.report.conftest import parse_paired, sacrebleu

LABEL = {"bleu": "BLEU", "chrf": "chrF2", "ter": "TER"}


def report_json(project, *args) -> dict:
    r = run_cli("report", project, "--format", "json", *args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def cli_scores(text: str) -> dict[str, tuple[str, str]]:
    """`NAME|signature = score …` lines of sacrebleu's single-system text output."""
    out = {}
    for line in text.splitlines():
        head, _, rest = line.strip().partition(" = ")
        name, _, sig = head.partition("|")
        out[name] = (sig, rest.split()[0])
    return out


@pytest.mark.parametrize("width", [1, 4])
def test_corpus_scores_equal_sacrebleu_cli_flores_bloom(flores_full, width):
    rep = report_json(flores_full["project"], "--bootstrap", "0", "--ar", "0")
    bloom = flores_full["files"][0]
    cli = cli_scores(sacrebleu(flores_full["ref"], "-i", bloom, "-m", "bleu", "chrf",
                               "-w", str(width), "-f", "text"))
    assert set(cli) == {"BLEU", "chrF2"}
    for m in ("bleu", "chrf"):
        sig, printed = cli[LABEL[m]]
        assert rep["signatures"][m] == sig
        assert f"{rep['systems']['bloom'][m]['score']:.{width}f}" == printed
    # the published figures for this output (shared/README): BLEU 37.9, chrF 63.9
    assert f"{rep['systems']['bloom']['bleu']['score']:.1f}" == "37.9"
    assert f"{rep['systems']['bloom']['chrf']['score']:.1f}" == "63.9"


def test_ter_and_all_systems_equal_sacrebleu_cli_first40(flores40):
    rep = report_json(flores40["project"], "--metrics", "bleu,chrf,ter", "--bootstrap", "0",
                      "--ar", "0")
    for name, f in zip(flores40["systems"], flores40["files"]):
        cli = cli_scores(sacrebleu(flores40["ref"], "-i", f, "-m", "bleu", "chrf", "ter",
                                   "-w", "4", "-f", "text"))
        for m in ("bleu", "chrf", "ter"):
            sig, printed = cli[LABEL[m]]
            assert rep["signatures"][m] == sig
            assert f"{rep['systems'][name][m]['score']:.4f}" == printed, (name, m)


def test_several_references_equal_sacrebleu_cli(flores40, tmp_path, cli):
    """Two reference sets (the FLORES reference and OPUS-MT big as a second one)."""
    ref2 = flores40["files"][2]
    proj = tmp_path / "two_refs"
    r = cli("init", proj, "--source", flores40["src"], "--reference", flores40["ref"],
            "--reference", ref2)
    assert r.returncode == 0, r.stderr
    for name, f in (("bloom", flores40["files"][0]), ("mul", flores40["files"][3])):
        assert cli("add-system", proj, name, f).returncode == 0
    rep = report_json(proj, "--metrics", "bleu,chrf,ter", "--bootstrap", "0", "--ar", "0")
    assert rep["references"] == 2
    for name, f in (("bloom", flores40["files"][0]), ("mul", flores40["files"][3])):
        out = cli_scores(sacrebleu(flores40["ref"], ref2, "-i", f, "-m", "bleu", "chrf", "ter",
                                   "-w", "4", "-f", "text"))
        for m in ("bleu", "chrf", "ter"):
            sig, printed = out[LABEL[m]]
            assert "nrefs:2" in sig and rep["signatures"][m] == sig
            assert f"{rep['systems'][name][m]['score']:.4f}" == printed, (name, m)


def _compare_paired(rep: dict, rows: list[dict], systems: list[str], metrics: list[str],
                    key: str) -> None:
    assert len(rows) == len(systems)
    for row, name in zip(rows, systems):
        for j, m in enumerate(metrics):
            ours = rep["systems"][name][m]
            score, mean, ci = row["scores"][j]
            assert abs(ours["score"] - score) <= 0.5e-4 + 1e-9
            if mean is not None:
                assert abs(ours["mean"] - mean) <= 0.5e-4 + 1e-9, (name, m)
                assert abs(ours["ci"] - ci) <= 0.5e-4 + 1e-9, (name, m)
            if row["p"][j] is not None:
                assert abs(ours[key] - row["p"][j]) <= 1e-4, (name, m, ours[key], row["p"][j])
            else:
                assert ours[key] is None  # the baseline


def test_paired_bootstrap_equals_sacrebleu_cli_first40(flores40):
    rep = report_json(flores40["project"], "--ar", "0")
    text = sacrebleu(flores40["ref"], "-i", *flores40["files"], "--paired-bs", "-m", "bleu",
                     "chrf", "-w", "4", "-f", "text")
    rows = parse_paired(text, 2)
    _compare_paired(rep, rows, flores40["systems"], ["bleu", "chrf"], "p_bs")
    # a mix of significant and non-significant differences is actually exercised
    ps = [rep["systems"][s]["bleu"]["p_bs"] for s in flores40["systems"][1:]]
    assert min(ps) < 0.05 < max(ps)


def test_paired_ar_equals_sacrebleu_cli_first40(flores40):
    rep = report_json(flores40["project"], "--bootstrap", "0", "--ar", "2000",
                      "--metrics", "bleu,chrf,ter")
    text = sacrebleu(flores40["ref"], "-i", *flores40["files"], "--paired-ar",
                     "--paired-ar-n", "2000", "-m", "bleu", "chrf", "ter", "-w", "4",
                     "-f", "text")
    _compare_paired(rep, parse_paired(text, 3), flores40["systems"], ["bleu", "chrf", "ter"],
                    "p_ar")


def test_paired_bootstrap_equals_sacrebleu_cli_madar_six_systems(madar6):
    rep = report_json(madar6["project"], "--ar", "0", "--metrics", "bleu,chrf")
    text = sacrebleu(madar6["ref"], "-i", *madar6["files"], "--paired-bs", "-m", "bleu",
                     "chrf", "-w", "4", "-f", "text")
    _compare_paired(rep, parse_paired(text, 2), madar6["systems"], ["bleu", "chrf"], "p_bs")
    for m in ("bleu", "chrf"):
        groups = rep["clusters"][m]
        assert sorted(s for g in groups for s in g) == sorted(madar6["systems"])
        flat = [s for g in groups for s in g]
        scores = [rep["systems"][s][m]["score"] for s in flat]
        assert scores == sorted(scores, reverse=True)
        # every system of a higher cluster is significantly better than every lower one
        for i, g in enumerate(groups):
            for lower in groups[i + 1:]:
                for a in g:
                    for b in lower:
                        assert rep["pairwise_p"][m][a][b] < 0.05


def test_significance_equals_sacrebleu_api_flores_full(flores_full):
    """Full FLORES (1,012 segments), close systems: full-precision agreement with the API."""
    from sacrebleu import significance as sig
    from sacrebleu.metrics import BLEU, CHRF

    rep = report_json(flores_full["project"], "--ar", "3000")
    ref = flores_full["ref"].read_text(encoding="utf-8").splitlines()
    hyps = [f.read_text(encoding="utf-8").splitlines() for f in flores_full["files"]]
    for m, metric in (("bleu", BLEU()), ("chrf", CHRF())):
        bl_stats = metric._extract_corpus_statistics(hyps[0], [ref])
        bl_score = metric._aggregate_and_compute(bl_stats)
        info = {bl_score.name: (bl_stats, sig.Result(bl_score.score))}
        _, bl_boot = sig._bootstrap_resample(bl_stats, metric, 1000)
        mean, ci = sig.estimate_ci(np.array([x.score for x in bl_boot]))
        base = rep["systems"]["bloom"][m]
        assert abs(base["mean"] - mean) < 1e-9 and abs(base["ci"] - ci) < 1e-9
        _, bs = sig._paired_bs_test(info, "x", hyps[1], [ref], {bl_score.name: metric},
                                    1000, -1, 12345)
        _, ar = sig._paired_ar_test(info, "x", hyps[1], [ref], {bl_score.name: metric},
                                    3000, -1, 12345)
        ours = rep["systems"]["bloom-drop"][m]
        assert ours["score"] == bs[bl_score.name].score
        assert abs(ours["mean"] - bs[bl_score.name].mean) < 1e-9
        assert abs(ours["ci"] - bs[bl_score.name].ci) < 1e-9
        assert ours["p_bs"] == pytest.approx(bs[bl_score.name].p_value, abs=1e-12)
        assert ours["p_ar"] == pytest.approx(ar[bl_score.name].p_value, abs=1e-12)


def test_variable_references_and_documents_equal_sacrebleu_api(flores40, tmp_path, cli):
    """JSONL source: a second reference on even lines only (nrefs:var), two documents."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    src = flores40["src"].read_text(encoding="utf-8").splitlines()
    ref = flores40["ref"].read_text(encoding="utf-8").splitlines()
    ref2 = flores40["files"][2].read_text(encoding="utf-8").splitlines()
    rows = [{"source": s, "reference": [r, r2] if i % 2 == 0 else [r],
             "doc_id": "first" if i < 20 else "second"}
            for i, (s, r, r2) in enumerate(zip(src, ref, ref2))]
    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows),
                     encoding="utf-8")
    proj = tmp_path / "var"
    assert cli("init", proj, "--source", jsonl).returncode == 0
    hyp_files = {"bloom": flores40["files"][0], "mul": flores40["files"][3]}
    for name, f in hyp_files.items():
        assert cli("add-system", proj, name, f).returncode == 0
    rep = report_json(proj, "--metrics", "bleu,chrf,ter", "--bootstrap", "0", "--ar", "0")
    streams = [ref, [r2 if i % 2 == 0 else None for i, r2 in enumerate(ref2)]]
    for name, f in hyp_files.items():
        hyp = f.read_text(encoding="utf-8").splitlines()
        for m, metric in (("bleu", BLEU), ("chrf", CHRF), ("ter", TER)):
            expect = metric().corpus_score(hyp, streams)
            assert rep["systems"][name][m]["score"] == pytest.approx(expect.score, abs=1e-9)
            sig = metric()
            sig.corpus_score(hyp, streams)
            assert rep["signatures"][m] == sig.get_signature().format()
            assert "nrefs:var" in rep["signatures"][m]
            for doc, part in (("first", slice(0, 20)), ("second", slice(20, 40))):
                want = metric().corpus_score(hyp[part], [s[part] for s in streams]).score
                assert rep["documents"][doc][name][m] == pytest.approx(want, abs=1e-9)


SETTINGS = {"bleu": ("lowercase", "smooth_method", "smooth_value", "max_ngram_order"),
            "chrf": ("beta", "char_order", "word_order", "lowercase", "whitespace",
                     "eps_smoothing"),
            "ter": ("case_sensitive", "normalized", "no_punct", "asian_support")}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_declared_settings_and_signatures_are_sacrebleus(name):
    """The signatures and vectorised scores read the metrics' declared settings instead of
    importing sacrebleu: they are those of the sacrebleu objects the metrics make, and the
    signatures are the objects' own, for every reference count."""
    import sacrebleu

    from mtreview.metrics.registry import METRICS, sacrebleu_version

    assert sacrebleu_version() == sacrebleu.__version__
    metric = METRICS[name]
    for sentence in (False, True):
        made = metric.make(sentence)
        for attr in SETTINGS[name]:
            assert getattr(metric, attr) == getattr(made, attr), attr
        if hasattr(made, "tokenizer_signature"):
            assert metric.tokenizer == made.tokenizer_signature
        assert getattr(made, "effective_order", sentence) == sentence
        for num_refs in (1, 2, 3, -1):
            assert metric.signature(num_refs, sentence) == \
                metric.signature_reference(num_refs, sentence)
