"""Variant groups of name stems (:func:`group_stems`), gated by English evidence.

Two normalised stems are one name when

* **a long vowel** is inserted inside a stem of ≥ 5 letters (هاشمي / هاشيمي), or of 3–4
  letters when both stems aligned with one same English word (بوتن / بوتين: Putin, فنغ /
  فينغ: Feng);
* **they sound alike** (:func:`sound_key`: the consonant classes of transliteration, ج/غ/ق/ك
  for g, ت/ط, س/ص, ذ/ز/ظ, د/ض, ح/ه, long vowels and hamza seats dropped: غوسلينغ /
  جوسلينغ, رينجرز / رانجرز, وارين / وارن) and the English agrees: both stems aligned with one
  same English word, or, with no English for either, a neighbouring name word is shared
  (ريان غوسلينغ / ريان جوسلينغ).

Never merged: stems aligned with different English words (هوانان Huanan / هونان Hunan; only
vowel-letter spellings of one word, Hashimi / Hashemi, count as the same word), and the
look-alike different names of :data:`DISTINCT` (هشام / هاشم, سلمان / سليمان …).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from mtreview.arabic.normalize import is_vowel_variant, normalize, skeleton

# look-alike names that are different names (normalised, unordered pairs)
DISTINCT = frozenset(frozenset((normalize(a), normalize(b))) for a, b in (
    ("هشام", "هاشم"), ("محمد", "محمود"), ("عمر", "عمرو"), ("سعد", "سعيد"), ("سلمان", "سليمان"),
    ("حامد", "حميد"), ("حمد", "حامد"), ("حسن", "حسين"), ("حسان", "حسين"), ("سعود", "سعد"),
    ("عثمان", "عثيمان"), ("مسعود", "مسعد"), ("كريم", "كريمة"), ("جميل", "جميلة"), ("نور", "نوري"),
    ("فاطمة", "فاطيمة"), ("سالم", "سليم"), ("ماجد", "مجيد"), ("راشد", "رشيد"), ("ناصر", "نصير"),
    ("عادل", "عدلي"), ("زياد", "زيد"), ("علي", "عالي"), ("جمال", "جميل"), ("حمدان", "حمدين"),
    ("عبيد", "عبد"), ("مروان", "مرواني"), ("خالد", "خليد"), ("سلمى", "سليمى"),
))


# consonant classes of transliteration (one class, one Latin sound); vowels and seats dropped
_SOUND = str.maketrans({
    "ج": "g", "غ": "g", "ق": "g", "ك": "g", "گ": "g", "ت": "t", "ط": "t", "س": "s", "ص": "s",
    "ذ": "z", "ز": "z", "ظ": "z", "د": "d", "ض": "d", "ح": "h", "ه": "h", "ث": "s", "پ": "b",
    "ا": None, "و": None, "ي": None, "ى": None, "ء": None, "ئ": None, "ؤ": None, "أ": None,
    "إ": None, "آ": None, "ة": None, " ": None,
})
_VOWELS_EN = str.maketrans("", "", "aeiouy")
MIN_SOUND_KEY = 3  # consonants a stem needs to be merged by sound


def sound_key(stem: str) -> str:
    """The transliteration sound of a normalised stem: غوسلينغ and جوسلينغ → ``gslng``."""
    if not stem:
        return stem
    key = stem[0].translate(_SOUND) or stem[0]  # a first vowel is kept (افريقيا ≠ فريق)
    key += stem[1:].translate(_SOUND)
    return "".join(ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1])


_ENDINGS = frozenset("ياونهت")


def derived(a: str, b: str) -> bool:
    """Does one stem only add or change an ending of the other (بوليفيا / بوليفي,
    الأرجنتين / الأرجنتيني, إندونسيا / إندونيسي: a country and its adjective)?"""
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(short) >= 3 and set(long_[len(short):]) <= _ENDINGS:
        return True  # الفلبين / الفلبينيين
    if a[-1:] == b[-1:]:
        return False  # the same ending: the difference is inside the stem
    ta, tb = a.rstrip("ياونه"), b.rstrip("ياونه")
    return (ta != a or tb != b) and len(ta) >= 3 and sound_key(ta) == sound_key(tb)


def group_stems(stems: Iterable[str], evidence: Mapping[str, set[str]] | None = None,
                context: Mapping[str, set[str]] | None = None) -> dict[str, str]:
    """Map each unique stem to a group representative (see the module docstring).

    ``evidence``: stem → rendering keys of the English words it aligned with; ``context``:
    stem → neighbouring name stems (used only where neither stem has English)."""
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cdist

    evidence = evidence or {}
    context = context or {}
    unique = sorted(set(stems))
    parent = {s: s for s in unique}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        if frozenset((a, b)) not in DISTINCT and not renderings_differ(evidence.get(a),
                                                                      evidence.get(b)):
            parent[find(a)] = find(b)

    blocks: dict[str, list[str]] = defaultdict(list)
    sounds: dict[str, list[str]] = defaultdict(list)
    for s in unique:
        blocks[skeleton(s)].append(s)
        if len(s) >= 4:
            for key in _sound_keys(s):
                if len(key) >= MIN_SOUND_KEY:
                    sounds[key].append(s)
    for members in blocks.values():
        if len(members) < 2:
            continue
        dist = cdist(members, members, scorer=Indel.distance, score_cutoff=1, dtype="int32")
        for i, j in zip(*(dist == 1).nonzero()):
            a, b = members[i], members[j]
            if i < j and (is_vowel_variant(a, b) or (
                    is_vowel_variant(a, b, min_len=3) and same_word(evidence.get(a),
                                                                   evidence.get(b)))):
                union(a, b)
    for members in sounds.values():
        members = sorted(set(members))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                ev_a, ev_b = evidence.get(a), evidence.get(b)
                if a == b or derived(a, b) or _ambiguous(ev_a) or _ambiguous(ev_b) or \
                        a[1:] == b or b[1:] == a:
                    continue  # one form, an adjective, two names, or the word with و/ب
                if same_word(ev_a, ev_b) or (not ev_a and not ev_b and _shared(context, a, b)):
                    union(a, b)
    return {s: find(s) for s in unique}


def _sound_keys(stem: str) -> tuple[str, ...]:
    """The sound key of a stem, and of the stem without a leading clitic (وجاستن) or a
    prosthetic alef before s (استرلينج / سترلنج): an unattested clitic stays on the word,
    but the name behind it still sounds the same."""
    keys = [sound_key(stem)]
    if stem[0] in "وفبلك" and len(stem) >= 5:
        keys.append(sound_key(stem[1:]))
    if stem.startswith("اس") and len(stem) >= 5:
        keys.append(sound_key(stem[1:]))
    return tuple(keys)


def _ambiguous(words: set[str] | None) -> bool:
    """A stem aligned with two different words (مارس: March and MERS) is two names."""
    return words is not None and len(words) > 1 and any(
        renderings_differ({a}, {b}) for a in words for b in words if a < b)


def _shared(context: Mapping[str, set[str]], a: str, b: str) -> bool:
    ca, cb = context.get(a), context.get(b)
    return bool(ca and cb and not ca.isdisjoint(cb))


def renderings_differ(a: set[str] | None, b: set[str] | None) -> bool:
    """Both stems aligned with English words and no word of one is a word of the other, nor
    the same word with other vowel letters (Hashimi / Hashemi) or spelling noise (a final h
    or e, a doubled letter: Pittsburgh / Pittsburg)."""
    if not a or not b or not a.isdisjoint(b):
        return False
    return not any((len(x) == len(y) and x.translate(_VOWELS_EN) == y.translate(_VOWELS_EN))
                   or _plain(x) == _plain(y) for x in a for y in b)


def _plain(word: str) -> str:
    word = word.rstrip("he") or word
    return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])


def respelled(a: str, b: str) -> bool:
    """Two stems of one length that differ only in letters of one sound class (بيتسبيرغ /
    بيتسبيرج): two spellings of one name, even in one segment."""
    return len(a) == len(b) and a != b and all(
        x == y or (x.translate(_SOUND) or x) == (y.translate(_SOUND) or y) for x, y in zip(a, b))


def same_word(a: set[str] | None, b: set[str] | None) -> bool:
    """Both stems aligned with one same English word (بوتن / بوتين, both Putin; not الرومن
    Romani / الرومان Roman)."""
    return bool(a and b and not a.isdisjoint(b))
