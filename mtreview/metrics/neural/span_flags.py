"""xCOMET's predicted error spans as flags (check ``xcomet``), which the review UI suggests
as error spans (see :mod:`mtreview.tui.suggest`), as ESA-AI pre-fills spans from a metric.

One flag per segment and severity: ``minor`` and ``major`` spans give flags of that
severity; ``critical`` spans a ``major`` flag (flags have no critical) whose message says
critical. A span's bounds leave out the spaces at its edges (xCOMET's token offsets start
at the space before a word). torch is imported only when spans are computed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from mtreview.core.types import Flag, SpanRef

CHECK_ID = "xcomet"
FLAG_SEVERITY = {"critical": "major", "major": "major", "minor": "minor"}


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def span_flags(seg_ids: Sequence[int], targets: Sequence[str],
               spans: Sequence[list[dict]], system: str) -> Iterator[Flag]:
    """The flags of one system's translations (``spans``: per segment, as
    :func:`mtreview.metrics.neural.segment_spans` gives them)."""
    for seg_id, text, found in zip(seg_ids, targets, spans):
        for severity in FLAG_SEVERITY:
            bounds = [(*_trimmed(text, s["start"], s["end"]), s["confidence"])
                      for s in found if s["severity"] == severity]
            bounds = [b for b in bounds if b[0] < b[1]]
            if not bounds:
                continue
            shown = ", ".join(f"“{text[a:b]}” {c:.2f}" for a, b, c in bounds)
            yield Flag(CHECK_ID, FLAG_SEVERITY[severity], system, (seg_id,),
                       tuple(text[a:b] for a, b, _ in bounds),
                       f"xCOMET predicts {severity} errors (confidence): {shown}",
                       tuple(SpanRef(seg_id, "tgt", a, b, system) for a, b, _ in bounds))


def run_xcomet(project: Any, model: str, systems: Sequence[str], limit: int | None = None,
               precision: str = "auto") -> list[Flag]:
    """The flags of ``systems`` of ``project`` from the xCOMET checkpoint ``model`` (with
    the first reference where the project has references, else reference-free); not saved.
    Raises ``UserError`` when the checkpoint predicts no spans."""
    from mtreview.errors import UserError
    from mtreview.metrics import neural

    store = project.store
    references = store.references()
    metric = "comet" if references else "cometkiwi"
    if not neural.gives_spans(metric, model):
        raise UserError(f"{model}: not an xCOMET checkpoint (it predicts no error spans)")
    ckpt = neural.checkpoint(metric, model)
    prec = neural.resolve_precision(precision)
    sources = {s.id: s.source for s in store.segments()}
    flags: list[Flag] = []
    for system in systems:
        texts = sorted((i, t) for i, t in store.translations(system).items() if t.strip())
        texts = texts[:limit] if limit else texts
        ids, targets = [i for i, _ in texts], [t for _, t in texts]
        refs = [references.get(i, [""])[0] for i in ids] if references else None
        spans = neural.segment_spans(ckpt, targets, [sources[i] for i in ids], refs,
                                     f"xCOMET {system}", prec)
        flags += span_flags(ids, targets, spans, system)
    return flags
