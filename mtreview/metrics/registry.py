"""METRICS registry: one small class per sacrebleu metric.

Each class knows how to build the sacrebleu metric object (corpus and sentence level), the
exact corpus score from summed sufficient statistics (through sacrebleu's own code, so a
report matches ``sacrebleu`` to the last digit), and a vectorised score for many rows of
summed statistics at once (used by the bootstrap and randomisation tests).

The vectorised functions are dtype-faithful to sacrebleu: given float32 sums they perform
the same float32 operations that sacrebleu's per-resample Python loop performs on float32
numpy scalars (NumPy 2 promotion rules), so the same seed gives the same numbers.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np


class Metric:
    """Base class: subclasses set ``name``, ``higher_is_better`` and implement the hooks."""

    name = ""
    label = ""
    higher_is_better = True
    integer_stats = True  # statistics are integer counts (exact in float32/float64)

    def make(self, sentence: bool = False) -> Any:
        """A fresh sacrebleu metric object (CLI defaults; sentence-level variant if asked)."""
        raise NotImplementedError

    def signature(self, num_refs: int, sentence: bool = False) -> str:
        """The sacrebleu signature string, e.g. ``nrefs:1|case:mixed|...|version:2.6.0``."""
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

    def make(self, sentence: bool = False) -> Any:
        from sacrebleu.metrics import BLEU
        return BLEU(effective_order=sentence)

    def sentence_scores(self, stats: np.ndarray) -> np.ndarray:
        return self._scores(np.asarray(stats, dtype=np.float64), self.make(sentence=True))

    def scores(self, sums: np.ndarray) -> np.ndarray:
        return self._scores(sums, self.make())

    def _scores(self, sums: np.ndarray, m: Any) -> np.ndarray:
        if m.smooth_method not in ("exp", "none", "floor"):
            return np.array([m._compute_score_from_stats(r).score for r in sums])
        order = m.max_ngram_order
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
                if m.smooth_method == "exp":
                    smooth = np.where(alive & zero, smooth * dt.type(2), smooth)
                    p_zero = 100. / (smooth * t)
                elif m.smooth_method == "floor":
                    p_zero = 100. * (m.smooth_value or 0.1) / t
                else:
                    p_zero = np.zeros_like(t)
                p = np.where(zero, p_zero, 100. * c / t)
                p64 = p.astype(np.float64)
                logp = np.where(alive & (p64 != 0), np.log(np.where(p64 > 0, p64, 1.0)),
                                -9999999999.0)
                if m.effective_order:  # only the orders before the first empty one count
                    logp = np.where(alive, logp, 0.0)
                    eff += alive
                logsum = logsum + logp
            if m.effective_order:
                score = bp * np.exp(logsum / np.where(eff > 0, eff, order))
            else:
                score = bp * np.exp(logsum / order)
        any_correct = (correct != 0).any(axis=1)
        return np.where(any_correct, score, 0.0)


class Chrf(Metric):
    name = "chrf"
    label = "chrF"

    def make(self, sentence: bool = False) -> Any:
        from sacrebleu.metrics import CHRF
        return CHRF()

    def scores(self, sums: np.ndarray) -> np.ndarray:
        m = self.make()
        eps = 1e-16
        factor = m.beta ** 2
        k = len(sums)
        dt = sums.dtype
        score = np.zeros(k, dtype=dt)
        avg_prec = np.zeros(k, dtype=dt)
        avg_rec = np.zeros(k, dtype=dt)
        eff = np.zeros(k, dtype=np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in range(m.order):
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
            if m.eps_smoothing:
                return 100 * score / m.order
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
    integer_stats = False  # the average reference length can be fractional

    def make(self, sentence: bool = False) -> Any:
        from sacrebleu.metrics import TER
        return TER()

    def scores(self, sums: np.ndarray) -> np.ndarray:
        edits, ref = sums[:, 0], sums[:, 1]
        dt = sums.dtype
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(ref > 0, edits / np.where(ref > 0, ref, 1),
                         np.where(edits > 0, dt.type(1.0), dt.type(0.0)))
        return 100 * s


METRICS: dict[str, Metric] = {m.name: m for m in (Bleu(), Chrf(), Ter())}
DEFAULT_METRICS = ("bleu", "chrf")


def get_metric(name: str) -> Metric:
    from mtreview.errors import UserError
    try:
        return METRICS[name]
    except KeyError:
        raise UserError(f"unknown metric {name!r} (known: {', '.join(METRICS)})") from None
