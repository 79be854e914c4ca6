"""Build small translation models of every family from a config, with tokenizers trained
here on real Arabic/English lines, and save them with ``save_pretrained`` (nothing comes
from a hub). Used by the tests (tiny models) and the benchmark (a realistically sized Marian).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

FAMILY_CODES = {"marian": (None, None), "nllb": ("arb_Arab", "eng_Latn"),
                "m2m100": ("ar", "en"), "mbart50": ("ar_AR", "en_XX")}


def _spm(prefix: Path, lines: Sequence[str], vocab_size: int):
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(prefix), vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, minloglevel=2, hard_vocab_limit=False,
        bos_id=-1 if "marian" in str(prefix) else 1)
    return spm.SentencePieceProcessor(model_file=f"{prefix}.model")


def marian_tokenizer(out: Path, ar: Sequence[str], en: Sequence[str], vocab_size: int = 500):
    from transformers import MarianTokenizer

    work = out / "_spm"
    work.mkdir(parents=True, exist_ok=True)
    src = _spm(work / "marian-source", ar, vocab_size)
    tgt = _spm(work / "marian-target", en, vocab_size)
    vocab = {"</s>": 0, "<unk>": 1}
    for sp in (src, tgt):
        for i in range(sp.get_piece_size()):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return MarianTokenizer(source_spm=str(work / "marian-source.model"),
                           target_spm=str(work / "marian-target.model"),
                           vocab=str(work / "vocab.json"))


def nllb_tokenizer(out: Path, ar: Sequence[str], en: Sequence[str], vocab_size: int = 600):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import NllbTokenizer

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.decoder = decoders.Metaspace()
    bpe.train_from_iterator(list(ar) + list(en), trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>"]))
    merges = json.loads(bpe.to_str())["model"]["merges"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in merges]
    return NllbTokenizer(vocab=bpe.get_vocab(), merges=merges, src_lang="arb_Arab",
                         tgt_lang="eng_Latn")


def m2m100_tokenizer(out: Path, ar: Sequence[str], en: Sequence[str], vocab_size: int = 500):
    from transformers import M2M100Tokenizer

    work = out / "_spm"
    work.mkdir(parents=True, exist_ok=True)
    sp = _spm(work / "m2m", list(ar) + list(en), vocab_size)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    (work / "m2m-vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return M2M100Tokenizer(vocab_file=str(work / "m2m-vocab.json"),
                           spm_file=str(work / "m2m.model"), src_lang="ar", tgt_lang="en")


def mbart50_tokenizer(out: Path, ar: Sequence[str], en: Sequence[str], vocab_size: int = 500):
    from transformers import MBart50Tokenizer

    work = out / "_spm"
    work.mkdir(parents=True, exist_ok=True)
    sp = _spm(work / "mbart", list(ar) + list(en), vocab_size)
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    return MBart50Tokenizer(vocab=vocab, src_lang="ar_AR", tgt_lang="en_XX")


TOKENIZERS = {"marian": marian_tokenizer, "nllb": nllb_tokenizer,
              "m2m100": m2m100_tokenizer, "mbart50": mbart50_tokenizer}


def vocab_size_of(tok) -> int:
    ids = list(tok.get_vocab().values()) + list(getattr(tok, "lang_code_to_id", {}).values())
    return max(len(tok), max(ids) + 1)


def build_model(family: str, out: Path, ar: Sequence[str], en: Sequence[str], *,
                d_model: int = 32, layers: int = 1, heads: int = 2, ffn: int = 64,
                vocab: int = 500, seed: int = 0) -> Path:
    """A randomly initialised model of ``family`` saved under ``out`` (returned)."""
    import torch
    from transformers import (
        M2M100Config,
        M2M100ForConditionalGeneration,
        MarianConfig,
        MarianMTModel,
        MBartConfig,
        MBartForConditionalGeneration,
    )

    torch.manual_seed(seed)
    tok = TOKENIZERS[family](out.parent / f"_{out.name}_work", ar, en, vocab)
    size = dict(vocab_size=vocab_size_of(tok), d_model=d_model, encoder_layers=layers,
                decoder_layers=layers, encoder_attention_heads=heads,
                decoder_attention_heads=heads, encoder_ffn_dim=ffn, decoder_ffn_dim=ffn,
                max_position_embeddings=256)
    if family == "marian":
        pad = tok.pad_token_id
        config = MarianConfig(**size, pad_token_id=pad, decoder_start_token_id=pad,
                              eos_token_id=tok.eos_token_id, forced_eos_token_id=tok.eos_token_id)
        model = MarianMTModel(config)
    elif family == "mbart50":
        config = MBartConfig(**size, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                             decoder_start_token_id=2, forced_eos_token_id=2)
        model = MBartForConditionalGeneration(config)
    else:
        config = M2M100Config(**size, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                              decoder_start_token_id=2)
        model = M2M100ForConditionalGeneration(config)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
