"""How work is cut into batches and where it runs: one home for translation and training.

* ``length_batches``: indices cut into batches of at most ``budget`` padded tokens (times
  beams), in a given order — longest first for translation (``make_batches``), a noisy length
  order then shuffled for training (``mtreview.train``);
* ``static_shape``: the one batch shape of the static-cache mode;
* ``group_texts``: identical texts translated once, empty texts never;
* ``resolve_device``, ``resolve_dtype``, ``auto_threads``: where and how a model runs;
* ``BatchTranslator``: the batch loop every translation engine shares (grouping, batches,
  the batch log), and ``generation_cap``, the per-batch length limit.

torch is imported inside the functions that need it only.
"""

from __future__ import annotations

import json
import math
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from mtreview.errors import UserError

MAX_BATCH_SENTENCES = 256
DTYPES = ("auto", "float32", "bfloat16", "float16")


# -- batches ----------------------------------------------------------------------------
def length_batches(order: Iterable[int], lengths: Sequence[int], budget: int, *,
                   beams: int = 1, width: int = 0,
                   max_rows: int | None = None) -> list[list[int]]:
    """Cut ``order`` (indices into ``lengths``) into consecutive batches whose padded size
    (rows x longest length x beams) stays within ``budget``; a batch has at least one row
    and at most ``max_rows``. ``width``: every batch is padded to at least this many tokens."""
    batches: list[list[int]] = []
    current: list[int] = []
    longest = width
    for i in order:
        w = max(longest, lengths[i])
        if current and ((len(current) + 1) * w * beams > budget
                        or (max_rows is not None and len(current) >= max_rows)):
            batches.append(current)
            current, w = [], max(width, lengths[i])
        current.append(i)
        longest = w
    if current:
        batches.append(current)
    return batches


def make_batches(lengths: Sequence[int], batch_tokens: int, beams: int = 1,
                 width: int = 0) -> list[list[int]]:
    """Translation batches: indices sorted by length (longest first), each batch at most
    ``batch_tokens`` padded source tokens times beams and ``MAX_BATCH_SENTENCES`` rows."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return length_batches(order, lengths, batch_tokens, beams=beams, width=width,
                          max_rows=MAX_BATCH_SENTENCES)


def static_shape(lengths: Sequence[int], batch_tokens: int, beams: int) -> tuple[int, int]:
    """(rows, width) of every batch in static cache mode: the longest source rounded up to
    a multiple of 8, and as many rows as ``batch_tokens`` allows at that width."""
    width = max(8, -(-max(lengths, default=1) // 8) * 8)
    return max(1, min(MAX_BATCH_SENTENCES, batch_tokens // (width * beams))), width


def group_texts(texts: Sequence[str]) -> tuple[list[int], list[str], list[list[int]]]:
    """(indices of empty texts, the distinct non-empty texts, the indices of each)."""
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        groups.setdefault(t, []).append(i)
    empty = [i for t in [t for t in groups if not t.strip()] for i in groups.pop(t)]
    unique = list(groups)
    return empty, unique, [groups[t] for t in unique]


# -- devices ----------------------------------------------------------------------------
def auto_threads() -> int:
    """CPU threads: every core when the machine is mostly idle (1-minute load average under
    3/4 of the cores), else the cores not already busy.

    Torch's default (one thread per core) collapses when other processes keep the cores
    busy: its OpenMP workers wait for each other at every operation, and generation gets
    tens of times slower. On an idle machine this is every core.
    """
    cores = len(os.sched_getaffinity(0))
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    if busy < 0.75 * cores:  # mostly idle (the load may be our own earlier work): all cores
        return cores
    return max(1, min(cores, round(cores - busy)))


def resolve_device(device: str, cuda_available: bool | None = None) -> str:
    """"auto" → "cuda" when available, else "cpu"; "cpu", "cuda", "cuda:N" are checked.
    ``cuda_available``: for engines that are not torch (default: ask torch)."""
    if cuda_available is None:
        import torch

        cuda_available = torch.cuda.is_available()
    if device == "auto":
        return "cuda" if cuda_available else "cpu"
    base = device.split(":", 1)[0]
    if base not in ("cpu", "cuda") or (base == "cpu" and device != "cpu") or (
            ":" in device and not device.split(":", 1)[1].isdigit()):
        raise UserError(f"invalid --device {device!r} (choose from auto, cpu, cuda, cuda:N)")
    if base == "cuda" and not cuda_available:
        raise UserError(f"--device {device}: CUDA is not available on this machine")
    return device


def resolve_dtype(dtype: str, device: str) -> str:
    """"auto" → bfloat16 (or float16) on CUDA, float32 on CPU; the others are checked."""
    if dtype not in DTYPES:
        raise UserError(f"invalid --dtype {dtype!r} (choose from {', '.join(DTYPES)})")
    if dtype == "auto":
        if device.startswith("cuda"):
            import torch

            return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        return "float32"
    if dtype == "float16" and device == "cpu":
        raise UserError("--dtype float16 is not supported on CPU (use float32 or bfloat16)")
    return dtype


def torch_device(name: str):
    """A torch.device for training: resolved like ``resolve_device``; on the CPU denormals
    are flushed (much faster on tiny values, no change to results that matter)."""
    import torch

    resolved = resolve_device(name)
    if resolved == "cpu":
        torch.set_flush_denormal(True)
    return torch.device(resolved)


# -- the batch loop shared by the engines -----------------------------------------------
class BatchTranslator:
    """What every engine's translator shares: ``translate`` and ``translate_batches`` over
    three engine methods: ``encode(texts) -> token ids``, ``plan(lengths) -> (batches,
    shape)`` and ``run_batch(batch, ids, members, keys, shape)``, which yields (part of the
    batch, translations, target tokens). ``settings`` and ``log_path`` are attributes.

    An engine with its own worker threads (CTranslate2) overrides ``start_batch`` to submit a
    batch at once and sets ``parallel``: that many batches run while the loop waits for the
    oldest; results are still yielded in batch order."""

    settings: Any
    log_path: str | None = None
    parallel: int = 1

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        raise NotImplementedError

    def plan(self, lengths: Sequence[int]) -> tuple[list[list[int]], tuple[int, int] | None]:
        s = self.settings
        return make_batches(lengths, s.batch_tokens, s.beams), None

    def run_batch(self, batch: list[int], ids: list[list[int]], members: list[list[int]],
                  keys: Sequence[Any] | None, shape: tuple[int, int] | None
                  ) -> Iterator[tuple[list[int], list[str], int]]:
        raise NotImplementedError

    def start_batch(self, batch: list[int], ids: list[list[int]], members: list[list[int]],
                    keys: Sequence[Any] | None, shape: tuple[int, int] | None
                    ) -> Callable[[], Iterable[tuple[list[int], list[str], int]]]:
        """Start a batch; the function returned waits for it and gives what ``run_batch``
        yields. By default nothing starts before it is called."""
        return lambda: self.run_batch(batch, ids, members, keys, shape)

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate texts (any order, duplicates allowed); returns them in input order."""
        out: list[str] = [""] * len(texts)
        for indices, outputs, _ in self.translate_batches(list(texts)):
            for i, text in zip(indices, outputs):
                out[i] = text
        return out

    def translate_batches(self, texts: list[str], keys: Sequence[Any] | None = None
                          ) -> Iterator[tuple[list[int], list[str], int]]:
        """Yield (indices into texts, translations, target tokens) batch by batch.

        Identical texts are translated once; empty texts give "" without the model.
        """
        empty, unique, members = group_texts(texts)
        if empty:
            yield empty, [""] * len(empty), 0
        ids = self.encode(unique)
        batches, shape = self.plan([len(x) for x in ids])
        pending: deque[Callable[[], Iterable[tuple[list[int], list[str], int]]]] = deque()
        for k, batch in enumerate(batches):
            pending.append(self.start_batch(batch, ids, members, keys, shape))
            while pending and (len(pending) > self.parallel or k == len(batches) - 1):
                for part, outputs, n_tokens in pending.popleft()():
                    indices = [i for j in part for i in members[j]]
                    texts_out = [o for j, o in zip(part, outputs) for _ in members[j]]
                    yield indices, texts_out, n_tokens

    def log_batch(self, entry: dict[str, Any], members: list[list[int]],
                  keys: Sequence[Any] | None) -> None:
        """Append one JSON line about a batch to ``log_path`` (``MTREVIEW_TRANSLATE_LOG``)."""
        if not self.log_path:
            return
        seg = [[(keys[i] if keys is not None else i) for i in m] for m in members]
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"segments": seg, **entry}) + "\n")


def generation_cap(settings: Any, width: int) -> int:
    """Most new tokens for a batch whose longest source has ``width`` tokens: at most
    ``max_len_a * width + max_len_b`` (so a degenerate repetition cannot run away), capped
    by ``max_new_tokens``."""
    s = settings
    return min(s.max_new_tokens,
               max(s.min_new_tokens + 1, math.ceil(s.max_len_a * width) + s.max_len_b))
