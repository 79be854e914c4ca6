"""TER statistics identical to sacrebleu's, many segments at once.

sacrebleu's TER (``sacrebleu.metrics.lib_ter``, after Tercom) shifts phrases of the
hypothesis greedily: in each round it takes the edit trace of the current hypothesis,
lists shift candidates in a fixed order (hypothesis start, reference start, length; only
phrases that are wrong on both sides, at most ``MAX_SHIFT_SIZE`` words and
``MAX_SHIFT_DIST`` positions apart; targets from the alignment), scores each by the edit
distance of the shifted hypothesis and applies the best one (largest gain, then longest,
earliest start, earliest target) while it gains. A pair stops after
``MAX_SHIFT_CANDIDATES`` candidates in all, the round that reaches it being discarded.
Its edit distance is a *beam* Levenshtein distance: row ``i`` (hypothesis word) only fills
the columns within ``beam`` of the pseudo-diagonal ``floor(i · n_ref / n_hyp)``, and the
trace prefers substitution/match, then deletion, then insertion.

Here, the same algorithm, with its cost moved out of Python loops:

* The trace of every active pair is one beam DP vectorised over pairs and columns
  (:func:`beam_distance`): the insertion chain of a row is a running minimum
  (``cur[j] = j + cummin(a[k] - k)``), ties broken as sacrebleu breaks them.
* A candidate's distance is the plain Levenshtein distance (rapidfuzz, C) whenever that is
  at most ``EXACT_BELOW``: a path of cost ``d`` stays within ``d`` columns of the
  pseudo-diagonal, so with ``d ≤ beam - 5`` the beam contains an optimal path and the
  beam distance equals it. The other candidates go through the vectorised beam DP.

``tests/report/test_ter.py`` checks equality with sacrebleu segment by segment (FLORES +
BLOOM, the OPUS-MT first-40 systems, MADAR's six systems, adversarial cases).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

MAX_SHIFT_SIZE = 10
MAX_SHIFT_DIST = 50
BEAM_WIDTH = 25
MAX_SHIFT_CANDIDATES = 1000
EXACT_BELOW = BEAM_WIDTH - 5  # Levenshtein ≤ this equals the beam distance
INF = 10 ** 16
BIG = 1 << 62
OP_NONE, OP_NOP, OP_SUB, OP_DEL, OP_INS = 0, 1, 2, 3, 4
CHUNK_CELLS = 1 << 21  # pairs × columns per vectorised DP batch


def beam_distance(hyps: Sequence[Sequence[int]], refs: Sequence[Sequence[int]],
                  trace: bool = False) -> tuple[np.ndarray, list | None]:
    """sacrebleu's beam edit distance of each (hypothesis, reference) pair of word ids.

    Returns the distances and, with ``trace``, for each pair its operations row by row
    (its path of op codes from the start).
    """
    k = len(hyps)
    out = np.zeros(k, dtype=np.int64)
    ops: list | None = [None] * k if trace else None
    n_h = np.fromiter(map(len, hyps), dtype=np.int64, count=k)
    order = np.argsort(n_h, kind="stable")
    start = 0
    while start < k:  # batches of similar hypothesis length
        width = max(len(refs[order[start]]), 1) + 1
        stop = start + 1
        while stop < k and (stop - start + 1) * max(width, len(refs[order[stop]]) + 1) \
                <= CHUNK_CELLS:
            width = max(width, len(refs[order[stop]]) + 1)
            stop += 1
        part = order[start:stop]
        dist, part_ops = _beam_batch([hyps[i] for i in part], [refs[i] for i in part], trace)
        out[part] = dist
        if ops is not None:
            for i, o in zip(part, part_ops):
                ops[i] = o
        start = stop
    return out, ops


def _beam_batch(hyps: list, refs: list, trace: bool) -> tuple[np.ndarray, list]:
    """:func:`beam_distance` of pairs sorted by hypothesis length: row ``i`` only touches
    the pairs still running (a suffix), and paths are walked back for all pairs at once."""
    k = len(hyps)
    n_h = np.array([len(h) for h in hyps], dtype=np.int64)
    n_r = np.array([len(r) for r in refs], dtype=np.int64)
    big_h, big_r = int(n_h.max()), int(n_r.max())
    hyp = np.full((k, max(big_h, 1)), -1, dtype=np.int64)
    ref = np.full((k, max(big_r, 1)), -2, dtype=np.int64)
    for i, (h, r) in enumerate(zip(hyps, refs)):
        hyp[i, :len(h)] = h
        ref[i, :len(r)] = r
    cols = np.arange(big_r + 1, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n_h > 0, n_r / np.where(n_h > 0, n_h, 1), 1.0)
    beam = np.where(BEAM_WIDTH < ratio / 2, np.ceil(ratio / 2 + BEAM_WIDTH),
                    BEAM_WIDTH).astype(np.int64)
    prev = np.where(cols <= n_r[:, None], cols, INF)  # the first row: insertions
    dist = np.where(n_h == 0, n_r, 0)
    table = np.zeros((k, big_h + 1, big_r + 1), dtype=np.int8) if trace else None
    if table is not None:
        table[:, 0, :] = OP_INS
    first = 0
    for i in range(1, big_h + 1):
        while n_h[first] < i:  # sorted: the finished pairs are a prefix
            first += 1
        sl = slice(first, k)
        pv = prev[sl]
        neq = hyp[sl, i - 1:i] != ref[sl]
        pd = np.floor(i * ratio[sl]).astype(np.int64)
        lo = np.maximum(0, pd - beam[sl])
        hi = np.where(n_h[sl] == i, n_r[sl] + 1, np.minimum(n_r[sl] + 1, pd + beam[sl]))
        band = (cols >= lo[:, None]) & (cols < hi[:, None])
        a = np.full_like(pv, INF)
        np.minimum(pv[:, :-1] + neq, INF, out=a[:, 1:])  # match / substitution
        dele = pv + 1
        use_del = dele < a
        np.copyto(a, dele, where=use_del)
        cur = np.minimum(np.minimum.accumulate(np.where(band, a - cols, BIG), axis=1) + cols,
                         INF)  # the chain of insertions along the row
        if table is not None:
            op = np.full(pv.shape, OP_NONE, dtype=np.int8)
            op[:, 1:] = np.where(neq, OP_SUB, OP_NOP)
            op[a >= INF] = OP_NONE
            op[use_del] = OP_DEL
            op[cur < a] = OP_INS
            op[~band] = OP_NONE
            table[sl, i] = op
        prev[sl] = np.where(band, np.minimum(cur, a), INF)
        ended = np.flatnonzero(n_h[sl] == i) + first
        dist[ended] = prev[ended, n_r[ended]]
    return dist, _walk_back(table, n_h, n_r) if table is not None else []


def _walk_back(table: np.ndarray, n_h: np.ndarray, n_r: np.ndarray) -> list[list[int]]:
    """Each pair's operations from the start, read back from its end through ``table``."""
    k = len(n_h)
    i, j = n_h.copy(), n_r.copy()
    steps = []
    rows = np.arange(k)
    while True:
        running = (i > 0) | (j > 0)
        if not running.any():
            break
        op = np.where(running, table[rows, i, j], -1)
        if (running & (op == OP_NONE)).any():
            raise ValueError("TER beam search left the band")  # sacrebleu raises too
        steps.append(op)
        diag = (op == OP_NOP) | (op == OP_SUB)
        i -= (diag | (op == OP_DEL)).astype(np.int64)
        j -= (diag | (op == OP_INS)).astype(np.int64)
    if not steps:
        return [[] for _ in range(k)]
    path = np.stack(steps, axis=1)[:, ::-1]  # (k, steps): each row starts with -1 padding
    count = (path >= 0).sum(1)
    return [row[len(row) - c:] for row, c in zip(path.tolist(), count.tolist())]


def alignment(path: list[int], n_r: int) -> tuple[list[int], list[int], list[int]]:
    """sacrebleu's ``trace_to_alignment`` of the flipped trace ``path``: for each reference
    word the hypothesis position it aligns to, and the error flags of both sides."""
    align = [0] * n_r
    hyp_err: list[int] = []
    ref_err: list[int] = []
    ph = pr = -1
    for op in path:
        if op in (OP_NOP, OP_SUB):
            ph += 1
            pr += 1
            align[pr] = ph
            hyp_err.append(op - OP_NOP)
            ref_err.append(op - OP_NOP)
        elif op == OP_DEL:  # a hypothesis word: an insertion once flipped
            ph += 1
            hyp_err.append(1)
        else:  # a reference word: a deletion once flipped
            pr += 1
            align[pr] = ph
            ref_err.append(1)
    return align, hyp_err, ref_err


def _shifted(words: list[int], start: int, length: int, target: int) -> list[int]:
    """sacrebleu's ``_perform_shift``: move ``words[start:start+length]`` before ``target``."""
    if target < start:
        return words[:target] + words[start:start + length] + words[target:start] + \
            words[start + length:]
    if target > start + length:
        return words[:start] + words[start + length:target] + words[start:start + length] + \
            words[target:]
    return words[:start] + words[start + length:length + target] + \
        words[start:start + length] + words[length + target:]


class _Pair:
    """One hypothesis against one reference, shifted round by round."""

    def __init__(self, hyp: list[int], ref: list[int]):
        self.words, self.ref = hyp, ref
        self.where: dict[int, list[int]] = {}
        for j, w in enumerate(ref):
            self.where.setdefault(w, []).append(j)
        self.checked = self.shifts = 0
        self.edits = -1  # set when done

    def candidates(self, ops: list[int]) -> list[tuple[int, int, int]] | None:
        """This round's shift candidates (start, length, target) in sacrebleu's order, or
        None when they reach the overall limit (sacrebleu then keeps the hypothesis)."""
        wh, wr = self.words, self.ref
        nh, nr = len(wh), len(wr)
        align, hyp_err, ref_err = alignment(ops, nr)
        hyp_cum = [0]
        for e in hyp_err:
            hyp_cum.append(hyp_cum[-1] + e)
        ref_cum = [0]
        for e in ref_err:
            ref_cum.append(ref_cum[-1] + e)
        out: list[tuple[int, int, int]] = []
        checked = self.checked
        for sh in range(nh):
            for sr in self.where.get(wh[sh], ()):
                if abs(sr - sh) > MAX_SHIFT_DIST:
                    continue
                run = 1
                while run < MAX_SHIFT_SIZE and sh + run < nh and sr + run < nr and \
                        wh[sh + run] == wr[sr + run]:
                    run += 1
                for length in range(1, run + 1):
                    if hyp_cum[sh + length] == hyp_cum[sh]:
                        continue  # the hypothesis phrase is right where it is
                    if ref_cum[sr + length] == ref_cum[sr]:
                        continue  # the reference phrase is already matched
                    if sh <= align[sr] < sh + length:
                        continue  # a shift within the phrase
                    last = -1
                    for off in range(-1, length):
                        idx = 0 if sr + off == -1 else align[sr + off] + 1
                        if idx != last:
                            last = idx
                            out.append((sh, length, idx))
                            checked += 1
                    if checked >= MAX_SHIFT_CANDIDATES:
                        return None
        self.checked = checked
        return out


def ter_pairs(hyps: Sequence[list[int]], refs: Sequence[list[int]]) -> list[int]:
    """TER edits (shifts + beam edit distance) of each (hypothesis, reference) pair."""
    pairs = [_Pair(list(h), list(r)) for h, r in zip(hyps, refs)]
    for p in pairs:
        if not p.ref:
            p.edits = len(p.words)
    active = [p for p in pairs if p.edits < 0]
    while active:
        pre, ops = beam_distance([p.words for p in active], [p.ref for p in active], True)
        assert ops is not None
        todo: list[tuple[_Pair, int, list, list[int]]] = []
        later: list[tuple[int, int, list[int]]] = []  # (todo index, candidate, words)
        for p, score, o in zip(active, pre.tolist(), ops):
            cands = p.candidates(o)
            if not cands:  # none, or the limit reached: this hypothesis is final
                p.edits = p.shifts + score
                continue
            gains = []
            for c, (sh, length, idx) in enumerate(cands):
                words = _shifted(p.words, sh, length, idx)
                d = Levenshtein.distance(words, p.ref, score_cutoff=EXACT_BELOW)
                if d > EXACT_BELOW:
                    later.append((len(todo), c, words))
                gains.append(score - d)
            todo.append((p, score, cands, gains))
        if later:
            dist, _ = beam_distance([w for _, _, w in later],
                                    [todo[t][0].ref for t, _, _ in later])
            for (t, c, _), d in zip(later, dist.tolist()):
                todo[t][3][c] = todo[t][1] - d
        active = []
        for p, score, cands, gains in todo:
            best, key = -1, None
            for c, (sh, length, idx) in enumerate(cands):
                k = (gains[c], length, -sh, -idx)
                if key is None or k > key:
                    best, key = c, k
            if key is None or key[0] <= 0:
                p.edits = p.shifts + score
                continue
            sh, length, idx = cands[best]
            p.words = _shifted(p.words, sh, length, idx)
            p.shifts += 1
            active.append(p)
    return [p.edits for p in pairs]


def ter_stats(metric, hyps: Sequence[str], refs: Sequence[Sequence[str | None]]
              ) -> np.ndarray:
    """sacrebleu's TER statistics ``[edits, average reference length]`` per segment
    (``metric``: a sacrebleu ``TER``, whose tokenizer is used). ``refs`` may be longer than
    ``hyps`` by a whole multiple: then ``hyps`` are several systems' hypotheses one after
    the other, and a hypothesis equal to another system's for the same segment is computed
    once."""
    tok = metric._preprocess_segment
    n_seg = len(refs[0]) if refs else 0
    vocab: dict[str, int] = {}

    def ids(text: str) -> list[int]:
        return [vocab.setdefault(w, len(vocab)) for w in tok(text).split()]

    ref_ids = [[None if (ref := s[i]) is None else ids(ref) for s in refs] for i in range(n_seg)]
    h_ids: list[list[int]] = []
    r_ids: list[list[int]] = []
    rows: list[list[tuple[int, int]]] = []
    first: dict[tuple[int, str], int] = {}  # (segment, text) → its row in ``rows``
    for n, h in enumerate(hyps):
        i = n % n_seg
        key = (i, h)
        if key in first:
            rows.append(rows[first[key]])
            continue
        first[key] = n
        words = ids(h)
        pairs: list[tuple[int, int]] = []
        for r in ref_ids[i]:
            if r is not None:
                pairs.append((len(h_ids), len(r)))
                h_ids.append(words)
                r_ids.append(r)
        rows.append(pairs)
    edits = ter_pairs(h_ids, r_ids)
    out = np.zeros((len(hyps), 2))
    for n, pairs in enumerate(rows):
        out[n] = (min(edits[k] for k, _ in pairs), sum(length for _, length in pairs) / len(pairs))
    return out
