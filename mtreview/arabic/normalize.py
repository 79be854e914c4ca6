"""Arabic orthographic normalisation used by every check (pure functions, no I/O).

What :func:`normalize` folds (each step can be reasoned about on its own):

=====================  ==========================================================
diacritics             harakat, tanwin, shadda, sukun, dagger alef, Quranic marks
                       (U+0610–061A, U+064B–065F, U+0670, U+06D6–06ED) are removed
tatweel                U+0640 (ـ) is removed
alef forms             أ إ آ ٱ → ا
hamza carriers         ؤ → و, ئ → ي; a bare hamza ء is removed
alef maqsura           ى → ي (final ى and ي are used interchangeably in news text)
ta marbuta             ة → ه (final ة and ه are used interchangeably)
Persian letters        ی → ي, ک → ك (common in copied text)
digits                 Eastern Arabic ٠–٩ and Persian ۰–۹ → 0–9 (:func:`fold_digits`)
separators             Arabic decimal ٫ → ".", Arabic thousands ٬ → ","
=====================  ==========================================================

:func:`fold_digits` maps one character to one character, so offsets into the original text
stay valid. :func:`normalize` removes characters, so checks tokenise the *original* text
(:func:`tokens`) and normalise token by token, which keeps every span in original offsets.

Clitics (:func:`split_clitics`): a conjunction و/ف, a preposition ب/ل/ك and the article ال
are split off a word: ``والهاشمي`` → (``وال``, ``هاشمي``), ``للحكومة`` → (``لل``, ``حكومه``).
A single-letter clitic without the article is ambiguous (``بارزاني`` starts with ب but has no
clitic), so it is split only when the caller says the remaining stem is a known word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"

_LETTER_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و", "ئ": "ي", "ء": None,
    "ى": "ي", "ة": "ه",
    "ی": "ي", "ک": "ك", "ي": "ي",
    TATWEEL: None,
})

_DIGIT_MAP = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬",
    "01234567890123456789.,",
)

ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc"
_MARKS = "\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed"
# a token: a run of Arabic letters (with diacritics and tatweel inside it)
ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTERS}][{ARABIC_LETTERS}{_MARKS}]*")
ARABIC_WORD_CHAR_RE = re.compile(f"[{ARABIC_LETTERS}{_MARKS}]")  # a letter or a mark
ARABIC_CHAR_RE = re.compile(f"[{ARABIC_LETTERS}]")

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
ARTICLE = "ال"


def fold_digits(text: str) -> str:
    """Eastern Arabic and Persian digits → ASCII; ٫ → '.', ٬ → ','. Length-preserving."""
    return text.translate(_DIGIT_MAP)


def strip_diacritics(text: str) -> str:
    """Remove harakat, tanwin, shadda, sukun, dagger alef, Quranic marks and tatweel."""
    return DIACRITICS_RE.sub("", text).replace(TATWEEL, "")


def normalize(text: str) -> str:
    """Full orthographic normalisation (see the module docstring); digits folded too."""
    return fold_digits(DIACRITICS_RE.sub("", text).translate(_LETTER_MAP))


@dataclass(frozen=True)
class Token:
    """A word of the original text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str


def tokens(text: str) -> Iterator[Token]:
    """Arabic words of ``text`` with their character offsets in the original string."""
    for m in ARABIC_WORD_RE.finditer(text):
        yield Token(m.start(), m.end(), m.group())


@dataclass(frozen=True)
class Analysis:
    """A normalised word split into clitics and stem.

    ``prefix`` is the clitic part as it appears in the *surface* (so ``surface[len(prefix):]``
    is the stem's surface), ``article`` whether ال is among the clitics, ``stem`` the
    normalised stem.
    """

    surface: str
    prefix: str
    article: bool
    stem: str

    @property
    def stem_surface(self) -> str:
        return self.surface[len(self.prefix):]

    @cached_property
    def article_start(self) -> int:
        """Offset in ``surface`` after the و/ف/ب/ك/ل clitics, before the article if written
        (``والهاشمي`` → 1; ``للحكومة``, whose article lost its alef → 2)."""
        if self.article:
            cut = len(_surface_prefix(self.prefix, len(normalize(self.prefix)) - 2))
            if normalize(self.surface[cut:]).startswith(ARTICLE):
                return cut
        return len(self.prefix)

    @property
    def article_surface(self) -> str:
        """The surface without conjunction/preposition clitics, but with its article."""
        return self.surface[self.article_start:]


def _surface_prefix(surface: str, n_letters: int) -> str:
    """The first ``n_letters`` base letters of ``surface``, with the marks attached to them."""
    seen = 0
    for i, ch in enumerate(surface):
        if not DIACRITICS_RE.match(ch) and ch != TATWEEL:
            if seen == n_letters:
                return surface[:i]
            seen += 1
    return surface


def split_clitics(word: str, known: Callable[[str], bool] | None = None,
                  min_stem: int = 2) -> Analysis:
    """Split conjunction, preposition and article clitics off one word.

    The article (with an optional و/ف and ب/ك/ل before it, and ``لل`` = ل + ال) is always
    split when at least ``min_stem`` letters remain. A bare single-letter clitic is split
    only when ``known(stem)`` says the rest is a word seen elsewhere.
    """
    norm = normalize(word)
    cut, article = _article_cut(norm, min_stem)
    if not article and known is not None:
        for n in (2, 1):
            head, rest = norm[:n], norm[n:]
            if len(rest) >= 3 and _is_clitic_chain(head) and known(rest):
                cut = n
                break
    return Analysis(word, _surface_prefix(word, cut), article, norm[cut:])


def _is_clitic_chain(head: str) -> bool:
    if len(head) == 1:
        return head in CONJUNCTIONS or head in PREPOSITIONS
    return head[0] in CONJUNCTIONS and head[1] in PREPOSITIONS


def _article_cut(norm: str, min_stem: int) -> tuple[int, bool]:
    """Letters to cut for an article with its leading clitics, and whether one was found."""
    for lead in ("", "و", "ف"):
        if not norm.startswith(lead):
            continue
        rest = norm[len(lead):]
        if rest.startswith(ARTICLE) and len(rest) - 2 >= min_stem:
            return len(lead) + 2, True
        if rest[:1] in PREPOSITIONS and rest[1:].startswith(ARTICLE) and len(rest) - 3 >= min_stem:
            return len(lead) + 3, True
        if rest.startswith("لل") and len(rest) - 2 >= min_stem:  # ل + ال, alef elided
            return len(lead) + 2, True
    return 0, False


@lru_cache(maxsize=200_000)
def analyse(word: str) -> Analysis:
    """:func:`split_clitics` with the article only (cached; safe for any word)."""
    return split_clitics(word)


LONG_VOWELS = "اوي"


def skeleton(stem: str) -> str:
    """Consonant key of a normalised stem: long vowels (ا و ي) removed after the first letter.

    ``هاشمي`` and ``هاشيمي`` share the key ``هشم`` (the nisba ي is a long vowel too), and so
    do ``هشام`` and ``هاشم``: the key only *blocks* candidates; :func:`is_vowel_variant`
    decides.
    """
    if not stem:
        return stem
    return stem[0] + "".join(ch for ch in stem[1:] if ch not in LONG_VOWELS)


def is_vowel_variant(a: str, b: str, min_len: int = 5) -> bool:
    """True when one normalised stem is the other with one long vowel inserted inside it.

    The shorter stem must have at least ``min_len`` letters and the vowel may not be the
    first or last letter: هاشمي/هاشيمي and برزاني/بارزاني pass; هشام/هاشم (vowel moved),
    محمد/محمود and سعد/سعيد (short names), عمر/عمرو (final و) do not.
    """
    if len(a) > len(b):
        a, b = b, a
    if len(b) != len(a) + 1 or len(a) < min_len:
        return False
    return any(b[i] in LONG_VOWELS and b[:i] + b[i + 1:] == a for i in range(1, len(b) - 1))
