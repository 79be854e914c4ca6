"""Automatic metrics (sacrebleu), significance tests, human scores and agreement.

May import: ``mtreview.core``, numpy, sacrebleu (torch only inside neural metrics, lazily).
Never a UI, report, export or translate.

- ``registry``      METRICS: one small class per metric, declaring what it needs (kind of
                    statistics — summed sufficient statistics or per-segment scores — refs,
                    source, significance, direction, score range); adding a metric touches
                    one file, and no other module tests a metric's name
- ``stats``         per-segment statistics cached in the store: one block per system, metric
                    + sacrebleu signature and reference hash; a row, the segment id and a
                    64-bit hypothesis hash per segment; rows are reused by (segment, text
                    hash) across systems, so adding a system computes only its new lines
                    and a warm report reads one block per system and metric
- ``fast``          exact vectorised BLEU/chrF sufficient statistics of all systems at once:
                    13a tokenisation as boundaries over UTF-32 code points, n-gram keys
                    re-ranked per segment, one sort per metric, counts as running sums
- ``ter``           sacrebleu's TER (shifts, beam edit distance) exactly, many pairs at once:
                    a vectorised beam DP for traces, rapidfuzz where provably equal
- ``significance``  sacrebleu's paired bootstrap and approximate randomisation in bounded
                    memory: chunks of draws, one product over every system and metric
                    per chunk, float32 where exact; WMT clusters
- ``human``         DA/ESA means and z-scores, MQM penalties (weights: core.protocols),
                    Pearson / Kendall tau-b against metrics
- ``agreement``     Krippendorff's alpha (interval), span F1 between reviewers
"""
