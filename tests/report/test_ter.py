"""TER statistics equal sacrebleu's, segment by segment, at full precision."""

from __future__ import annotations

import random

import numpy as np
from sacrebleu.metrics import TER
from sacrebleu.metrics.lib_ter import translation_edit_rate

from mtreview.metrics import ter
from mtreview.metrics.registry import METRICS
from tests.report.conftest import MADAR_SYSTEMS, OPUS


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def check(systems: list[list[str]], refs: list[list[str | None]]) -> None:
    got = METRICS["ter"].batch_stats(systems, refs)
    for hyp, ours in zip(systems, got):
        expect = np.array(TER()._extract_corpus_statistics(hyp, refs), dtype=np.float64)
        assert ours.shape == expect.shape
        assert np.array_equal(ours, expect)  # exact, not approximately


def test_flores_bloom(flores):
    ref = lines(flores / "eng_Latn.devtest")
    check([lines(flores / "systems" / "bloom-176b-1shot.en")], [ref])


def test_opus_mt_first40_and_two_references(flores):
    ref = lines(flores / "eng_Latn.devtest")[:40]
    systems = [lines(flores / "systems" / f) for f in OPUS.values()]
    check(systems, [ref])
    second = [x if i % 3 else None for i, x in enumerate(systems[1])]  # nrefs:var
    check([systems[0], systems[2]], [ref, second])


def test_madar_six_systems(madar):
    ref = lines(madar / "reference.en")
    check([lines(madar / "systems" / f"{s}.en") for s in MADAR_SYSTEMS], [ref])


def test_compute_equals_batch_and_identical_hypotheses(flores):
    ref = lines(flores / "eng_Latn.devtest")[:60]
    bloom = lines(flores / "systems" / "bloom-176b-1shot.en")[:60]
    one = METRICS["ter"].compute(bloom, [ref])
    both = METRICS["ter"].batch_stats([bloom, bloom], [ref])
    assert np.array_equal(one, both[0]) and np.array_equal(one, both[1])


def _shuffled(rnd: random.Random, words: list[int]) -> list[int]:
    out = list(words)
    for _ in range(rnd.randrange(1, 6)):
        if len(out) > 2:
            a = rnd.randrange(len(out))
            b = rnd.randrange(a, min(len(out), a + 6))
            c = rnd.randrange(len(out))
            part = out[a:b]
            del out[a:b]
            out[c:c] = part
    return out


def test_adversarial_pairs():
    """Tiny vocabularies and long lines: many candidates (the 1,000 limit is reached),
    distances past the beam, empty sides, very unequal lengths."""
    rnd = random.Random(1)
    hyps, refs = [], []
    for _ in range(40):
        v = rnd.choice([2, 3, 6, 40])
        ref = [rnd.randrange(v) for _ in range(rnd.choice([1, 3, 8, 20, 45]))]
        if rnd.random() < 0.4:
            hyp = [rnd.randrange(v) for _ in range(rnd.choice([0, 2, 8, 20, 45, 70]))]
        else:
            hyp = _shuffled(rnd, ref)
        hyps.append(hyp)
        refs.append(ref)
    hyps += [[1, 2], [], [0, 1] * 25]
    refs += [[], [3], [1, 0, 0] * 15]
    limited = []
    original = ter._Pair.candidates

    def counting(self, path):
        out = original(self, path)
        limited.append(out is None)
        return out

    ter._Pair.candidates = counting
    try:
        ours = ter.ter_pairs(hyps, refs)
    finally:
        ter._Pair.candidates = original
    expect = [translation_edit_rate([str(x) for x in h], [str(x) for x in r])[0]
              for h, r in zip(hyps, refs)]
    assert ours == expect
    assert any(limited)  # the candidate limit was exercised
