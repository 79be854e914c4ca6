"""The vectorised statistics equal sacrebleu's own, segment by segment, on real data."""

from __future__ import annotations

import numpy as np
import pytest
from sacrebleu.metrics import BLEU, CHRF

from mtreview.metrics import fast
from tests.report.conftest import MADAR_SYSTEMS, drop_words


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def check(metric, name, systems, ref):
    ours = fast.fast_stats(name, metric, systems, [ref])
    assert ours is not None and len(ours) == len(systems)
    for hyp, got in zip(systems, ours):
        expect = np.array(metric._extract_corpus_statistics(hyp, [ref]), dtype=np.float64)
        assert got.shape == expect.shape
        assert np.array_equal(got, expect)


@pytest.mark.parametrize("name, metric", [("bleu", BLEU()), ("chrf", CHRF())])
def test_flores_bloom_and_derived_systems(flores, name, metric):
    ref = lines(flores / "eng_Latn.devtest")
    bloom = lines(flores / "systems" / "bloom-176b-1shot.en")
    systems = [bloom, drop_words(bloom, 0.1, 1), drop_words(ref, 0.3, 2),
               [" ".join(reversed(x.split())) for x in bloom], [""] * len(ref)]
    check(metric, name, systems, ref)


@pytest.mark.parametrize("name, metric", [("bleu", BLEU()), ("chrf", CHRF())])
def test_madar_six_llms(madar, name, metric):
    ref = lines(madar / "reference.en")
    systems = [lines(madar / "systems" / f"{s}.en") for s in MADAR_SYSTEMS]
    check(metric, name, systems, ref)


def test_wide_vocabulary_takes_the_reranking_path(flores):
    """BLEU on FLORES with Arabic lines mixed in: 4-gram codes over the token vocabulary no
    longer fit in a 62-bit key, so the codes are re-ranked on the way (and stay exact)."""
    ref = lines(flores / "eng_Latn.devtest")
    src = lines(flores / "arb_Arab.devtest")
    mixed = [a + " " + b for a, b in zip(src, ref)]
    bleu = BLEU()
    vocab = {t for x in ref + src + mixed for t in bleu._preprocess_segment(x).split()}
    assert 4 * (len(vocab) - 1).bit_length() + (len(ref) - 1).bit_length() + 2 > 62
    check(bleu, "bleu", [src, mixed], ref)
    check(CHRF(), "chrf", [src, mixed], ref)


def test_13a_tokenizer_equals_sacrebleu_on_all_shared_english(flores, madar):
    bleu = BLEU()
    tok = fast._tokenize_13a(bleu)
    texts = lines(flores / "eng_Latn.devtest") + lines(madar / "reference.en")
    for f in list((flores / "systems").glob("*.en")) + list((madar / "systems").glob("*.en")):
        texts += lines(f)
    texts += ["a &amp; b &lt;c&gt; &quot;d&quot;", "x-\ny <skipped> 3.5, 4-5 (a.b)", "",
              "a{b|c}d~e[f\\g]h^i_j`k!l\"m#n$o%p&q(r)s*t+u:v;w<x=y>z?@/ ..,a 1.,2 .5 -3-4",
              "  lead\ttab\u00a0nbsp  trail  "]
    assert tok(texts) == [bleu._preprocess_segment(t).split() for t in texts]
    for t in texts[-3:]:
        assert tok([t]) == [bleu._preprocess_segment(t).split()]


def test_unsupported_settings_fall_back():
    assert fast.fast_stats("chrf", CHRF(word_order=2), [["a"]], [["a"]]) is None
    assert fast.fast_stats("bleu", BLEU(), [["a"]], [["a"], ["b"]]) is None  # two refs
    assert fast.fast_stats("ter", None, [["a"]], [["a"]]) is None
