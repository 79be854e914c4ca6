"""METRICS registry: one small class per metric; each declares what it needs.

Declarations (class attributes, read by ``metrics.stats``, ``metrics.significance`` and the
report; no module outside this one tests a metric's name):

* ``kind``: ``SUFFICIENT`` — per-segment sufficient statistics (sacrebleu's: n-gram
  counts, edit counts) whose column sums give the corpus score; or ``SEGMENT`` — one score
  per segment and a corpus score that is their mean (neural metrics: COMET, CometKiwi,
  MetricX). Both are stored and resampled the same way: a ``SEGMENT`` metric's statistics
  are two columns ``[score, 1]``, so the mean is a ratio of column sums and the bootstrap
  and approximate randomisation work on it unchanged (in float64).
* ``needs_references`` / ``needs_source``: what :meth:`Metric.compute` is given.
* ``significance``: paired bootstrap and approximate randomisation apply.
* ``higher_is_better``; ``score_range`` (the report's histogram axis); ``decimals`` shown.
* ``integer_stats``: statistics are integer counts (exact in float32 below 2**24);
  ``sums_dtype``: the dtype of resampled sums (float32 reproduces sacrebleu bit for bit).

Hooks: :meth:`Metric.compute` (statistics of hypotheses against reference streams),
:meth:`Metric.batch_stats` (several systems at once, or None), :meth:`Metric.corpus_score`
(exact, from summed statistics), :meth:`Metric.scores` (vectorised, many rows of sums).

Adding a segment-score metric: subclass :class:`SegmentMetric`, set ``name``, ``label``,
``needs_references``/``needs_source``, implement :meth:`SegmentMetric.segment_scores` and
:meth:`Metric.signature` (model name and version: the cache key), add an instance to
``METRICS``. Statistics are cached per system and text hash by ``metrics.stats`` like any
other metric.

The sacrebleu metrics declare the settings of the objects :meth:`Metric.make` builds (the
CLI's defaults) as class attributes: signatures (:func:`sacrebleu_signature`, the version
from sacrebleu's distribution metadata) and the vectorised scores read them, so a report
whose statistics and significance results are cached does not import sacrebleu at all
(``tests/report/test_sacrebleu_parity.py`` checks the settings and signatures against the
objects). Exact corpus scores still go through sacrebleu's own code.

The vectorised sacrebleu scores are dtype-faithful: given float32 sums they perform the
same float32 operations that sacrebleu's per-resample Python loop performs on float32 numpy
scalars (NumPy 2 promotion rules), so the same seed gives the same numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

SUFFICIENT = "sufficient"  # summed sufficient statistics (sacrebleu)
SEGMENT = "segment"  # per-segment scores; corpus score = their mean


class Metric:
    """Base class: subclasses set ``name``, ``higher_is_better`` and implement the hooks."""

    name = ""
    label = ""
    kind = SUFFICIENT
    higher_is_better = True
    needs_references = True
    needs_source = False
    significance = True
    score_range = (0.0, 100.0)
    decimals = 1  # digits the report shows (0–1 neural scores need more)
    integer_stats = True  # statistics are integer counts (exact in float32/float64)
    sums_dtype: Any = np.float32

    def compute(self, hyps: list[str], refs: list[list[str | None]],
                sources: list[str] | None = None) -> np.ndarray:
        """Statistics (one row per hypothesis) against reference streams ``refs``."""
        rows = self.make()._extract_corpus_statistics(hyps, refs)
        return np.array(rows, dtype=np.float64).reshape(len(hyps), -1)

    def batch_stats(self, hyps: Sequence[Sequence[str]], refs: list[list[str | None]]
                    ) -> list[np.ndarray] | None:
        """Statistics of several systems at once (a faster exact path), or None."""
        return None

    def make(self, sentence: bool = False) -> Any:
        """A fresh sacrebleu metric object (CLI defaults; sentence-level variant if asked)."""
        raise NotImplementedError

    def with_model(self, model: str | None, precision: str = "auto") -> Metric:
        """This metric scored with ``model`` (``--metric-model``) in ``precision``
        (``--metric-precision``); only model metrics take them."""
        if model is None:
            return self
        from mtreview.errors import UserError
        raise UserError(f"--metric-model: {self.name} does not use a model")

    def signature(self, num_refs: int, sentence: bool = False) -> str:
        """The sacrebleu signature string, e.g. ``nrefs:1|case:mixed|...|version:2.6.0``,
        from :meth:`signature_fields` (sacrebleu is not imported: a warm report needs none
        of it); :meth:`signature_reference` is sacrebleu's own."""
        return sacrebleu_signature(num_refs, self.signature_fields(sentence))

    def signature_fields(self, sentence: bool = False) -> list[tuple[str, Any]]:
        """The metric's own fields of its sacrebleu signature, in sacrebleu's order."""
        raise NotImplementedError

    def signature_reference(self, num_refs: int, sentence: bool = False) -> str:
        """The signature of :meth:`make`'s sacrebleu object (for tests)."""
        m = self.make(sentence)
        m.num_refs = num_refs
        return m.get_signature().format()

    def corpus_score(self, total: Sequence[float]) -> float:
        """Exact corpus score from summed statistics, through sacrebleu's own code."""
        stats = [int(round(x)) for x in total] if self.integer_stats else list(total)
        return float(self.make()._compute_score_from_stats(stats).score)

    def sentence_scores(self, stats: np.ndarray) -> np.ndarray:
        """Per-segment scores (sacrebleu's sentence-level settings), one per row."""
        return self.scores(np.asarray(stats, dtype=np.float64))

    def sentence_scores_reference(self, stats: np.ndarray) -> np.ndarray:
        """The same through sacrebleu's own per-row code (slow; for tests)."""
        m = self.make(sentence=True)
        rows = stats.astype(np.int64) if self.integer_stats else stats
        return np.array([float(m._compute_score_from_stats(list(r)).score) for r in rows])

    def scores(self, sums: np.ndarray) -> np.ndarray:
        """Vectorised corpus scores for each row of summed statistics."""
        m = self.make()
        return np.array([m._compute_score_from_stats(r).score for r in sums])


class Bleu(Metric):
    name = "bleu"
    label = "BLEU"
    # the settings of make()'s BLEU objects (the CLI's defaults; sentence level: effective
    # order), read by the signature and the vectorised scores without importing sacrebleu;
    # tests/report/test_sacrebleu_parity.py checks them against the objects
    lowercase = False
    tokenizer = "13a"
    smooth_method = "exp"
    smooth_value: float | None = None
    max_ngram_order = 4
    SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}  # sacrebleu's

    def make(self, sentence: bool = False) -> Any:
        from sacrebleu.metrics import BLEU
        return BLEU(effective_order=sentence)

    def signature_fields(self, sentence: bool = False) -> list[tuple[str, Any]]:
        smooth, default = self.smooth_method, self.SMOOTH_DEFAULTS[self.smooth_method]
        if default is not None:
            value = self.smooth_value if self.smooth_value is not None else default
            smooth += f"[{value:.2f}]"
        return [("case", "lc" if self.lowercase else "mixed"), ("eff", sentence),
                ("tok", self.tokenizer), ("smooth", smooth)]

    def batch_stats(self, hyps: Sequence[Sequence[str]], refs: list[list[str | None]]
                    ) -> list[np.ndarray] | None:
        from mtreview.metrics import fast  # computing statistics only: not a warm report
        return fast.bleu_stats(self.make(), hyps, refs[0]) if fast.covers(refs) else None

    def sentence_scores(self, stats: np.ndarray) -> np.ndarray:
        return self._scores(np.asarray(stats, dtype=np.float64), effective_order=True)

    def scores(self, sums: np.ndarray) -> np.ndarray:
        return self._scores(sums, effective_order=False)

    def _scores(self, sums: np.ndarray, effective_order: bool) -> np.ndarray:
        if self.smooth_method not in ("exp", "none", "floor"):
            m = self.make(sentence=effective_order)
            return np.array([m._compute_score_from_stats(r).score for r in sums])
        order = self.max_ngram_order
        dt = sums.dtype
        sys_len = sums[:, 0].astype(np.int64).astype(np.float64)
        ref_len = sums[:, 1].astype(np.int64).astype(np.float64)
        correct = sums[:, 2:2 + order]
        total = sums[:, 2 + order:2 + 2 * order]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            bp = np.where(sys_len < ref_len,
                          np.where(sys_len > 0, np.exp(1 - ref_len / np.where(sys_len > 0, sys_len, 1)),
                                   0.0), 1.0)
            alive = np.ones(len(sums), dtype=bool)
            smooth = np.ones(len(sums), dtype=dt)
            logsum = np.zeros(len(sums))
            eff = np.zeros(len(sums), dtype=np.int64)
            for n in range(order):
                c, t = correct[:, n], total[:, n]
                alive &= t > 0
                zero = c == 0
                if self.smooth_method == "exp":
                    smooth = np.where(alive & zero, smooth * dt.type(2), smooth)
                    p_zero = 100. / (smooth * t)
                elif self.smooth_method == "floor":
                    p_zero = 100. * (self.smooth_value or 0.1) / t
                else:
                    p_zero = np.zeros_like(t)
                p = np.where(zero, p_zero, 100. * c / t)
                p64 = p.astype(np.float64)
                logp = np.where(alive & (p64 != 0), np.log(np.where(p64 > 0, p64, 1.0)),
                                -9999999999.0)
                if effective_order:  # only the orders before the first empty one count
                    logp = np.where(alive, logp, 0.0)
                    eff += alive
                logsum = logsum + logp
            if effective_order:
                score = bp * np.exp(logsum / np.where(eff > 0, eff, order))
            else:
                score = bp * np.exp(logsum / order)
        any_correct = (correct != 0).any(axis=1)
        return np.where(any_correct, score, 0.0)


class Chrf(Metric):
    name = "chrf"
    label = "chrF"

    # the settings of make()'s CHRF object (the CLI's defaults), as for BLEU
    beta = 2
    char_order = 6
    word_order = 0
    lowercase = False
    whitespace = False
    eps_smoothing = False

    def make(self, sentence: bool = False) -> Any:
        from sacrebleu.metrics import CHRF
        return CHRF()

    def signature_fields(self, sentence: bool = False) -> list[tuple[str, Any]]:
        return [("case", "lc" if self.lowercase else "mixed"), ("eff", not self.eps_smoothing),
                ("nc", self.char_order), ("nw", self.word_order), ("space", self.whitespace)]

    def batch_stats(self, hyps: Sequence[Sequence[str]], refs: list[list[str | None]]
                    ) -> list[np.ndarray] | None:
        from mtreview.metrics import fast  # computing statistics only: not a warm report
        return fast.chrf_stats(self.make(), hyps, refs[0]) if fast.covers(refs) else None

    def scores(self, sums: np.ndarray) -> np.ndarray:
        eps = 1e-16
        factor = self.beta ** 2
        order = self.char_order + self.word_order
        k = len(sums)
        dt = sums.dtype
        score = np.zeros(k, dtype=dt)
        avg_prec = np.zeros(k, dtype=dt)
        avg_rec = np.zeros(k, dtype=dt)
        eff = np.zeros(k, dtype=np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in range(order):
                h, r, mt = sums[:, 3 * i], sums[:, 3 * i + 1], sums[:, 3 * i + 2]
                prec = np.where(h > 0, mt / h, dt.type(eps))
                rec = np.where(r > 0, mt / r, dt.type(eps))
                denom = factor * prec + rec
                score = score + np.where(denom > 0, (1 + factor) * prec * rec / denom,
                                         dt.type(eps))
                ok = (h > 0) & (r > 0)
                avg_prec = avg_prec + np.where(ok, prec, dt.type(0))
                avg_rec = avg_rec + np.where(ok, rec, dt.type(0))
                eff += ok
            if self.eps_smoothing:
                return 100 * score / order
            safe = np.where(eff > 0, eff, 1)
            avg_prec = np.where(eff > 0, avg_prec / safe.astype(dt), dt.type(0))
            avg_rec = np.where(eff > 0, avg_rec / safe.astype(dt), dt.type(0))
            f = (1 + factor) * avg_prec * avg_rec
            f = f / ((factor * avg_prec) + avg_rec)
            return np.where(avg_prec + avg_rec != 0, 100 * f, dt.type(0))


class Ter(Metric):
    name = "ter"
    label = "TER"
    higher_is_better = False
    score_range = (0.0, 150.0)
    integer_stats = False  # the average reference length can be fractional

    # the settings of make()'s TER object (the CLI's defaults), as for BLEU
    case_sensitive = False
    tokenizer = "tercom"
    normalized = False
    no_punct = False
    asian_support = False

    def make(self, sentence: bool = False) -> Any:
        from sacrebleu.metrics import TER
        return TER()

    def signature_fields(self, sentence: bool = False) -> list[tuple[str, Any]]:
        return [("case", "mixed" if self.case_sensitive else "lc"), ("tok", self.tokenizer),
                ("norm", self.normalized), ("punct", not self.no_punct),
                ("asian", self.asian_support)]

    def compute(self, hyps: list[str], refs: list[list[str | None]],
                sources: list[str] | None = None) -> np.ndarray:
        from mtreview.metrics.ter import ter_stats
        return ter_stats(self.make(), hyps, refs)

    def batch_stats(self, hyps: Sequence[Sequence[str]], refs: list[list[str | None]]
                    ) -> list[np.ndarray] | None:
        from mtreview.metrics.ter import ter_stats
        n = len(refs[0])
        flat = ter_stats(self.make(), [h for sys_h in hyps for h in sys_h], refs)
        return [flat[k * n:(k + 1) * n] for k in range(len(hyps))]

    def scores(self, sums: np.ndarray) -> np.ndarray:
        edits, ref = sums[:, 0], sums[:, 1]
        dt = sums.dtype
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(ref > 0, edits / np.where(ref > 0, ref, 1),
                         np.where(edits > 0, dt.type(1.0), dt.type(0.0)))
        return 100 * s


class SegmentMetric(Metric):
    """A metric scored segment by segment (no sufficient statistics): the corpus score is
    the mean of the segment scores. Statistics are ``[score, 1]`` per segment, so sums
    of resampled rows give resampled means (see the module docstring)."""

    kind = SEGMENT
    integer_stats = False
    sums_dtype = np.float64

    def segment_scores(self, hyps: list[str], refs: list[list[str | None]] | None,
                       sources: list[str] | None) -> np.ndarray:
        """One score per hypothesis (``refs``/``sources`` as the class declares)."""
        raise NotImplementedError

    def compute(self, hyps: list[str], refs: list[list[str | None]],
                sources: list[str] | None = None) -> np.ndarray:
        scores = np.asarray(self.segment_scores(hyps, refs, sources), dtype=np.float64)
        return np.column_stack([scores, np.ones(len(scores))])

    def corpus_score(self, total: Sequence[float]) -> float:
        return float(total[0] / total[1]) if total[1] else 0.0

    def sentence_scores(self, stats: np.ndarray) -> np.ndarray:
        return np.asarray(stats, dtype=np.float64)[:, 0].copy()

    def sentence_scores_reference(self, stats: np.ndarray) -> np.ndarray:
        return self.sentence_scores(stats)

    def scores(self, sums: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sums[:, 1] > 0, sums[:, 0] / np.where(sums[:, 1] > 0, sums[:, 1], 1),
                            0.0)


class NeuralMetric(SegmentMetric):
    """A segment score from a model checkpoint (``mtreview.metrics.neural``: torch is imported
    only when scores are computed). ``model``: a path, card or hub id (``--metric-model``);
    None: the metric's default card in ``models/metrics/``."""

    needs_source = True
    model: str | None = None
    precision = "fp32"  # resolved: fp32 or bf16

    def with_model(self, model: str | None, precision: str = "auto") -> NeuralMetric:
        from mtreview.metrics.neural import resolve_precision
        bound = type(self)()
        bound.model, bound.precision = model, resolve_precision(precision)
        return bound

    def signature(self, num_refs: int, sentence: bool = False) -> str:
        from mtreview.metrics.neural import signature
        return signature(self.name, self.model, self.precision)

    def segment_scores(self, hyps, refs, sources):
        from mtreview.metrics.neural import checkpoint, segment_scores
        ref = list(refs[0]) if self.needs_references and refs else None
        return segment_scores(checkpoint(self.name, self.model), list(hyps), list(sources),
                              ref, self.label, self.precision)


class Comet(NeuralMetric):
    name, label, score_range, decimals = "comet", "COMET", (0.0, 1.0), 4


class CometKiwi(NeuralMetric):
    name, label, score_range, decimals = "cometkiwi", "CometKiwi", (0.0, 1.0), 4
    needs_references = False


class MetricX(NeuralMetric):
    name, label, score_range, decimals = "metricx", "MetricX", (0.0, 25.0), 2
    higher_is_better = False


@functools.cache
def sacrebleu_version() -> str:
    """The installed sacrebleu's version, from its distribution metadata (importing sacrebleu
    costs a warm report ~20 ms; importlib.metadata is loaded by SQLAlchemy anyway). The
    ``dist-info`` beside the package is read directly (``version()`` scans every path entry,
    ~4 ms); anything unusual falls back to ``version()``."""
    from importlib.metadata import PathDistribution, version
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("sacrebleu")
    if spec is not None and spec.origin:
        found = list(Path(spec.origin).parent.parent.glob("sacrebleu-*.dist-info"))
        if len(found) == 1 and (v := PathDistribution(found[0]).version):
            return v
    return version("sacrebleu")


def sacrebleu_signature(num_refs: int, fields: Sequence[tuple[str, Any]]) -> str:
    """sacrebleu's ``Signature.format()`` for a metric object with these ``fields`` (no
    bootstrap, test set or language recorded): ``nrefs`` (``var`` for -1), the fields,
    ``version`` last; booleans as yes/no, None left out."""
    pairs = [("nrefs", "var" if num_refs == -1 else num_refs), *fields,
             ("version", sacrebleu_version())]
    return "|".join(f"{k}:{('yes' if v else 'no') if isinstance(v, bool) else v}"
                    for k, v in pairs if v is not None)


METRICS: dict[str, Metric] = {m.name: m for m in (Bleu(), Chrf(), Ter(), Comet(), CometKiwi(),
                                                  MetricX())}
DEFAULT_METRICS = ("bleu", "chrf")


def get_metric(name: str) -> Metric:
    from mtreview.errors import UserError
    try:
        return METRICS[name]
    except KeyError:
        raise UserError(f"unknown metric {name!r} (known: {', '.join(METRICS)})") from None
