"""Quality estimation from the translation model itself: forced decoding of a system's
translation with a local model gives each target token its probability; a word's is the
lowest of its pieces'. The least likely words of a segment (below ``threshold``, at most
``per_segment``) become a ``model-qe`` flag with one span per word, which the review UI shows
as suggested spans (see :mod:`mtreview.tui.suggest`).

The signal is only as good as the model: with the bundled demo model (FLORES BLEU 3.8) most
words of a good translation look unlikely; use a real model (OPUS-MT, NLLB) for reviews.
torch and transformers are imported inside the functions only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from mtreview.core.types import Flag, SpanRef

CHECK_ID = "model-qe"
_TOKEN = re.compile(r"\S+")


def word_probabilities(model: Any, tokenizer: Any, sources: Sequence[str],
                       targets: Sequence[str], prefix: str = ""
                       ) -> list[list[tuple[int, int, float]] | None]:
    """Per target: (start, end, probability) of each whitespace-separated word, or None
    when the tokenizer's pieces do not line up with the words (nothing is guessed)."""
    import torch

    enc = tokenizer([prefix + s for s in sources], text_target=list(targets),
                    return_tensors="pt", padding=True, truncation=True)
    enc = {k: v.to(model.device) for k, v in enc.items()}
    labels = enc["labels"]
    pad = tokenizer.pad_token_id
    enc["labels"] = labels.masked_fill(labels == pad, -100)
    with torch.no_grad():
        logits = model(**enc).logits
    probs = logits.log_softmax(-1).gather(-1, labels.clamp(min=0)[..., None])[..., 0].exp()
    special = set(tokenizer.all_special_ids)
    out: list[list[tuple[int, int, float]] | None] = []
    for row, target in zip(range(labels.shape[0]), targets):
        words: list[float] = []
        for tid, p in zip(labels[row].tolist(), probs[row].tolist()):
            if tid in special:
                continue
            piece = tokenizer.convert_ids_to_tokens(tid)
            if piece.startswith("▁") or not words:
                words.append(p)
            else:
                words[-1] = min(words[-1], p)
        spans = [m.span() for m in _TOKEN.finditer(target)]
        out.append([(a, b, p) for (a, b), p in zip(spans, words)]
                   if len(spans) == len(words) else None)
    return out


def qe_flags(seg_ids: Sequence[int], targets: Sequence[str],
             scored: Sequence[list[tuple[int, int, float]] | None], system: str,
             threshold: float, per_segment: int) -> Iterator[Flag]:
    """One flag per segment with its least likely words as spans."""
    for seg_id, text, words in zip(seg_ids, targets, scored):
        low = sorted((w for w in words or () if w[2] < threshold), key=lambda w: w[2])
        low = sorted(low[:per_segment])
        if not low:
            continue
        shown = ", ".join(f"“{text[a:b]}” {p:.3g}" for a, b, p in low)
        yield Flag(CHECK_ID, "minor", system, (seg_id,), tuple(text[a:b] for a, b, _ in low),
                   f"the model finds these words unlikely (probability): {shown}",
                   tuple(SpanRef(seg_id, "tgt", a, b, system) for a, b, _ in low))


def run_qe(project: Any, spec: Any, systems: Sequence[str], threshold: float = 0.01,
           per_segment: int = 3, batch: int = 16, limit: int | None = None) -> list[Flag]:
    """Score ``systems`` of ``project`` with the model ``spec``; the flags (not saved)."""
    from mtreview.translate.engine import load_model
    from mtreview.translate.families import get_family

    model, tokenizer = load_model(spec)
    prefix = get_family(spec.family).source_prefix(tokenizer, spec.src, spec.tgt)
    store = project.store
    sources = {s.id: s.source for s in store.segments()}
    flags: list[Flag] = []
    for system in systems:
        texts = sorted((i, t) for i, t in store.translations(system).items() if t.strip())
        texts = texts[:limit] if limit else texts
        for k in range(0, len(texts), batch):
            part = texts[k:k + batch]
            ids, targets = [i for i, _ in part], [t for _, t in part]
            scored = word_probabilities(model, tokenizer, [sources[i] for i in ids], targets,
                                        prefix)
            flags += qe_flags(ids, targets, scored, system, threshold, per_segment)
    return flags
