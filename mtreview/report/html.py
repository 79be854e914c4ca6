"""A self-contained HTML report: inline CSS and SVG plots, no scripts, no network.

Plots: confidence-interval bars per metric (one row per system: the interval mean ± CI from
the paired bootstrap, the corpus score as a dot, colour by significance cluster), the same
for human scores, and per-system histograms of segment-level scores.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

from mtreview.core.visible import visible
from mtreview.metrics.registry import METRICS
from mtreview.report import tables
from mtreview.report.build import Report

PALETTE = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6c4f9c", "#00798c", "#8d6a9f",
           "#c05746"]
HIST_COLOURS = ["#4a6f8a", "#7a5c8e", "#8a6a3c"]
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td.t,th:first-child{text-align:left}
.sig{font-weight:600}.note{color:#666;font-size:.9em}
.plots{display:flex;flex-wrap:wrap;gap:1.2em}
svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#222}
code{font-size:.85em;background:#f6f6f6;padding:1px 3px}
"""


def _e(x: object) -> str:
    """Text in the page: HTML escaped, controls and bidi overrides as placeholders."""
    return html.escape(visible(str(x)))


def _nice_range(lo: float, hi: float) -> tuple[float, float, float]:
    if not math.isfinite(lo) or not math.isfinite(hi):
        return 0.0, 1.0, 0.2
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    span = hi - lo
    step = 10 ** math.floor(math.log10(span / 4))
    for mult in (1, 2, 5, 10):
        if span / (step * mult) <= 6:
            step *= mult
            break
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def ci_chart(title: str, rows: Sequence[tuple[str, float, float | None, float | None, str]],
             width: int = 520) -> str:
    """rows: (label, point, low, high, colour). Returns an <svg> element."""
    left, right, top, row_h = 170, 20, 30, 26
    height = top + row_h * len(rows) + 34
    vals = [v for _, p, lo, hi, _ in rows for v in (p, lo, hi) if v is not None]
    lo_x, hi_x, step = _nice_range(min(vals), max(vals))
    sx = lambda v: left + (v - lo_x) / (hi_x - lo_x) * (width - left - right)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{_e(title)}">',
             f'<text x="{width / 2}" y="16" text-anchor="middle" font-weight="600">'
             f'{_e(title)}</text>']
    tick = lo_x
    axis_y = top + row_h * len(rows) + 4
    while tick <= hi_x + step / 2:
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" '
                     'stroke="#e3e3e3"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">'
                     f'{tick:g}</text>')
        tick += step
    for i, (label, point, lo, hi, colour) in enumerate(rows):
        y = top + row_h * i + row_h / 2
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{_e(label)}</text>')
        if lo is not None and hi is not None:
            parts.append(f'<line x1="{sx(lo):.1f}" y1="{y:.1f}" x2="{sx(hi):.1f}" y2="{y:.1f}" '
                         f'stroke="{colour}" stroke-width="6" stroke-opacity="0.45" '
                         'stroke-linecap="round"/>')
        parts.append(f'<circle cx="{sx(point):.1f}" cy="{y:.1f}" r="5" fill="{colour}">'
                     f'<title>{_e(label)}: {point:.2f}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(title: str, values: Sequence[float], lo: float, hi: float, colour: str,
              bins: int = 20, width: int = 250, height: int = 140) -> str:
    v = np.clip(np.asarray(values, dtype=np.float64), lo, hi)
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    top, bottom, left, right = 22, 22, 8, 8
    peak = max(int(counts.max()), 1) if len(counts) else 1
    bw = (width - left - right) / bins
    ph = height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{_e(title)}">',
             f'<text x="{width / 2}" y="14" text-anchor="middle">{_e(title)}</text>']
    for i, c in enumerate(counts):
        h = ph * c / peak
        parts.append(f'<rect x="{left + i * bw:.1f}" y="{top + ph - h:.1f}" '
                     f'width="{max(bw - 1, 1):.1f}" height="{h:.1f}" fill="{colour}">'
                     f'<title>{edges[i]:g}–{edges[i + 1]:g}: {c}</title></rect>')
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - right}" y2="{top + ph}" '
                 'stroke="#888"/>')
    parts.append(f'<text x="{left}" y="{height - 6}">{lo:g}</text>')
    parts.append(f'<text x="{width - right}" y="{height - 6}" text-anchor="end">{hi:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _is_number(text: str) -> bool:
    head = str(text).split(" ")[0].lstrip("+-–")
    return not head or head.replace(".", "", 1).isdigit()


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f"<td>{_e(c)}</td>" if _is_number(c) else f'<td class="t">{_e(c)}</td>' for c in row)
        + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _metric_section(r: Report) -> list[str]:
    out = ["<h2>Automatic metrics</h2>",
           f'<p class="note">Score, mean ±95% CI from {r.bootstrap} paired bootstrap resamples '
           f"(seed {_e(r.seed)}), p against the baseline <b>{_e(r.baseline)}</b> (bootstrap / "
           f"{r.ar} approximate-randomisation trials), clusters as WMT (p&lt;0.05).</p>"]
    out.append(_table(*tables.metric_rows(r)))
    out.append("<h3>Confidence intervals</h3><div class=\"plots\">")
    for m in r.metrics:
        t = r.tests[m]
        rows_ci = []
        for s in r.systems:
            st = t.systems[s]
            lo = hi = None
            if st.mean is not None and st.ci is not None:
                lo, hi = st.mean - st.ci, st.mean + st.ci
            c = (r.cluster_of(s, m) or 1) - 1
            rows_ci.append((s, st.score, lo, hi, PALETTE[c % len(PALETTE)]))
        better = "higher" if METRICS[m].higher_is_better else "lower"
        out.append(ci_chart(f"{METRICS[m].label}: 95% CI, {better} is better, colour = cluster",
                            rows_ci))
    out.append("</div>")
    legend = " ".join(
        f'<span style="color:{PALETTE[i % len(PALETTE)]}">■</span> cluster {i + 1}'
        for i in range(max((len(r.tests[m].clusters) for m in r.metrics), default=0)))
    out.append(f'<p class="note">{legend} (1 = best; systems in one cluster are not '
               "significantly different)</p>")
    out.append("<h3>Segment-level score distributions</h3>")
    for k, m in enumerate(r.metrics):
        lo, hi = METRICS[m].score_range
        out.append('<div class="plots">')
        for s in r.systems:
            out.append(histogram(f"{METRICS[m].label}: {s}", r.segment_scores[s][m], lo, hi,
                                 HIST_COLOURS[k % len(HIST_COLOURS)]))
        out.append("</div>")
    return out


def _human_section(r: Report) -> list[str]:
    out = ["<h2>Human scores</h2>",
           _table(["protocol", "system", "mean ±CI", "z ±CI", "n"], tables.human_rows(r)),
           '<div class="plots">']
    for protocol, sec in r.human.items():
        rows = []
        for s in r.systems:
            est = sec.scores.systems.get(s)
            if not est:
                continue
            e = est["mqm" if protocol == "mqm" else "raw"]
            ci = e.ci if math.isfinite(e.ci) else None
            rows.append((s, e.mean, e.mean - ci if ci is not None else None,
                         e.mean + ci if ci is not None else None, "#3d7a5a"))
        if rows:
            what = "MQM penalty, lower is better" if protocol == "mqm" else "mean score"
            out.append(ci_chart(f"{protocol.upper()} ({what}, 95% CI)", rows))
    out.append("</div>")
    for protocol, sec in r.human.items():
        out.append('<div class="plots">')
        for s in r.systems:
            vals = [v for (seg, sys_), v in sec.scores.segment.items() if sys_ == s]
            if vals:
                lo, hi = (min(-25.0, min(vals)), 0.0) if protocol == "mqm" else (0.0, 100.0)
                out.append(histogram(f"{protocol.upper()}: {s}", vals, lo, hi, "#3d7a5a"))
        out.append("</div>")
    out += ["<h2>Reviewer agreement</h2>",
            _table(["protocol", "reviewers", "Krippendorff α", "units", "span F1"],
                   tables.agreement_rows(r))]
    if tables.correlation_rows(r):
        out += ["<h2>Metric–human correlation</h2>",
                _table(["protocol", "metric", "level", "Pearson", "Kendall τ", "n"],
                       tables.correlation_rows(r))]
    return out


def render_html(r: Report) -> str:
    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>mtreview report: {_e(r.project)}</title><style>{CSS}</style></head><body>",
             f"<h1>Evaluation report</h1><p>{_e(r.project)}: {len(r.seg_ids)} segments, "
             f"{len(r.systems)} systems, baseline <b>{_e(r.baseline)}</b>.</p>"]
    if r.metrics:
        parts += _metric_section(r)
    parts.append("<h2>Verdict</h2><ul>")
    parts += [f"<li><b>{_e(s)}</b>: {_e(r.verdict(s))}</li>" for s in r.systems]
    parts.append("</ul>")
    if r.human:
        parts += _human_section(r)
    if r.metrics:
        parts.append("<h2>Signatures</h2><ul>")
        parts += [f"<li><code>{_e(m)}|{_e(sig)}</code></li>" for m, sig in r.signatures.items()]
        parts.append("</ul>")
    parts += [f'<p class="note">note: {_e(n)}</p>' for n in r.notes]
    parts.append("</body></html>\n")
    return "".join(parts)
