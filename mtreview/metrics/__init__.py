"""Automatic metrics (sacrebleu), significance tests, human scores and agreement.

May import: ``mtreview.core``, numpy, sacrebleu (torch only inside neural metrics, lazily).
Never a UI, report, export or translate.

- ``registry``      METRICS: one small class per metric; adding a metric touches one file
- ``stats``         per-segment statistics cached in the store: one block per system, metric
                    + sacrebleu signature and reference hash; a row, the segment id and a
                    64-bit hypothesis hash per segment, so a changed translation recomputes
                    one segment and a warm report reads one block per system and metric
- ``fast``          exact vectorised BLEU/chrF sufficient statistics of all systems at once:
                    13a tokenisation as boundaries over UTF-32 code points, n-gram keys
                    re-ranked per segment, one sort per metric, counts as running sums
- ``significance``  sacrebleu's paired bootstrap and approximate randomisation, vectorised
                    (resampled statistics as one matrix product per system), WMT clusters
- ``human``         DA/ESA means and z-scores, MQM penalties (weights: core.protocols),
                    Pearson / Kendall tau-b against metrics
- ``agreement``     Krippendorff's alpha (interval), span F1 between reviewers
"""
