"""``name-reference``: a system renders a source name otherwise than the reference does, and
not just in spelling (BLOOM writes "John F. Kennedy" where the reference has John Nixon for
جون نيكسون). Renderings are compared with Latin diacritics and case folded (Erdoğan =
erdogan); a system whose own rendering aligns with the name by sound only spells it
differently and is left to ``name-rendering``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mtreview.arabic.name_align import fold_latin, latin_key, rendering_key
from mtreview.checks.base import Check, CheckInput, register
from mtreview.checks.names import (
    MISSPELT_OF_REFERENCE,
    reference_renderings,
    renderings,
    replacement,
    sounds_like,
)
from mtreview.core.types import Flag, SpanRef

_CAPITALISED_RE = re.compile(r"[A-Z][\w'’-]+")
SPELLING = 50.0  # a rendering at least this alike (rapidfuzz ratio) is the name respelled


def _respelled(run: str, key: str) -> bool:
    """Is a word of ``run`` the reference's rendering (``key``) spelled otherwise
    (Cintra / Sintra, Sunderban / Sundarbans)?"""
    from rapidfuzz.fuzz import ratio

    return any(ratio(rendering_key(w), key) >= SPELLING or latin_key(w) == latin_key(key)
               for w in run.split())


# other names of one entity, and adjectives of a place, that a translation may use instead
# of the reference's word (rendering keys)
ALIASES = {
    "daesh": {"isis", "isil", "islamic"}, "isis": {"daesh", "isil"}, "isil": {"daesh", "isis"},
    "denmark": {"danish", "danes"}, "sweden": {"swedish", "swedes"}, "norway": {"norwegian"},
    "netherlands": {"dutch", "holland"}, "holland": {"dutch", "netherlands"},
    "switzerland": {"swiss"}, "france": {"french"}, "spain": {"spanish"},
    "britain": {"british", "uk"}, "england": {"english"}, "wales": {"welsh"},
    "china": {"chinese"}, "japan": {"japanese"}, "greece": {"greek"}, "turkey": {"turkish"},
    "germany": {"german"}, "poland": {"polish"}, "finland": {"finnish"}, "ireland": {"irish"},
    "iceland": {"icelandic"}, "egypt": {"egyptian"}, "iraq": {"iraqi"}, "peru": {"peruvian"},
}


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return fold_latin(text).lower()


def _near(word: str, key: str) -> bool:
    """Is a capitalised word of a translation the name respelled or derived (Leighton for
    Layton, Polish for Poland's)? Stricter than :func:`_respelled`: every word is tried."""
    from rapidfuzz.fuzz import ratio

    w = rendering_key(word)
    if w in ALIASES.get(key, ()):
        return True
    if ratio(w, key) < SPELLING:
        return False
    return w[:3] == key[:3] or ratio(latin_key(word), latin_key(key)) >= 75


@register
class NameReference(Check):
    id = "name-reference"
    severity = "major"
    side = "tgt"
    uses_names = True
    description = ("a source name the reference renders is rendered as another name by a "
                   "system (not a spelling variant)")

    def run(self, data: CheckInput) -> Iterable[Flag]:
        ref = reference_renderings(data)
        if not any(ref):
            return
        found = renderings(data)
        for i, m in enumerate(data.mentions):
            r = ref[i]
            if r is None:
                continue
            key = rendering_key(r[2])
            reference = data.references[m.seg_id][0]
            for system, words in found.items():
                text = data.systems[system].get(m.seg_id)
                if not text or words[i] is not None or key in _folded(text):
                    continue
                if any(_near(w, key) for w in _CAPITALISED_RE.findall(text)):
                    continue  # the name is there, spelled otherwise (Leighton for Layton)
                instead = replacement(text, [reference], r, reference)
                if instead is None or _respelled(instead[2], key) \
                        or sounds_like(instead[2], {r[2]}, MISSPELT_OF_REFERENCE):
                    # left out or misspelled (Iyod for Ehud): name-dropped compares systems
                    continue
                yield Flag(self.id, self.severity, system, (m.seg_id,),
                           (m.form, instead[2], r[2]),
                           f"{system} has {instead[2]} where the reference has {r[2]} "
                           f"({m.form})",
                           (SpanRef(m.seg_id, "src", m.start, m.end),
                            SpanRef(m.seg_id, "tgt", instead[0], instead[1], system)))
