"""The vectorised statistics equal sacrebleu's own, segment by segment, on real data."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sacrebleu.metrics import BLEU, CHRF

from mtreview.metrics import fast
from mtreview.metrics.registry import METRICS
from tests.conftest import DATA, need_shared
from tests.report.conftest import MADAR_SYSTEMS, drop_words


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def check(metric, name, systems, ref):
    ours = (fast.bleu_stats if name == "bleu" else fast.chrf_stats)(metric, systems, ref)
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


def test_wide_vocabulary_in_one_segment_takes_the_reranking_path(flores):
    """All of FLORES' and NTREX's Arabic and English as ONE segment: 4-gram codes over its
    token vocabulary do not fit a 62-bit key even re-ranked within the segment, so BLEU
    falls back to one sort per order with exact re-ranking of the codes (and stays exact)."""
    ntrex = need_shared(DATA / "ntrex128-ar-en")
    ref = [" ".join(lines(flores / "eng_Latn.devtest") + lines(ntrex / "reference.en"))]
    src = [" ".join(lines(flores / "arb_Arab.devtest") + lines(ntrex / "source.ar"))]
    mixed = [src[0] + " " + ref[0]]
    bleu = BLEU()
    ids, lengths, _ = fast._tokenize_13a(bleu)(ref + src + mixed)
    units = fast._Units(ids, lengths, 1, 3)
    assert fast._matches_one_sort(units, 4) is None
    check(bleu, "bleu", [src, mixed], ref)


@pytest.mark.parametrize("level", ["tokens", "characters"])
def test_both_matching_paths_agree(flores, level):
    """The one-sort matcher and the per-order fallback give the same counts (FLORES,
    BLOOM and a derived system)."""
    ref = lines(flores / "eng_Latn.devtest")
    bloom = lines(flores / "systems" / "bloom-176b-1shot.en")
    texts = ref + bloom + drop_words(bloom, 0.2, 3)
    if level == "tokens":
        ids, lengths, _ = fast._tokenize_13a(BLEU())(texts)
        order = 4
    else:
        chars = ["".join(t.split()) for t in texts]
        ids = np.array([ord(c) for c in "".join(chars)], dtype=np.int64)
        lengths = np.array([len(c) for c in chars])
        order = 6
    one = fast._matches_one_sort(fast._Units(ids, lengths, len(ref), 3), order)
    per_order = fast._matches(fast._Units(ids, lengths, len(ref), 3), order)
    assert one is not None and one.sum() > 0
    assert np.array_equal(one, per_order)


def tokenize(lines):
    """The batch 13a tokenizer's output as token lists."""
    ids, lengths, vocab = fast._tokenize_13a(BLEU())(lines)
    ends = np.cumsum(lengths)
    return [[vocab[i] for i in ids[e - n:e]] for e, n in zip(ends, lengths)]


def test_13a_tokenizer_equals_sacrebleu_on_all_shared_english(flores, madar):
    bleu = BLEU()
    tok = tokenize
    texts = lines(flores / "eng_Latn.devtest") + lines(madar / "reference.en")
    for f in list((flores / "systems").glob("*.en")) + list((madar / "systems").glob("*.en")):
        texts += lines(f)
    texts += ["a &amp; b &lt;c&gt; &quot;d&quot;", "x-\ny <skipped> 3.5, 4-5 (a.b)", "",
              "a{b|c}d~e[f\\g]h^i_j`k!l\"m#n$o%p&q(r)s*t+u:v;w<x=y>z?@/ ..,a 1.,2 .5 -3-4",
              "  lead\ttab\u00a0nbsp  trail  "]
    assert tok(texts) == [bleu._preprocess_segment(t).split() for t in texts]
    for t in texts[-3:]:
        assert tok([t]) == [bleu._preprocess_segment(t).split()]


def test_13a_tokenizer_equals_sacrebleu_on_random_strings():
    """Runs of . and , next to digits, letters, spaces, hyphens and the class characters:
    the cases where sacrebleu's expressions interact."""
    bleu = BLEU()
    rnd = random.Random(7)
    alphabet = "..,,,--55a9b  (&\t\u00a0\u0663\x00"
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 14)))
             for _ in range(4000)]
    expect = [bleu._preprocess_segment(t).split() for t in texts]
    assert tokenize(texts) == expect
    assert [tokenize([t])[0] for t in texts[:300]] == expect[:300]
    # every separator character present: the batch falls back to one line at a time
    assert tokenize(texts + ["\x00\x01\x02\x03\x04\x05\x06\x07\x08 1.,a"]) == \
        expect + [bleu._preprocess_segment("\x00\x01\x02\x03\x04\x05\x06\x07\x08 1.,a").split()]


def test_chrf_drops_the_whitespace_str_split_drops():
    texts = ["a\u2003b\x1cc\u3000", "\u00a0", "", "x\u200by"]  # U+200B is not a space
    assert np.array_equal(fast.chrf_stats(CHRF(), [texts], texts)[0],
                          np.array(CHRF()._extract_corpus_statistics(texts, [texts]), float))


def test_unsupported_settings_fall_back():
    assert fast.chrf_stats(CHRF(word_order=2), [["a"]], ["a"]) is None
    assert METRICS["bleu"].batch_stats([["a"]], [["a"], ["b"]]) is None  # two refs
    assert METRICS["chrf"].batch_stats([["a", "b"]], [["a", None]]) is None  # a gap
    assert METRICS["bleu"].batch_stats([["a b"]], [["a b"]]) is not None
