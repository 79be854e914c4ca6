"""The report's tables as rows of text cells, shared by every format (table, Markdown,
HTML). Kept apart from the formats so that the HTML page and the text formats both build on
them without importing each other."""

from __future__ import annotations

import math

from mtreview.metrics.registry import METRICS
from mtreview.report.build import Report


def _f(x: float | None, width: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{width}f}"


def _p(x: float | None) -> str:
    return "–" if x is None else f"{x:.4f}"


def _cell(r: Report, s: str, m: str) -> str:
    t = r.tests[m].systems[s]
    d = METRICS[m].decimals
    out = _f(t.score, d)
    if t.ci is not None:
        out += f" ±{_f(t.ci, d)}"
    p = r.p_value(s, m)
    if p is not None:
        out += f" p={p:.3f}" + ("*" if p < 0.05 else "")
    return out


def _grid(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]


def metric_rows(r: Report) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the metrics table: score, ±CI, p-values and cluster per metric."""
    header = ["system"]
    for m in r.metrics:
        header += [METRICS[m].label, "±CI", "p (bs)", "p (ar)", "cluster"]
    rows = []
    for s in r.systems:
        row = [s]
        for m in r.metrics:
            t = r.tests[m].systems[s]
            d = max(2, METRICS[m].decimals)
            row += [_f(t.score, d), _f(t.ci, d), _p(t.p_bs), _p(t.p_ar),
                    str(r.cluster_of(s, m) or "–")]
        rows.append(row)
    return header, rows


def human_rows(r: Report) -> list[list[str]]:
    rows = []
    for protocol, sec in r.human.items():
        for s in r.systems:
            est = sec.scores.systems.get(s)
            if not est:
                continue
            if protocol == "mqm":
                e = est["mqm"]
                rows.append([protocol, s, f"{_f(e.mean, 2)} ±{_f(e.ci, 2)}", "", str(e.n)])
            else:
                e, z = est["raw"], est["z"]
                rows.append([protocol, s, f"{_f(e.mean)} ±{_f(e.ci)}",
                             f"{_f(z.mean, 3)} ±{_f(z.ci, 3)}", str(e.n)])
    return rows


def agreement_rows(r: Report) -> list[list[str]]:
    rows = []
    for protocol, sec in r.human.items():
        f1 = "; ".join(f"{a}/{b} {_f(f, 3)} (n={n})" for (a, b), (f, n) in sec.span_f1.items())
        rows.append([protocol, ", ".join(sec.scores.reviewers), _f(sec.alpha, 3),
                     str(sec.alpha_units), f1 or "–"])
    return rows


def correlation_rows(r: Report) -> list[list[str]]:
    return [[protocol, c.metric, c.level, _f(c.pearson, 3), _f(c.kendall, 3), str(c.n)]
            for protocol, sec in r.human.items() for c in sec.correlations]
