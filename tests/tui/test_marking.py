"""The word cursor's logic without Textual: words, motions, counts, jump labels."""

from __future__ import annotations

import pytest

from mtreview.tui.marking import (
    LABEL_KEYS,
    WordCursor,
    add_digit,
    jump_labels,
    match_label,
    move,
    overlay,
    word_at,
    word_spans,
)

TEXT = 'He said, "Shark Tank," and left — 5% of it.'


def texts(text, spans):
    return [text[a:b] for a, b in spans]


def test_words_leave_attached_punctuation_out_unless_whole():
    assert texts(TEXT, word_spans(TEXT)) == ["He", "said", "Shark", "Tank", "and", "left", "—",
                                             "5%", "of", "it"]
    assert texts(TEXT, word_spans(TEXT, whole=True))[1:4] == ["said,", '"Shark', 'Tank,"']
    assert word_spans("") == [(0, 0)] and word_spans("   ") == [(0, 0)]
    assert texts("Ring's CEO", word_spans("Ring's CEO")) == ["Ring's", "CEO"]
    assert texts("قال، ثم", word_spans("قال، ثم")) == ["قال", "ثم"]


def test_word_at_finds_the_word_of_an_offset():
    spans = word_spans(TEXT)
    assert word_at(spans, TEXT.index("Tank") + 2) == 3
    assert word_at(spans, TEXT.index("Tank") + 5) == 3  # the comma after it
    assert word_at(spans, 0) == 0


def test_motions_counts_and_extension():
    n = 10
    c = WordCursor()
    c = move(c, "w", 3, n)
    assert (c.word, c.anchor) == (3, 3)
    c = move(c, "e", 2, n)  # e extends
    assert (c.word, c.anchor) == (5, 3)
    c = move(c, "b", 1, n)  # b collapses outside select mode
    assert (c.word, c.anchor) == (4, 4)
    c = move(WordCursor(4, 4, extending=True), "$", 1, n)
    assert (c.word, c.anchor) == (9, 4)
    assert move(c, "0", 1, n).word == 0 and move(c, "w", 50, n).word == 9
    assert move(WordCursor(2, 2), "b", 9, n).word == 0
    with pytest.raises(ValueError):
        move(c, "x", 1, n)
    assert add_digit(None, 3) == 3 and add_digit(3, 0) == 30 and add_digit(999, 9) == 999


def test_selection_of_a_cursor():
    spans = word_spans(TEXT)
    a, b = WordCursor(3, 2).selection(spans)
    assert TEXT[a:b] == "Shark Tank"
    a, b = WordCursor(3, 2, whole=True).selection(word_spans(TEXT, whole=True))
    assert TEXT[a:b] == '"Shark Tank,"'


@pytest.mark.parametrize("n", [1, 5, 26, 27, 40, 100, 676])
def test_jump_labels_are_unique_short_and_prefix_free(n):
    labels = jump_labels(n)
    assert len(labels) == n and len(set(labels)) == n
    assert all(1 <= len(x) <= 2 and set(x) <= set(LABEL_KEYS) for x in labels)
    singles = {x for x in labels if len(x) == 1}
    assert not any(x[0] in singles for x in labels if len(x) == 2)  # no label prefixes another
    if n <= len(LABEL_KEYS):
        assert singles == set(labels)
    else:  # as many one-letter labels as the two-letter ones leave room for
        assert len(singles) == len(LABEL_KEYS) - len({x[0] for x in labels if len(x) == 2})


def test_match_label_and_overlay():
    labels = jump_labels(40)
    two = next(x for x in labels if len(x) == 2)
    assert match_label(labels, "a") == 0
    assert match_label(labels, two[0]) is True
    assert match_label(labels, two) == labels.index(two)
    assert match_label(labels[:3], "m") is None
    text, where = overlay("I saw it", word_spans("I saw it"), ["ab", "c", "d"])
    assert len(text) == len("I saw it") and text[2] == "c" and text[6] == "d"
    assert text[:2] == "ab" and where[0] == (0, 2)  # a short word's label runs over the space
