"""quote-balance is document-aware: quotations over several segments pair up."""

from __future__ import annotations

from mtreview.checks import CheckInput, run_checks
from mtreview.core.types import Segment


def _flags(sources, outputs, docs):
    segs = [Segment(i, d, 1, s) for i, (s, d) in enumerate(zip(sources, docs), 1)]
    data = CheckInput(segs, {"A": dict(enumerate(outputs, 1))})
    return run_checks(data, only=["quote-balance"])


SRC = ['وقال "هذا مهم".', 'وأضاف "لن نتراجع".', 'وقال "انتهى الأمر".']


def test_a_quotation_over_two_segments_of_one_document_is_balanced():
    out = ['He said: "This matters.', 'We will not back down," he added.', "It is over."]
    assert _flags(SRC, out, ["d1", "d1", "d1"]) == []


def test_paragraphs_of_one_quotation_each_open_and_the_last_closes():
    out = ['"This matters.', '"We will not back down.', 'It is over."']
    assert _flags(SRC, out, ["d1", "d1", "d1"]) == []


def test_a_quotation_does_not_pair_across_documents():
    out = ['He said: "This matters.', 'We will not back down," he added.', "It is over."]
    flags = _flags(SRC, out, ["d1", "d2", "d2"])
    assert sorted(f.segments for f in flags) == [(1,), (2,)]
    assert all(out[f.segments[0] - 1][s.start] == '"' for f in flags for s in f.spans)


def test_a_stray_mark_is_flagged_and_a_spaced_quote_opens():
    out = ['He said "this matters.', 'He said, " We will not back down."', "It is over."]
    assert [f.segments for f in _flags(SRC, out, ["d1", "d2", "d3"])] == [(1,)]
