"""Span marking without any UI: words of a text, cursor motions, counts and jump labels.

A text's words are its whitespace-separated tokens (one word per token, so a word's index
is the same whatever the display mode); a word's span leaves out the punctuation attached
to it ("Shark," → "Shark", "\"backbone,\"" → "backbone"), a token made only of punctuation
("-", "—") is a word of its own. ``whole=True`` gives the tokens with their punctuation
(the reviewer selecting it on purpose).

Jump labels work as in vim-easymotion or Helix's ``gw``: every word gets a label of one or
two letters, home row first; typing a label moves the cursor to its word. The first words
get one letter; when there are more words than letters, the last letters of the alphabet
become prefixes of two-letter labels.

The review screen keeps a :class:`WordCursor` per card; every motion here is a pure function.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

_TOKEN = re.compile(r"\S+")
LABEL_KEYS = "asdfghjklqwertyuiopzxcvbnm"  # home row first
KEEP = "%‰"  # symbols written as punctuation that belong to their number


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") and ch not in KEEP


def word_spans(text: str, whole: bool = False) -> list[tuple[int, int]]:
    """(start, end) character offsets of every word of ``text``; ``[(0, 0)]`` when it has
    none. Attached punctuation is left out unless ``whole``."""
    return list(_word_spans(text, whole))


@lru_cache(maxsize=256)  # every repaint asks again for the same few texts
def _word_spans(text: str, whole: bool) -> tuple[tuple[int, int], ...]:
    out = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if not whole:
            s, e = start, end
            while s < e and _is_punct(text[s]):
                s += 1
            while e > s and _is_punct(text[e - 1]):
                e -= 1
            if s < e:
                start, end = s, e
        out.append((start, end))
    return tuple(out) or ((0, 0),)


def word_at(spans: list[tuple[int, int]], offset: int) -> int:
    """The index of the word at character ``offset`` (the nearest word before it in a gap)."""
    best = 0
    for i, (start, _end) in enumerate(spans):
        if start <= offset:
            best = i
        else:
            break
    return best


# --- the cursor ------------------------------------------------------------------------

@dataclass(frozen=True)
class WordCursor:
    """A selection of words ``anchor``..``word`` (either order); ``word`` is where the
    cursor is. ``extending``: motions extend the selection (select mode)."""

    word: int = 0
    anchor: int = 0
    extending: bool = False
    whole: bool = False  # the selection keeps attached punctuation

    def selection(self, spans: list[tuple[int, int]]) -> tuple[int, int]:
        n = len(spans)
        a, b = sorted((min(self.word, n - 1), min(self.anchor, n - 1)))
        return spans[a][0], spans[b][1]

    def clamp(self, n: int) -> WordCursor:
        return replace(self, word=max(0, min(self.word, n - 1)),
                       anchor=max(0, min(self.anchor, n - 1)))

    def to(self, target: int, n: int, extend: bool | None = None) -> WordCursor:
        """The cursor moved to word ``target`` (clamped to ``n`` words); the selection is
        extended when ``extend`` (default: in select mode), else collapsed onto it."""
        target = max(0, min(target, n - 1))
        extend = self.extending if extend is None else extend
        return replace(self, word=target, anchor=self.anchor if extend else target,
                       whole=self.whole if extend else False)


MOTIONS = ("w", "b", "e", "0", "$")


def motion_target(motion: str, word: int, count: int, n: int) -> int:
    """Where ``motion`` (repeated ``count`` times) takes the cursor from ``word`` in a text
    of ``n`` words: ``w``/``e`` forward, ``b`` back, ``0`` first word, ``$`` last word."""
    count = max(1, count)
    if motion in ("w", "e"):
        return min(n - 1, word + count)
    if motion == "b":
        return max(0, word - count)
    if motion == "0":
        return 0
    if motion == "$":
        return n - 1
    raise ValueError(f"unknown motion {motion!r}")


def move(cursor: WordCursor, motion: str, count: int, n: int,
         extend: bool | None = None) -> WordCursor:
    """The cursor after a motion; ``e`` always extends the selection (to the end of the
    next word), the others extend in select mode or when ``extend``."""
    if motion == "e" and extend is None:
        extend = True
    return cursor.to(motion_target(motion, cursor.word, count, n), n, extend)


# --- counts -----------------------------------------------------------------------------

def add_digit(count: int | None, digit: int) -> int:
    """The count prefix after typing ``digit`` (capped at 999)."""
    return min(999, (count or 0) * 10 + digit)


# --- jump labels ------------------------------------------------------------------------

def jump_labels(n: int, keys: str = LABEL_KEYS) -> list[str]:
    """One label per word for ``n`` words: one letter for the first words, two letters
    (a prefix from the end of ``keys``) for the rest; at most ``len(keys)**2`` labels."""
    size = len(keys)
    if n <= size:
        return list(keys[:n])
    prefixes = min(size, -(-(n - size) // (size - 1)))  # ceil
    singles = list(keys[:size - prefixes])
    doubles = [p + k for p in keys[size - prefixes:] for k in keys]
    return (singles + doubles)[:n]


def match_label(labels: list[str], typed: str) -> int | None | bool:
    """The word whose label is ``typed``; ``True`` while ``typed`` is the prefix of some
    labels (wait for the next key); ``None`` when no label starts with it."""
    if typed in labels:
        return labels.index(typed)
    if any(label.startswith(typed) for label in labels):
        return True
    return None


def overlay(text: str, spans: list[tuple[int, int]], labels: list[str],
            ) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each label written over the start of its word (same length, so every
    offset stays valid), and the (start, end) offsets of the written labels."""
    chars = list(text)
    where = []
    for (start, end), label in zip(spans, labels):
        room = max(end, min(len(chars), start + len(label))) - start
        label = label[:max(1, room)]
        for k, ch in enumerate(label):
            if start + k < len(chars):
                chars[start + k] = ch
        where.append((start, min(len(chars), start + len(label))))
    return "".join(chars), where
