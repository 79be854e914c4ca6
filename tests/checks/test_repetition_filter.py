"""The repetition check's vectorised filter finds every output that a plain per-text
reading finds (words by ``re.findall(r"\\w+")`` on the lowercased text, a loop where a
word n places on repeats for 2n positions, a letter loop in a word of six letters or more),
across chunk boundaries and on real outputs."""

from __future__ import annotations

import re

from mtreview.checks.repetition import _CHUNK, CHAR_LOOP_RE, MAX_N, _looping_texts
from tests.conftest import DATA, FLORES, MADAR, need_shared


def plain(text: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    for n in range(1, MAX_N + 1):
        run = 0
        for i in range(len(words) - n):
            run = run + 1 if words[i] == words[i + n] else 0
            if run >= 2 * n:
                return True
    return any(len(w) >= 6 and CHAR_LOOP_RE.search(w) for w in words)


EDGES = ["sa sa sa", "The talks, the talks; THE TALKS!", "a_b a_b a_b", "x_1 x_1", "",
         "рованиярованиярования", "İSTANBUL İstanbul istanbul", "ΟΔΟΣ οδος οδοσ", "٣ ٣ ٣ ٣",
         "لا لا لا", "well well", "ab ab cd ab ab", "ha-ha-ha-ha", "e\u0301 e\u0301 e\u0301",
         "\U0001F600 \U0001F600 \U0001F600", "snake_case_snake_case_snake_case", "abcabcab"]


def test_the_filter_finds_what_a_plain_reading_finds():
    need_shared(DATA)
    texts = list(EDGES)
    for f in sorted(MADAR.glob("systems/*.en")) + [FLORES / "systems" / "bloom-176b-1shot.en"]:
        texts += f.read_text(encoding="utf-8").splitlines()
    texts += (DATA / "tatoeba-ara-eng" / "reference.en").read_text("utf-8").splitlines()
    texts.insert(_CHUNK - 1, "go go go")  # loops on both sides of a chunk boundary
    texts.insert(_CHUNK, "na na na na")
    assert len(texts) > 2 * _CHUNK
    expected = {i for i, t in enumerate(texts) if plain(t)}
    assert {_CHUNK - 1, _CHUNK, 0, 5} <= expected and len(expected) < len(texts) // 10
    assert _looping_texts(texts) == expected


def test_outputs_without_words_or_text():
    for texts in ([""], ["", ""], ["...", "!!"], [], ["\ud800 \ud800 \ud800"]):
        assert _looping_texts(texts) == {i for i, t in enumerate(texts) if plain(t)}
