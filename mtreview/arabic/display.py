"""Arabic for terminals: logical text → what a terminal should be given to print.

Most terminals print characters left to right in the order they receive them, with no
bidirectional reordering and no joining, so Arabic reads backwards and unjoined. Three modes:

``logical``  the text as stored (for terminals that do their own bidi, e.g. mlterm, Konsole);
``visual``   reordered with the Unicode Bidirectional Algorithm (python-bidi), brackets
             mirrored on right-to-left runs;
``shaped``   ``visual`` plus contextual letter forms (arabic-reshaper), harakat kept.

Pure functions, no UI. Stored data always stays in logical order: these only build display
strings. The order of work is fixed: cut the logical text to the column width first (a
terminal line is a bidi line), then shape, then reorder, then right-align right-to-left text.

Every result carries ``logical``: for each character of the display string, the index of the
logical character it shows (-1 for padding and the ellipsis), so a caller can highlight
logical spans (error spans, flags, a word cursor) on the reordered text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MODES = ("logical", "visual", "shaped")
ELLIPSIS = "…"

# Explicit bidi formatting characters: zero width, dropped from visual output.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff"
                        "\U0001e800-\U0001efff\u200f\u202b\u202e\u2067]")
_LEVEL_RE = re.compile(r"Level\(\s*(\d+),?\s*\)")

# lam (initial, medial presentation form) + alef final form → lam-alef ligature
_LAM_FORMS = {"\ufedf": 0, "\ufee0": 1}  # initial → isolated ligature, medial → final
_LAM_ALEF = {  # alef final form: (isolated ligature, final ligature)
    "\ufe8e": ("\ufefb", "\ufefc"),  # ا
    "\ufe82": ("\ufef5", "\ufef6"),  # آ
    "\ufe84": ("\ufef7", "\ufef8"),  # أ
    "\ufe88": ("\ufef9", "\ufefa"),  # إ
}


@dataclass(frozen=True)
class DisplayLine:
    """One terminal line: ``text`` to print and, per character, the logical index it shows."""

    text: str
    logical: tuple[int, ...]
    rtl: bool

    @property
    def width(self) -> int:
        return cell_width(self.text)


# -- measuring ------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def is_mark(ch: str) -> bool:
    """A zero-width character that belongs to the preceding letter (harakat, ZWJ, …)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Cf") or ch in _BIDI_CONTROLS


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    if is_mark(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    if text.isascii():  # every ASCII character is one cell (controls are shown as such)
        return len(text)
    return sum(map(char_width, text))


def is_rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (Arabic, Hebrew, …)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


# -- cutting (logical order) ----------------------------------------------------------
def cut(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """The longest logical prefix of ``text`` that fits ``width`` cells (with an ellipsis
    when something was cut). Marks stay with their letter: a letter is never split from
    its harakat."""
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    used, end = 0, 0
    for i, ch in enumerate(text):
        w = char_width(ch)
        if used + w > room:
            break
        used += w
        end = i + 1
    while end < len(text) and is_mark(text[end]):  # keep the marks of the last letter
        end += 1
    return text[:end].rstrip() + ellipsis


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Word-wrap ``text`` (logical order) into [start, end) ranges of at most ``width``
    cells; a word longer than the width is cut. Spaces at a break belong to no line."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        while start < n and text[start] == " ":
            start += 1
        if start >= n:
            break
        used, i, last_space = 0, start, -1
        while i < n:
            w = char_width(text[i])
            if text[i] == "\n" or used + w > width:
                break
            if text[i] == " ":
                last_space = i
            used += w
            i += 1
        if i < n and text[i] == "\n":
            lines.append((start, i))
            start = i + 1
            continue
        if i < n and last_space > start:
            i = last_space
        while i < n and is_mark(text[i]):
            i += 1
        lines.append((start, max(i, start + 1)))
        start = max(i, start + 1)
    return lines or [(0, 0)]


# -- shaping (logical order) ----------------------------------------------------------
@lru_cache(maxsize=1)
def _reshaper():
    from arabic_reshaper import ArabicReshaper

    # Ligatures are added below (lam-alef only) so every output character maps to its
    # logical input; word ligatures (ﷲ) would turn a word into one wide glyph.
    return ArabicReshaper({"delete_harakat": False, "support_ligatures": False,
                           "delete_tatweel": False, "shift_harakat_position": False})


ZWJ, ZWNJ = "\u200d", "\u200c"


def shape(text: str) -> tuple[str, list[int]]:
    """Contextual forms (initial/medial/final/isolated) and lam-alef ligatures, harakat
    kept. Returns the shaped text and, per output character, its logical index.

    Zero-width joiners are set aside while shaping and put back where they were (the
    reshaper drops them, and a line whose length changed used to be left unshaped)."""
    kept = [i for i, ch in enumerate(text) if ch != ZWJ]
    core = "".join(text[i] for i in kept)
    reshaped = _reshaper().reshape(core)
    if len(reshaped) != len(core):  # defensive: the configuration above keeps lengths
        return text, list(range(len(text)))
    chars = list(text)
    for j, i in enumerate(kept):
        chars[i] = reshaped[j]
    shaped = "".join(chars)
    out: list[str] = []
    index: list[int] = []
    i, n = 0, len(shaped)
    while i < n:
        ch = shaped[i]
        if ch in _LAM_FORMS:
            j = i + 1
            while j < n and is_mark(shaped[j]):
                j += 1
            if j < n and shaped[j] in _LAM_ALEF:
                out.append(_LAM_ALEF[shaped[j]][_LAM_FORMS[ch]])
                index.append(i)
                out.extend(shaped[i + 1:j])  # harakat of the lam follow the ligature
                index.extend(range(i + 1, j))
                i = j + 1
                continue
        out.append(ch)
        index.append(i)
        i += 1
    return "".join(out), index


# -- reordering -----------------------------------------------------------------------
@lru_cache(maxsize=1)
def _mirrors() -> dict[str, str]:
    from bidi.mirror import MIRRORED

    return dict(MIRRORED)


def embedding_levels(text: str, rtl: bool) -> list[int]:
    """Resolved bidi embedding level of each character (python-bidi, UBA with bracket
    pairs), with rule L1 applied for a single line (trailing whitespace → paragraph level)."""
    from bidi import get_display

    if not text:
        return []
    debug = get_display(text, base_dir="R" if rtl else "L", debug=True)
    body = debug.split("levels:", 1)[1].split("paragraphs:", 1)[0]
    per_byte = [int(x) for x in _LEVEL_RE.findall(body)]
    levels: list[int] = []
    pos = 0
    for ch in text:
        levels.append(per_byte[pos])
        pos += len(ch.encode("utf-8"))
    if pos != len(per_byte):
        raise RuntimeError("python-bidi returned levels that do not match the text")
    base = 1 if rtl else 0
    trailing = True
    for i in range(len(text) - 1, -1, -1):  # L1: trailing whitespace, and before tabs
        kind = unicodedata.bidirectional(text[i])
        if kind in ("S", "B"):
            levels[i] = base
            trailing = True
        elif trailing and kind in ("WS", "BN", "LRI", "RLI", "FSI", "PDI"):
            levels[i] = base
        else:
            trailing = False
    return levels


def reorder(text: str, rtl: bool, index: list[int] | None = None) -> tuple[str, list[int]]:
    """Visual order of one line (UBA rule L2 over letter+marks clusters) with rule L4:
    mirrored characters (brackets) on right-to-left runs. ``index`` maps each character of
    ``text`` to a logical index (identity when None); the result carries it along."""
    if index is None:
        index = list(range(len(text)))
    levels = embedding_levels(text, rtl)
    clusters: list[list[int]] = []  # positions in text: a letter and its marks
    for i, ch in enumerate(text):
        if clusters and _continues(text, clusters[-1], i):
            clusters[-1].append(i)
        else:
            clusters.append([i])
    cl_levels = [levels[c[0]] for c in clusters]
    order = list(range(len(clusters)))
    if cl_levels:
        lowest_odd = min(lv for lv in cl_levels) | 1
        for level in range(max(cl_levels), lowest_odd - 1, -1):
            i = 0
            while i < len(order):
                if cl_levels[order[i]] >= level:
                    j = i
                    while j < len(order) and cl_levels[order[j]] >= level:
                        j += 1
                    order[i:j] = order[i:j][::-1]
                    i = j
                else:
                    i += 1
    mirrors = _mirrors()
    out: list[str] = []
    out_index: list[int] = []
    for c in order:
        odd = cl_levels[c] % 2 == 1
        for pos in clusters[c]:
            ch = text[pos]
            if ch in _BIDI_CONTROLS:
                continue
            out.append(mirrors.get(ch, ch) if odd else ch)
            out_index.append(index[pos])
    return "".join(out), out_index


_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)  # skin tones
_REGIONAL = range(0x1F1E6, 0x1F200)  # flag letters, in pairs


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or unicodedata.category(ch) == "So"


def _continues(text: str, cluster: list[int], i: int) -> bool:
    """Whether ``text[i]`` belongs to the cluster before it (never split by reordering): a
    mark of its letter, the character after a zero-width joiner (emoji ZWJ sequences like
    👩‍💻), a skin-tone modifier, the second letter of a flag."""
    ch, prev = text[i], text[i - 1]
    if prev == ZWJ and _is_emoji(text[cluster[0]]) and _is_emoji(ch):
        return True
    if ord(ch) in _EMOJI_MODIFIERS:
        return True
    if ord(ch) in _REGIONAL and len(cluster) == 1 and ord(prev) in _REGIONAL:
        return True
    return is_mark(ch) and not _is_standalone(text, cluster)


def _is_standalone(text: str, cluster: list[int]) -> bool:
    """A cluster that cannot carry marks (a space or a control): a mark after it stands alone."""
    return text[cluster[0]] in (" ", "\t") or text[cluster[0]] in _BIDI_CONTROLS


# -- the display function -------------------------------------------------------------
def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown display mode {mode!r} (choose from {', '.join(MODES)})")
    return mode


@lru_cache(maxsize=8192)
def display_line(text: str, width: int | None = None, mode: str = "shaped",
                 rtl: bool | None = None, align: bool = True,
                 offset: int = 0) -> DisplayLine:
    """One terminal line of ``text`` (logical order, no newlines) in display ``mode``.

    Cut to ``width`` cells first (with an ellipsis), then shape (``shaped``), then reorder
    (``visual``/``shaped``), then pad on the left to ``width`` when right-to-left and
    ``align``. ``rtl`` is the paragraph direction (None: from the first strong character).
    ``offset`` is added to the logical indices (for a line that is part of a longer text).
    """
    check_mode(mode)
    if rtl is None:
        rtl = is_rtl(text)
    if not rtl and not _RTL_CHARS.search(text):
        mode = "logical"  # nothing to reorder or shape: a left-to-right line as it is
    if width is not None:
        kept = cut(text, width)
    else:
        kept = text
    n_kept = len(kept) - (len(ELLIPSIS) if kept != text and kept.endswith(ELLIPSIS) else 0)
    index = [i + offset for i in range(n_kept)] + [-1] * (len(kept) - n_kept)
    shown = kept
    if mode == "shaped":
        body, shape_index = shape(kept[:n_kept])
        shown = body + kept[n_kept:]
        index = [index[i] for i in shape_index] + [-1] * (len(kept) - n_kept)
    if mode != "logical":
        shown, index = reorder(shown, rtl, index)
    if rtl and align and width is not None:
        pad = width - cell_width(shown)
        if pad > 0:
            shown = " " * pad + shown
            index = [-1] * pad + index
    return DisplayLine(shown, tuple(index), rtl)


def display_lines(text: str, width: int, mode: str = "shaped",
                  rtl: bool | None = None, align: bool = True) -> list[DisplayLine]:
    """``text`` word-wrapped to ``width`` in logical order, each line then shown with
    :func:`display_line` (so reordering never crosses a line break)."""
    if rtl is None:
        rtl = is_rtl(text)
    return [display_line(text[a:b], width, mode, rtl, align, a) for a, b in wrap(text, width)]


def display(text: str, width: int | None = None, mode: str = "shaped",
            rtl: bool | None = None) -> str:
    """Just the display string of one line (see :func:`display_line`)."""
    return display_line(text, width, mode, rtl).text
