"""Build a :class:`Report` from a project's store: metrics, significance, human scores.

Core entry point (also used by the review UI's summary screen)::

    from mtreview.report.build import build_report
    report = build_report(project, metrics=("bleu", "chrf"), baseline=None,
                          bootstrap=1000, ar=10000, seed=12345)
    report.to_dict()["systems"]["bloom"]["bleu"]["score"]

Segments scored: those with at least one reference that every reported system has
translated (systems without any translation are left out, with a note). Per-segment
statistics come from the store's cache when possible (``mtreview.metrics.stats``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mtreview.core.campaign import AttentionResult, attention_results
from mtreview.core.protocols import PROTOCOLS
from mtreview.errors import UserError
from mtreview.metrics.registry import DEFAULT_METRICS, METRICS, get_metric
from mtreview.metrics.significance import (
    DEFAULT_SEED,
    RESULTS_VERSION,
    MetricTests,
    run_all,
    tests_from_bytes,
    tests_to_bytes,
)
from mtreview.metrics.stats import RefSet, cache_value, cached_value, collect_stats
from mtreview.report.spans import collect_spans

if TYPE_CHECKING:  # human scores and agreement: imported when a project has reviews
    from mtreview.metrics import human

DEFAULT_BOOTSTRAP = 1000
DEFAULT_AR = 10000
ALPHA = 0.05


@dataclass(frozen=True)
class HumanSection:
    scores: human.HumanScores
    alpha: float
    alpha_units: int
    span_f1: dict[tuple[str, str], tuple[float, int]]
    correlations: tuple[human.Correlation, ...]


@dataclass(frozen=True)
class Report:
    project: str
    metrics: tuple[str, ...]
    systems: tuple[str, ...]
    baseline: str | None
    seg_ids: tuple[int, ...]
    doc_of: dict[int, str]
    num_refs: int  # sacrebleu's nrefs (-1: varies per segment)
    reference_sets: int
    bootstrap: int
    ar: int
    seed: int | None
    signatures: dict[str, str]  # metric → corpus signature
    sentence_signatures: dict[str, str]
    tests: dict[str, MetricTests]  # metric → scores, CIs, p-values, clusters
    documents: dict[str, dict[str, dict[str, float]]]  # doc → system → metric → score
    segment_scores: dict[str, dict[str, list[float]]]  # system → metric → per seg_ids
    human: dict[str, HumanSection]  # protocol → section
    notes: tuple[str, ...] = ()
    computed_stats: int = 0  # per-segment statistics computed (not from the cache)
    attention: tuple[AttentionResult, ...] = ()  # campaign attention checks per reviewer
    # system → metric → per seg_ids: xCOMET's error spans (mtreview.report.spans)
    error_spans: dict[str, dict[str, list[list[dict]]]] = field(default_factory=dict)

    # -- derived ----------------------------------------------------------------------
    def score(self, system: str, metric: str) -> float:
        return self.tests[metric].systems[system].score

    def cluster_of(self, system: str, metric: str) -> int | None:
        for i, group in enumerate(self.tests[metric].clusters, 1):
            if system in group:
                return i
        return None

    def p_value(self, system: str, metric: str) -> float | None:
        t = self.tests[metric].systems[system]
        return t.p_bs if t.p_bs is not None else t.p_ar

    def verdict(self, system: str) -> str:
        """One line: how ``system`` compares with the baseline."""
        if system == self.baseline:
            return "baseline"
        better: list[str] = []
        worse: list[str] = []
        same: list[str] = []
        untested: list[str] = []
        for m in self.metrics:
            assert self.baseline is not None  # metrics are compared with a baseline system
            t = self.tests[m].systems[system]
            p = self.p_value(system, m)
            delta = t.score - self.score(self.baseline, m)
            up = delta > 0 if METRICS[m].higher_is_better else delta < 0
            label = f"{METRICS[m].label} {delta:+.{METRICS[m].decimals}f}"
            if p is None:
                untested.append(label)
            elif p < ALPHA:
                (better if up else worse).append(f"{label} (p={p:.3f})")
            else:
                same.append(label)
        parts = []
        if untested:
            parts.append(f"vs. {self.baseline} (no significance test): " + ", ".join(untested))
        if better:
            parts.append(f"better than {self.baseline}: " + ", ".join(better))
        if worse:
            parts.append(f"worse than {self.baseline}: " + ", ".join(worse))
        if same:
            parts.append("no significant difference: " + ", ".join(same))
        return "; ".join(parts) if parts else "no automatic metrics"

    def to_dict(self, segment_scores: bool = True) -> dict[str, Any]:
        """Stable JSON structure (documented in the README); ``segment_scores=False``: that
        key's list left empty (:meth:`segment_rows` gives it)."""
        systems: dict[str, Any] = {}
        for s in self.systems:
            entry: dict[str, Any] = {}
            for m in self.metrics:
                t = self.tests[m].systems[s]
                entry[m] = {"score": t.score, "mean": t.mean, "ci": t.ci, "p_bs": t.p_bs,
                            "p_ar": t.p_ar, "cluster": self.cluster_of(s, m)}
            entry["human"] = {p: {k: e.to_dict() for k, e in sec.scores.systems[s].items()}
                              for p, sec in self.human.items() if s in sec.scores.systems}
            entry["verdict"] = self.verdict(s)
            systems[s] = entry
        return {
            "project": self.project,
            "segments": len(self.seg_ids),
            "references": self.reference_sets,
            "metrics": list(self.metrics),
            "baseline": self.baseline,
            "bootstrap": self.bootstrap,
            "ar": self.ar,
            "seed": self.seed,
            "signatures": dict(self.signatures),
            "sentence_signatures": dict(self.sentence_signatures),
            "systems": systems,
            "clusters": {m: self.tests[m].clusters for m in self.metrics},
            "pairwise_p": {m: self.tests[m].pairwise_p for m in self.metrics},
            "documents": self.documents,
            "segment_scores": self.segment_rows() if segment_scores else [],
            "human": {p: _human_dict(sec) for p, sec in self.human.items()},
            "notes": list(self.notes),
            "attention": [{"reviewer": a.reviewer, "checks": a.checks, "passed": a.passed,
                           "rate": a.rate, "flagged": a.flagged} for a in self.attention],
        }

    def segment_rows(self) -> list[dict[str, Any]]:
        """``segment_scores`` of :meth:`to_dict`: id, document and scores of each segment
        (and ``error_spans``, system → metric → spans, when a metric predicts them)."""
        rows = [{"id": sid, "doc": self.doc_of.get(sid, ""),
                 "scores": {s: {m: self.segment_scores[s][m][i] for m in self.metrics}
                            for s in self.systems}}
                for i, sid in enumerate(self.seg_ids)]
        for i, row in enumerate(rows if self.error_spans else ()):
            row["error_spans"] = {s: {m: spans[i] for m, spans in self.error_spans[s].items()}
                                  for s in self.systems if s in self.error_spans}
        return rows


def _clean(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _human_dict(sec: HumanSection) -> dict[str, Any]:
    corr: dict[str, dict[str, Any]] = {}
    for c in sec.correlations:
        corr.setdefault(c.metric, {})[c.level] = c.to_dict()
    return {
        "reviewers": list(sec.scores.reviewers),
        "reviews": sec.scores.n_reviews,
        "alpha": _clean(sec.alpha),
        "alpha_units": sec.alpha_units,
        "span_f1": {f"{a}|{b}": {"f1": _clean(f), "n": n}
                    for (a, b), (f, n) in sec.span_f1.items()},
        "correlations": corr,
    }


def _parse_metrics(metrics: Sequence[str] | str | None) -> tuple[str, ...]:
    if metrics is None:
        return DEFAULT_METRICS
    if isinstance(metrics, str):
        metrics = [m for m in metrics.split(",")]
    names = tuple(m.strip().lower() for m in metrics)
    if names in (("none",), ()):
        return ()
    if any(not m for m in names):
        raise UserError("empty metric name in --metrics")
    for m in names:
        get_metric(m)
    if len(set(names)) != len(names):
        raise UserError("a metric is listed twice in --metrics")
    return names


def _bind_models(names: tuple[str, ...], models: dict[str, str], precision: str) -> dict:
    """Each metric to report, bound to its ``--metric-model`` and the precision of model
    metrics (UserError for a stray model or an unknown precision)."""
    from mtreview.metrics.neural import resolve_precision

    for m in models:
        if m not in names:
            raise UserError(f"--metric-model {m}: {m} is not among --metrics")
    resolve_precision(precision)  # refused even when no model metric is asked for
    return {m: METRICS[m].with_model(models.get(m), precision) for m in names}


def _check_count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(f"--{name} must be a whole number ≥ 0, not {value!r}")
    return value


def build_report(project, metrics: Sequence[str] | str | None = DEFAULT_METRICS,
                 baseline: str | None = None, bootstrap: int = DEFAULT_BOOTSTRAP,
                 ar: int = DEFAULT_AR, seed: int | None = DEFAULT_SEED,
                 systems: Sequence[str] | None = None,
                 metric_models: dict[str, str] | None = None,
                 metric_precision: str = "auto") -> Report:
    """Everything the report shows, from ``project`` (a :class:`Project`).

    ``metrics``: names from ``METRICS`` (or a comma-separated string; ``()``/"none": human
    scores only). ``baseline``: defaults to the first system. ``bootstrap``/``ar``: number of
    paired bootstrap resamples / randomisation trials (0 disables). ``seed``: as sacrebleu's
    ``SACREBLEU_SEED``. ``systems``: report only these (default: all, in project order).
    ``metric_models``: metric → model (path, card or hub id) for the model metrics;
    ``metric_precision``: theirs (``auto``, ``fp32``, ``bf16``: ``mtreview.metrics.neural``).
    Raises ``UserError`` on bad input.
    """
    names = _parse_metrics(metrics)
    bound = _bind_models(names, metric_models or {}, metric_precision)
    bootstrap = _check_count("bootstrap", bootstrap)
    ar = _check_count("ar", ar)
    store = project.store
    notes: list[str] = []
    sys_names, base = _choose_systems(project, systems, baseline, notes)
    references = store.references()
    if names and not references:
        raise UserError(f"{project.path} has no references, which {', '.join(names)} need "
                        "(use --metrics none for human scores only)")
    segments = store.segment_docs()
    doc_of = dict(segments)
    hyps = {s: store.translations(s) for s in sys_names}
    common = set(references).intersection(*(hyps[name].keys() for name in sys_names))
    seg_ids = [i for i, _ in segments if i in common]
    left = sum(1 for i, _ in segments if i in references) - len(seg_ids)
    if left:
        notes.append(f"{left} segment(s) with a reference are left out: "
                     "not every system has translated them")
    if names and not seg_ids:
        raise UserError("no segment has a reference and a translation from every system")
    refset = RefSet.build(references, seg_ids) if seg_ids else None

    stats_by: dict[str, dict[str, np.ndarray]] = {}
    seg_scores: dict[str, dict[str, list[float]]] = {s: {} for s in sys_names}
    signatures, sent_sigs = {}, {}
    computed = 0
    scored = {s: [hyps[s][i] for i in seg_ids] for s in sys_names}
    hashes: dict[str, np.ndarray] = {}  # filled once, shared by the metrics
    digests: dict[str, str] = {}
    sources = None
    if any(bound[m].needs_source for m in names):
        source_of = {s.id: s.source for s in store.segments()}
        sources = [source_of[i] for i in seg_ids]
    for m in names:
        assert refset is not None  # metrics imply segments with references (checked above)
        metric = bound[m]
        stats_by[m], n_new = collect_stats(store, metric, refset, scored, hashes, digests,
                                           sources if metric.needs_source else None)
        computed += n_new
        signatures[m] = metric.signature(refset.num_refs)
        sent_sigs[m] = metric.signature(refset.num_refs, sentence=True)
        for s in sys_names:
            seg_scores[s][m] = metric.sentence_scores(stats_by[m][s]).tolist()

    def corpus() -> dict[str, dict[str, float]]:  # through sacrebleu: not when cached
        return {m: {s: bound[m].corpus_score(_exact_sum(bound[m], stats_by[m][s]))
                    for s in sys_names} for m in names}
    tests = _significance(store, refset, names, stats_by, corpus, base, bootstrap, ar, seed,
                          digests, signatures)

    documents: dict[str, dict[str, dict[str, float]]] = {}
    if names:
        positions: dict[str, list[int]] = {}
        for i, sid in enumerate(seg_ids):
            positions.setdefault(doc_of[sid], []).append(i)
        for doc, pos in positions.items():
            if len(pos) == len(seg_ids):  # one document: the same rows as the corpus
                documents[doc] = {s: {m: tests[m].systems[s].score for m in names}
                                  for s in sys_names}
                continue
            documents[doc] = {s: {m: METRICS[m].corpus_score(
                _exact_sum(METRICS[m], stats_by[m][s][pos])) for m in names}
                for s in sys_names}

    human_sections = _human_sections(store, names, tests, sys_names, seg_ids, seg_scores)
    spans = collect_spans(store, bound, names, refset, scored, digests, sources) \
        if names and refset is not None else {}
    return Report(
        project=str(project.path), metrics=names, systems=tuple(sys_names), baseline=base,
        seg_ids=tuple(seg_ids), doc_of=doc_of,
        num_refs=refset.num_refs if refset else 0, reference_sets=store.reference_count(),
        bootstrap=bootstrap, ar=ar, seed=seed, signatures=signatures,
        sentence_signatures=sent_sigs, tests=tests, documents=documents,
        segment_scores=seg_scores, human=human_sections, notes=tuple(notes),
        computed_stats=computed, attention=_attention(store), error_spans=spans)


def _attention(store) -> tuple[AttentionResult, ...]:
    """Pass rates of the campaign's attention checks (scored protocols only)."""
    if not store.campaign():
        return ()
    return tuple(attention_results((r.reviewer, r.seg_id, r.system, r.score)
                                   for r in store.reviews() if r.score is not None))


def _significance(store, refset, names, stats_by, corpus, base, bootstrap, ar, seed,
                  digests, signatures) -> dict[str, MetricTests]:
    """:func:`run_all`, its results cached beside the statistics: the same systems,
    hypotheses, references, metrics, counts and seed give the same numbers (no seed: no
    cache). ``corpus()``: the exact corpus scores, computed only when the results are."""
    if not names:
        return {}
    def compute() -> dict[str, MetricTests]:
        return run_all({m: METRICS[m] for m in names}, stats_by, corpus(), base, bootstrap,
                       ar, seed, ALPHA)
    if seed is None or not (bootstrap or ar):
        return compute()
    key = "significance|" + "|".join(f"{m}:{signatures[m]}" for m in names)
    digest = hashlib.sha1(json.dumps(
        [RESULTS_VERSION, base, bootstrap, ar, seed, ALPHA,
         [[s, digests[s]] for s in stats_by[names[0]]]]).encode("utf-8")).hexdigest()[:16]
    value = cached_value(store, key, refset.hash, digest)
    tests = tests_from_bytes(value) if value is not None else None
    if tests is None or set(tests) != set(names):
        tests = compute()
        cache_value(store, key, refset.hash, digest, tests_to_bytes(tests))
    return tests


def _choose_systems(project, systems: Sequence[str] | None, baseline: str | None,
                    notes: list[str]) -> tuple[list[str], str]:
    """The reported systems (those with translations) and the baseline; UserError if none."""
    store = project.store
    known = [s.name for s in store.systems()]
    chosen = known
    if systems is not None:
        for s in systems:
            if s not in known:
                raise UserError(f"unknown system {s!r} (known: {', '.join(known)})")
        chosen = list(systems)
    if not chosen:
        raise UserError(f"{project.path} has no systems: add one with `mtreview add-system`")
    if baseline is not None and baseline not in chosen:
        raise UserError(f"unknown baseline system {baseline!r} (known: {', '.join(chosen)})")
    n_translations = store.translation_counts()
    names = [s for s in chosen if n_translations.get(s, 0) > 0]
    notes += [f"system {s} has no translations and is left out"
              for s in chosen if s not in names]
    if not names:
        raise UserError("no system has any translation yet")
    if baseline is not None and baseline not in names:
        raise UserError(f"baseline system {baseline!r} has no translations")
    return names, baseline or names[0]


def _exact_sum(metric, stats: np.ndarray) -> list:
    """Column sums in segment order, as sacrebleu sums them (exact for integer counts)."""
    if metric.integer_stats:
        return [int(x) for x in np.rint(stats).astype(np.int64).sum(0)]
    return [sum(float(v) for v in col) for col in stats.T]


def _human_sections(store, names, tests, sys_names, seg_ids, seg_scores
                    ) -> dict[str, HumanSection]:
    reviews = [r for r in store.reviews() if r.system in sys_names]
    if not reviews:
        return {}
    from mtreview.metrics import agreement, human
    pos = {sid: i for i, sid in enumerate(seg_ids)}
    out: dict[str, HumanSection] = {}
    for protocol in PROTOCOLS:
        rs = [r for r in reviews if r.protocol == protocol]
        if not rs:
            continue
        hs = human.human_scores(rs, protocol)
        if not PROTOCOLS[protocol].has_score:  # MQM: the weighted spans
            alpha, units = agreement.score_alpha(rs, value=human.mqm_penalty)
            sys_value = {s: -e["mqm"].mean for s, e in hs.systems.items()}
        else:
            alpha, units = agreement.score_alpha(rs)
            sys_value = {s: e["raw"].mean for s, e in hs.systems.items()}
        f1 = agreement.pairwise_span_f1([r for r in rs
                                         if r.spans or PROTOCOLS[protocol].has_spans])
        corrs = []
        for m in names:
            keys = [k for k in hs.segment if k[0] in pos]
            x = [seg_scores[k[1]][m][pos[k[0]]] for k in keys]
            y = [hs.segment[k] for k in keys]
            if len(keys) >= 2:
                corrs.append(human.correlate(m, "segment", x, y))
            systems = [s for s in sys_names if s in sys_value]
            if len(systems) >= 2:
                corrs.append(human.correlate(
                    m, "system", [tests[m].systems[s].score for s in systems],
                    [sys_value[s] for s in systems]))
        out[protocol] = HumanSection(hs, alpha, units, f1, tuple(corrs))
    return out
