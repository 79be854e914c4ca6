"""Report formats: the RENDERERS registry of render functions (table, json, markdown, csv, html)."""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Callable
from typing import Any

from mtreview.core.cells import neutralise
from mtreview.core.visible import visible
from mtreview.metrics.registry import METRICS
from mtreview.report.build import Report
from mtreview.report.tables import (  # noqa: F401 (re-exported for callers)
    _cell,
    _f,
    _grid,
    _p,
    agreement_rows,
    correlation_rows,
    human_rows,
    metric_rows,
)


def attention_lines(r: Report) -> list[str]:
    """Each reviewer's attention-check pass rate; those below the threshold marked."""
    if not r.attention:
        return []
    from mtreview.core.campaign import PASS_MARGIN, PASS_THRESHOLD

    out = ["", f"attention checks (passed: the corrupted copy scored {PASS_MARGIN:g}+ lower "
               f"than its original; ! below {PASS_THRESHOLD:.0%})"]
    out += [f"  {a.reviewer:<20} {a.passed:>4}/{a.checks:<4} "
            f"{100 * (a.rate or 0):5.1f}%{'  !' if a.flagged else ''}" for a in r.attention]
    return out


def render_table(r: Report) -> str:
    out = [f"{r.project}: {len(r.seg_ids)} segments, {len(r.systems)} systems, "
           f"baseline {r.baseline}"]
    if r.metrics:
        if r.bootstrap or r.ar:
            ci = f"score ±95% CI from {r.bootstrap} bootstrap resamples; " if r.bootstrap \
                else ""
            test = "paired bootstrap" if r.bootstrap else f"approximate randomisation ({r.ar})"
            out.append(f"({ci}p: {test} vs. the baseline, * p<0.05)")
        header = ["system"] + [f"{METRICS[m].label}" for m in r.metrics] + \
                 [f"{METRICS[m].label} cl." for m in r.metrics]
        rows = [[s] + [_cell(r, s, m) for m in r.metrics] +
                [str(r.cluster_of(s, m) or "–") for m in r.metrics] for s in r.systems]
        out += [""] + _grid(header, rows)
    out += ["", "verdict"]
    out += [f"  {s}: {r.verdict(s)}" for s in r.systems]
    if r.human:
        out += ["", "human scores"]
        out += ["  " + x for x in _grid(["protocol", "system", "mean", "z", "n"], human_rows(r))]
        out += ["", "reviewer agreement"]
        out += ["  " + x for x in _grid(["protocol", "reviewers", "alpha", "units", "span F1"],
                                        agreement_rows(r))]
        if correlation_rows(r):
            out += ["", "metric–human correlation"]
            out += ["  " + x for x in _grid(["protocol", "metric", "level", "pearson",
                                             "kendall", "n"], correlation_rows(r))]
    out += attention_lines(r)
    if r.metrics:
        out += ["", "signatures"]
        out += [f"  {m}: {METRICS[m].name}|{sig}" for m, sig in r.signatures.items()]
    out += [f"note: {n}" for n in r.notes]
    # names and notes come from files: control characters and bidi overrides shown as
    # placeholders (the stored text is unchanged)
    return visible("\n".join(out), keep_newlines=True) + "\n"


def render_json(r: Report) -> str:
    """Indented JSON, with one line per segment in ``segment_scores`` (the bulk of it: the
    indenting encoder is pure Python, the compact one is C)."""
    parts = []
    for key, value in r.to_dict(segment_scores=False).items():
        lines = (segment_lines(r) if key == "segment_scores" else None) or []
        if lines:
            text = "[\n" + ",\n".join(lines) + "\n  ]"
        else:
            text = _dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {_dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False,
                      default=_json_default)


def segment_lines(r: Report) -> list[str]:
    """The lines of ``segment_scores`` in :func:`render_json`: each row of
    :meth:`Report.segment_rows` as ``json.dumps`` writes it, indented by 4."""
    fast = _segment_lines_fast(r)
    return fast if fast is not None else ["    " + _dumps(x) for x in r.segment_rows()]


def _segment_lines_fast(r: Report) -> list[str] | None:
    """:func:`segment_lines` from one %-template per report (the keys are the same on every
    line), the numbers written as ``json.dumps`` writes them (``int.__repr__``,
    ``float.__repr__``, each distinct score once) — or None when a value is not an int id
    or a finite float (then ``json.dumps`` itself decides: ``default``, or an error)."""
    import numpy as np

    if r.error_spans:  # rows with xCOMET's spans: json.dumps writes them
        return None
    cols = [r.segment_scores[s][m] for s in r.systems for m in r.metrics]
    ids = list(r.seg_ids)
    docs = [r.doc_of.get(i, "") for i in ids]
    if set(map(type, ids)) - {int} or set(map(type, docs)) - {str} or any(
            len(col) != len(ids) or set(map(type, col)) - {float} for col in cols):
        return None
    scores = np.array(cols, dtype=np.float64).reshape(len(cols), len(ids))
    if not np.isfinite(scores).all():
        return None
    # distinct scores written once; -0.0 == 0.0 but is written "-0.0": then one by one
    if (np.signbit(scores) & (scores == 0)).any():
        values = [list(map(float.__repr__, col)) for col in cols]
    else:
        text = {x: float.__repr__(x) for x in set().union(*cols)}
        values = [list(map(text.__getitem__, col)) for col in cols]
    key = lambda k: _dumps(k).replace("%", "%%")  # noqa: E731
    inner = ", ".join(f"{key(s)}: {{" + ", ".join(f"{key(m)}: %s" for m in r.metrics) + "}"
                      for s in r.systems)
    template = '    {"id": %s, "doc": %s, "scores": {' + inner + "}}"
    doc_json = {d: _dumps(d) for d in set(docs)}
    return [template % row for row in zip(map(int.__repr__, ids), map(doc_json.__getitem__,
                                                                      docs), *values)]


def _json_default(x):
    return None if isinstance(x, float) and math.isnan(x) else str(x)


def _md_text(text: object) -> str:
    """Text from files in Markdown: HTML escaped (a system called `<img src=x>` stays text),
    controls and bidi overrides as visible placeholders."""
    return html.escape(visible(str(text)), quote=False)


def _md(header: list[str], rows: list[list[str]]) -> list[str]:
    esc = lambda c: _md_text(c).replace("|", "\\|")
    return ["| " + " | ".join(map(esc, header)) + " |",
            "|" + "|".join("---" for _ in header) + "|"] + \
           ["| " + " | ".join(map(esc, row)) + " |" for row in rows]


def render_markdown(r: Report) -> str:
    out = [f"# Evaluation report: {_md_text(r.project)}", "",
           f"{len(r.seg_ids)} segments, {len(r.systems)} systems, baseline "
           f"**{_md_text(r.baseline)}**."]
    if r.metrics:
        out += ["", "## Automatic metrics", "",
                f"Score ±95% CI ({r.bootstrap} paired bootstrap resamples, seed {r.seed}); "
                f"p against the baseline (bootstrap / {r.ar} randomisation trials); "
                "cluster as WMT (p<0.05).", ""]
        out += _md(*metric_rows(r))
    out += ["", "## Verdict", ""] + [f"- **{_md_text(s)}**: {_md_text(r.verdict(s))}"
                                     for s in r.systems]
    if r.human:
        out += ["", "## Human scores", ""] + _md(["protocol", "system", "mean ±CI", "z ±CI",
                                                   "n"], human_rows(r))
        out += ["", "## Reviewer agreement", ""] + _md(
            ["protocol", "reviewers", "Krippendorff α", "units", "span F1"], agreement_rows(r))
        if correlation_rows(r):
            out += ["", "## Metric–human correlation", ""] + _md(
                ["protocol", "metric", "level", "Pearson", "Kendall τ", "n"],
                correlation_rows(r))
    if r.documents and len(r.documents) > 1:
        out += ["", "## Per document", ""]
        header = ["document", "system"] + [METRICS[m].label for m in r.metrics]
        out += _md(header, [[d, s] + [_f(v[m], 2) for m in r.metrics]
                            for d, by in r.documents.items() for s, v in by.items()])
    if r.metrics:
        out += ["", "## Signatures", ""] + [f"- `{m}|{sig}`" for m, sig in r.signatures.items()]
    if r.attention:
        out += ["", "## Attention checks", ""] + _md(
            ["reviewer", "passed", "checks", "rate", "below threshold"],
            [[_md_text(a.reviewer), str(a.passed), str(a.checks), _f((a.rate or 0) * 100, 1),
              "yes" if a.flagged else ""] for a in r.attention])
    out += [f"\n> note: {_md_text(n)}" for n in r.notes]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ["section", "system", "document", "metric", "score", "mean", "ci", "p_bs",
               "p_ar", "cluster", "n", "signature"]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _CsvWriter:
    """csv.writer whose text cells are shown safely: controls and bidi overrides as
    placeholders, and (unless ``raw``) a formula-like cell prefixed with ' (OWASP)."""

    def __init__(self, buf: io.StringIO, raw: bool) -> None:
        self._w = csv.writer(buf, lineterminator="\n")
        self._raw = raw

    def writerow(self, row: list[Any]) -> None:
        cells = [visible(c) if isinstance(c, str) else c for c in row]
        if not self._raw:  # numbers ("-0.5") are left alone: a spreadsheet reads them as such
            cells = [neutralise(c) if isinstance(c, str) and not _is_number(c) else c
                     for c in cells]
        self._w.writerow(cells)


def render_csv(r: Report, raw: bool = False) -> str:
    buf = io.StringIO()
    w = _CsvWriter(buf, raw)
    w.writerow(CSV_COLUMNS)
    num = lambda x: "" if x is None or (isinstance(x, float) and math.isnan(x)) else repr(x)
    for s in r.systems:
        for m in r.metrics:
            t = r.tests[m].systems[s]
            w.writerow(["corpus", s, "", m, num(t.score), num(t.mean), num(t.ci), num(t.p_bs),
                        num(t.p_ar), r.cluster_of(s, m) or "", len(r.seg_ids),
                        f"{m}|{r.signatures[m]}"])
    for doc, by in r.documents.items():
        for s, v in by.items():
            for m in r.metrics:
                w.writerow(["document", s, doc, m, num(v[m]), "", "", "", "", "", "",
                            f"{m}|{r.signatures[m]}"])
    for protocol, sec in r.human.items():
        for s, est in sec.scores.systems.items():
            for kind, e in est.items():
                w.writerow(["human", s, "", f"{protocol}-{kind}", num(e.mean), "", num(e.ci),
                            "", "", "", e.n, ""])
    return buf.getvalue()


def render_html(r: Report) -> str:
    from mtreview.report.html import render_html as html
    return html(r)


RENDERERS: dict[str, Callable[..., str]] = {
    "table": render_table, "json": render_json, "markdown": render_markdown,
    "csv": render_csv, "html": render_html,
}
