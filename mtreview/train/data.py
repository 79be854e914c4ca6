"""Training data: corpus lines, the shared SentencePiece tokenizer (NFKC plus Arabic rules),
token ids, length-bucketed batches (cut by ``mtreview.translate.batching``) and padded tensors.
"""

from __future__ import annotations

import io
import json
import os
import random
import unicodedata
from pathlib import Path

from mtreview.errors import UserError
from mtreview.translate.batching import length_batches

PAD, UNK, EOS = "<pad>", "<unk>", "</s>"
UNK_ID, EOS_ID, PAD_ID = 0, 1, 2


def read_corpus_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 text file, gzip-compressed when the name ends in .gz."""
    from mtreview.core.ingest import read_lines

    return read_lines(Path(path))


def read_parallel(source: Path, target: Path) -> tuple[list[str], list[str]]:
    """Aligned (source, target) lines; pairs with an empty side are dropped."""
    src, tgt = read_corpus_lines(source), read_corpus_lines(target)
    if len(src) != len(tgt):
        raise UserError(f"{source} has {len(src)} lines but {target} has {len(tgt)}: "
                        "the files must be line-aligned")
    pairs = [(s.strip(), t.strip()) for s, t in zip(src, tgt) if s.strip() and t.strip()]
    if len(pairs) < 10:
        raise UserError(f"{source}: only {len(pairs)} non-empty sentence pairs; need at least 10")
    return [s for s, _ in pairs], [t for _, t in pairs]


# -- tokenizer ----------------------------------------------------------------------------
ARABIC_DROPPED = [*range(0x064B, 0x0653), 0x0670, 0x0640]  # harakat, dagger alif, tatweel
ARABIC_DIGITS = {**{0x0660 + i: 0x30 + i for i in range(10)},
                 **{0x06F0 + i: 0x30 + i for i in range(10)}}


def normalization_rules() -> str:
    """SentencePiece normalisation rules (TSV of hex code points): NFKC + Arabic rules."""
    rules = [f"{cp:X}\t" for cp in ARABIC_DROPPED]
    rules += [f"{cp:X}\t{to:X}" for cp, to in ARABIC_DIGITS.items()]
    special = set(ARABIC_DROPPED) | set(ARABIC_DIGITS)
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp < 0xE000 or cp in special:
            continue
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if nfkc != chr(cp):
            rules.append(f"{cp:X}\t" + " ".join(f"{ord(c):X}" for c in nfkc))
    return "\n".join(rules) + "\n"


def train_tokenizer(src: list[str], tgt: list[str], out: Path, vocab_size: int,
                    seed: int = 1) -> None:
    """Train one shared SentencePiece unigram model and write Marian tokenizer files."""
    import sentencepiece as spm
    from transformers import MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    rules = out / "normalization.tsv"
    rules.write_text(normalization_rules(), encoding="utf-8")
    sentences = src + tgt
    random.Random(seed).shuffle(sentences)
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences), model_writer=model, model_type="unigram",
            vocab_size=vocab_size, hard_vocab_limit=False, character_coverage=0.9999,
            normalization_rule_tsv=str(rules), unk_id=UNK_ID, eos_id=EOS_ID, pad_id=PAD_ID,
            bos_id=-1, unk_piece=UNK, eos_piece=EOS, pad_piece=PAD,
            num_threads=os.cpu_count() or 1, input_sentence_size=2_000_000,
            shuffle_input_sentence=True, max_sentence_length=8192, minloglevel=2)
    finally:
        rules.unlink()
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(model.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"),
                          str(out / "vocab.json"), source_lang="ar", target_lang="en",
                          unk_token=UNK, eos_token=EOS, pad_token=PAD, model_max_length=512)
    tok.save_pretrained(str(out))


def encode_pairs(spm_file: Path, src: list[str], tgt: list[str], max_len: int):
    """Token ids (each ending in </s>) of the pairs whose two sides fit in ``max_len``."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(spm_file))
    s_ids = sp.encode(src, out_type=int)
    t_ids = sp.encode(tgt, out_type=int)
    kept = [(s + [EOS_ID], t + [EOS_ID]) for s, t in zip(s_ids, t_ids)
            if len(s) < max_len and len(t) < max_len]
    return [s for s, _ in kept], [t for _, t in kept]


def token_batches(src, tgt, batch_tokens: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar lengths, each with padded size <= batch_tokens, shuffled."""
    lengths = [max(len(s), len(t)) for s, t in zip(src, tgt)]
    order = sorted(range(len(src)), key=lambda i: (lengths[i] + rng.random(), rng.random()))
    batches = length_batches(order, lengths, batch_tokens)
    rng.shuffle(batches)
    return batches


def collate(src, tgt, idx: list[int], device):
    """Padded tensors: encoder input, attention mask, decoder input (shifted), labels."""
    import torch

    s = [src[i] for i in idx]
    t = [tgt[i] for i in idx]
    # lengths rounded up to a multiple of 8: fewer distinct shapes (kernel selection and
    # allocator caching on CUDA); the padding is masked, so the result is unchanged
    ls, lt = (-(-max(map(len, x)) // 8) * 8 for x in (s, t))
    inp = torch.full((len(idx), ls), PAD_ID, dtype=torch.long)
    lab = torch.full((len(idx), lt), -100, dtype=torch.long)
    dec = torch.full((len(idx), lt), PAD_ID, dtype=torch.long)
    for row, (a, b) in enumerate(zip(s, t)):
        inp[row, : len(a)] = torch.tensor(a)
        lab[row, : len(b)] = torch.tensor(b)
        dec[row, 1: len(b)] = torch.tensor(b[:-1])
    mask = inp.ne(PAD_ID)
    pin = device.type == "cuda"
    return tuple((x.pin_memory() if pin else x).to(device, non_blocking=True)
                 for x in (inp, mask, dec, lab))

