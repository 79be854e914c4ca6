"""Model families: how each kind of seq2seq translation model handles languages.

A family is a small class in the ``FAMILIES`` registry; adding one touches only this file.
Each knows

* its language codes (``codes``: project language → the family's code, e.g. ``ar`` →
  ``arb_Arab`` for NLLB-200),
* how to prepare the tokenizer for a source language (``prepare_tokenizer``),
* which token ids ``generate()`` must be given for the target language
  (``generation_ids``: ``forced_bos_token_id`` for NLLB-200, M2M100 and mBART-50),
* which source prefix it needs, if any (``source_prefix``: multi-target OPUS-MT models
  want ``>>eng<<``).

``detect(model_type, tokenizer_class)`` picks the family of a model directory from its
``config.json`` and ``tokenizer_config.json`` (NLLB-200 and M2M100 share the model class
``M2M100ForConditionalGeneration``; only the tokenizer tells them apart).
"""

from __future__ import annotations

from typing import Any, ClassVar

from mtreview.errors import UserError


class Family:
    """Base class: a family with no language tokens (e.g. a bilingual Marian model)."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    model_types: ClassVar[tuple[str, ...]] = ()
    tokenizer_classes: ClassVar[tuple[str, ...]] = ()
    # project language (ISO 639-1 as in mtreview.toml) -> this family's language code
    codes: ClassVar[dict[str, str]] = {}

    def code(self, lang: str) -> str:
        """The family's code for a project language (codes already in family form pass)."""
        return self.codes.get(lang, lang)

    def tokenizer_kwargs(self, src: str, tgt: str) -> dict[str, Any]:
        """Extra keyword arguments for ``AutoTokenizer.from_pretrained``."""
        return {}

    def prepare_tokenizer(self, tokenizer: Any, src: str, tgt: str) -> None:
        """Set the tokenizer up so that encoding a source gives the right special tokens."""

    def generation_ids(self, tokenizer: Any, src: str, tgt: str) -> dict[str, int]:
        """Token ids ``generate()`` needs for the target language (e.g. forced BOS)."""
        return {}

    def source_prefix(self, tokenizer: Any, src: str, tgt: str) -> str:
        return ""

    def check_codes(self, tokenizer: Any, src: str, tgt: str) -> None:
        """Raise UserError when the tokenizer does not know a language code."""
        for code in (src, tgt):
            if not _known_token(tokenizer, code):
                raise UserError(f"{self.title}: the tokenizer has no language code {code!r}")


def _known_token(tokenizer: Any, token: str) -> bool:
    tid = tokenizer.convert_tokens_to_ids(token)
    return tid is not None and tid != tokenizer.unk_token_id


class Marian(Family):
    """OPUS-MT / Marian: bilingual models need nothing; multi-target ones a ``>>xxx<<``."""

    name = "marian"
    title = "Marian (OPUS-MT)"
    model_types = ("marian",)
    tokenizer_classes = ("MarianTokenizer",)
    codes: ClassVar[dict[str, str]] = {"ar": "ar", "en": "en"}

    def source_prefix(self, tokenizer: Any, src: str, tgt: str) -> str:
        supported = getattr(tokenizer, "supported_language_codes", None) or []
        for candidate in (tgt, f">>{tgt}<<"):
            if candidate in supported:
                return candidate + " "
        return ""

    def check_codes(self, tokenizer: Any, src: str, tgt: str) -> None:
        return None  # language is implicit in the model (or in the optional >>tgt<< prefix)


class LanguageTokens(Family):
    """Multilingual families: the tokenizer prepends the source-language token, and the
    target-language token is forced as the first generated token."""

    def tokenizer_kwargs(self, src: str, tgt: str) -> dict[str, Any]:
        return {"src_lang": src, "tgt_lang": tgt}

    def prepare_tokenizer(self, tokenizer: Any, src: str, tgt: str) -> None:
        tokenizer.src_lang = src

    def generation_ids(self, tokenizer: Any, src: str, tgt: str) -> dict[str, int]:
        return {"forced_bos_token_id": int(tokenizer.convert_tokens_to_ids(tgt))}


class Nllb(LanguageTokens):
    """NLLB-200: ``arb_Arab`` → ``eng_Latn``; the source code leads the encoder input and
    the target code is forced as the first generated token."""

    name = "nllb"
    title = "NLLB-200"
    model_types = ("m2m_100",)
    tokenizer_classes = ("NllbTokenizer", "NllbTokenizerFast")
    codes: ClassVar[dict[str, str]] = {"ar": "arb_Arab", "en": "eng_Latn", "fr": "fra_Latn", "de": "deu_Latn"}


class M2M100(LanguageTokens):
    """M2M100: ``ar`` → ``en``, language tokens ``__ar__`` / ``__en__``."""

    name = "m2m100"
    title = "M2M100"
    model_types = ("m2m_100",)
    tokenizer_classes = ("M2M100Tokenizer",)
    codes: ClassVar[dict[str, str]] = {"ar": "ar", "en": "en"}

    def generation_ids(self, tokenizer: Any, src: str, tgt: str) -> dict[str, int]:
        return {"forced_bos_token_id": int(tokenizer.get_lang_id(tgt))}

    def check_codes(self, tokenizer: Any, src: str, tgt: str) -> None:
        known = getattr(tokenizer, "lang_code_to_id", {})
        for code in (src, tgt):
            if code not in known:
                raise UserError(f"{self.title}: the tokenizer has no language code {code!r}")


class MBart50(LanguageTokens):
    """mBART-50 many-to-many: ``ar_AR`` → ``en_XX``; decoding starts with ``</s>`` and the
    target code is forced next."""

    name = "mbart50"
    title = "mBART-50"
    model_types = ("mbart",)
    tokenizer_classes = ("MBart50Tokenizer", "MBart50TokenizerFast")
    codes: ClassVar[dict[str, str]] = {"ar": "ar_AR", "en": "en_XX", "fr": "fr_XX", "de": "de_DE"}


FAMILIES: dict[str, Family] = {f.name: f for f in (Marian(), Nllb(), M2M100(), MBart50())}


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise UserError(f"unknown model family {name!r} "
                        f"(known: {', '.join(sorted(FAMILIES))})") from None


def detect(model_type: str | None, tokenizer_class: str | None) -> Family:
    """The family of a model from ``config.json``'s model_type and the tokenizer class."""
    candidates = [f for f in FAMILIES.values() if model_type in f.model_types]
    if tokenizer_class:
        for f in candidates:
            if tokenizer_class in f.tokenizer_classes:
                return f
    if len(candidates) == 1:
        return candidates[0]
    if candidates:  # m2m_100 without a telling tokenizer class: the plain M2M100 family
        return FAMILIES["m2m100"]
    raise UserError(f"unsupported model type {model_type!r} (supported: "
                    f"{', '.join(sorted({t for f in FAMILIES.values() for t in f.model_types}))});"
                    f" name a family in a model card")
