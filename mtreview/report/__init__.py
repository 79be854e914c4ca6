"""The evaluation report: ``build.build_report`` (data: a ``Report``), ``render`` (the
registry of output formats: table, json, markdown, csv) and ``html`` (a self-contained page:
inline CSS and SVG, no script, no network).

May import: ``mtreview.metrics``, ``mtreview.core``. Never a UI, torch (neural metrics are
imported lazily through the metric registry), export or translate. ``build_report`` raises
``UserError`` on bad input; a second call is served from the store's statistics cache.

The JSON format's keys are stable:


project, segments (scored), references (reference sets), metrics [..], baseline, bootstrap, ar, seed
signatures.<metric>            sacrebleu signature of the corpus score, e.g. "nrefs:1|case:mixed|…|version:2.6.0"
sentence_signatures.<metric>   signature of the per-segment scores (BLEU: eff:yes)
systems.<name>.<metric>        {score, mean, ci, p_bs, p_ar, cluster}   (baseline: p_* null)
systems.<name>.human.<protocol> esa/da: {raw: {mean, ci, n}, z: {mean, ci, n}}; mqm: {mqm: {mean, ci, n}}
systems.<name>.verdict         one line, e.g. "better than bloom: BLEU +6.0 (p=0.006), chrF +3.5 (p=0.007)"
clusters.<metric>              [[best cluster's systems], [next], …]
pairwise_p.<metric>.<a>.<b>    paired bootstrap p-value of a vs. b
documents.<doc>.<system>.<metric>   corpus score of that document
segment_scores                 [{id, doc, scores: {<system>: {<metric>: score}}}]
human.<protocol>               {reviewers, reviews, alpha, alpha_units, span_f1: {"a|b": {f1, n}},
                                correlations: {<metric>: {segment|system: {pearson, kendall, n}}}}
notes                          [strings]

CSV is long format: `section,system,document,metric,score,mean,ci,p_bs,p_ar,cluster,n,signature`
with sections `corpus`, `document`, `human`. The HTML page is self-contained (inline CSS and SVG,
no script, no network): tables, 95% CI bars per metric coloured by cluster, per-system
histograms of segment scores, human score CI bars and histograms, agreement and correlations.
"""
