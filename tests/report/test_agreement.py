"""Krippendorff's alpha against the published worked example; span F1 by its definition."""

import math

from mtreview.core.types import ErrorSpan, Review
from mtreview.metrics.agreement import krippendorff_alpha_interval, pairwise_span_f1, span_f1

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, missing values; published: interval alpha = 0.849.
RELIABILITY = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def test_alpha_published_example():
    units = {u: [row[u] for row in RELIABILITY.values() if row[u] is not None]
             for u in range(12)}
    assert round(krippendorff_alpha_interval(units), 3) == 0.849


def test_alpha_perfect_and_undefined():
    assert krippendorff_alpha_interval({1: [3, 3], 2: [5, 5], 3: [1, 1]}) == 1.0
    assert math.isnan(krippendorff_alpha_interval({1: [3], 2: [4]}))  # nothing pairable


def r(who, spans, seg=1):
    return Review(seg, "sys", who, "esa", 50.0, tuple(ErrorSpan(a, b, "minor") for a, b in spans))


def test_span_f1_definition():
    # 10 + 10 marked characters, 5 shared: F1 = 2·5 / 20
    assert span_f1([r("a", [(0, 10)])], [r("b", [(5, 15)])]) == (0.5, 1)
    assert span_f1([r("a", [])], [r("b", [])]) == (1.0, 1)  # both: no error
    assert span_f1([r("a", [(0, 4)])], [r("b", [])])[0] == 0.0
    got = pairwise_span_f1([r("a", [(0, 10)]), r("b", [(5, 15)]), r("c", [(0, 10)], seg=2)])
    assert got == {("a", "b"): (0.5, 1)}  # c shares no translation with a or b
