"""Export formats (a registry: one small class each; adding a format touches this file).

Every format writes into a fresh temporary path next to the output (a file, or a directory
for ``is_dir`` formats), which :func:`publish` then renames into place, so an interrupted
export never leaves a half-written output and the previous one survives.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from mtreview.core.project import Project
from mtreview.export import wmt
from mtreview.export.place import write_into_place
from mtreview.export.rows import RowFilter, build_table, to_dataset
from mtreview.export.schema import CSV_AS_TEXT, NESTED, TIMES, csv_features


@dataclass
class ExportJob:
    """What to export: a project, a row filter, and card details."""

    project: Project
    flt: RowFilter = RowFilter()
    license: str = "unknown"
    command: str = "mtreview export"
    raw_csv: bool = False  # csv: cells as they are (no quote before formula-like cells)
    _table: pa.Table | None = field(default=None, repr=False)

    @property
    def lp(self) -> str:
        return f"{self.project.src_lang}-{self.project.tgt_lang}"

    def table(self) -> pa.Table:
        if self._table is None:
            self._table = build_table(self.project.store, self.lp, self.flt)
        return self._table

    def reviewed(self) -> list[dict[str, Any]]:
        """Rows that carry a review, as dicts (for the line-oriented WMT formats)."""
        t = self.table()
        return t.filter(pc.is_valid(t["reviewer"])).to_pylist()


class ExportFormat:
    name: ClassVar[str]
    description: ClassVar[str]
    is_dir: ClassVar[bool] = False
    suffixes: ClassVar[tuple[str, ...]] = ()

    def write(self, job: ExportJob, out: Path) -> str:
        """Write to ``out`` (a new file, or an existing empty directory); return a summary."""
        raise NotImplementedError


# -- datasets formats ---------------------------------------------------------------------
class HfFormat(ExportFormat):
    name = "hf"
    description = "a datasets directory (save_to_disk) with a dataset card README.md"
    is_dir = True

    def write(self, job: ExportJob, out: Path) -> str:
        from mtreview.export.dataset_card import render_card

        table = job.table()
        # an empty dataset needs one explicit shard, or load_from_disk cannot read it back
        to_dataset(table).save_to_disk(str(out), num_shards=1 if table.num_rows == 0 else None)
        p = job.project
        card = render_card(table, name=p.name, src_lang=p.src_lang, tgt_lang=p.tgt_lang,
                           license=job.license, systems=p.store.systems(),
                           command=job.command, origin=p.store.meta())
        (out / "README.md").write_text(card, encoding="utf-8")
        return f"{table.num_rows} rows"


class ParquetFormat(ExportFormat):
    name = "parquet"
    description = "one Parquet file (features kept in the schema metadata)"
    suffixes = (".parquet",)

    def write(self, job: ExportJob, out: Path) -> str:
        to_dataset(job.table()).to_parquet(str(out))
        return f"{job.table().num_rows} rows"


class JsonlFormat(ExportFormat):
    name = "jsonl"
    description = "JSON lines, nested spans and flags as JSON, times in ISO 8601 (UTC)"
    suffixes = (".jsonl", ".ndjson")

    def write(self, job: ExportJob, out: Path) -> str:
        to_dataset(job.table()).to_json(str(out), lines=True, date_format="iso",
                                        date_unit="us", force_ascii=False)
        return f"{job.table().num_rows} rows"


# columns whose empty CSV cell means null (all others: an empty string)
CSV_NULLABLE = ("reviewer", "ref", "protocol", "score", "start_time", "end_time", "blind")


class CsvFormat(ExportFormat):
    name = "csv"
    description = ("CSV with a header; error_spans and flags JSON-encoded, times ISO 8601; "
                   "text cells that a spreadsheet would run as formulas start with ' "
                   "(unless --raw-csv)")
    suffixes = (".csv",)

    def write(self, job: ExportJob, out: Path) -> str:
        import pyarrow.csv as pacsv

        table = job.table()
        for name in NESTED:
            col = [json.dumps(v, ensure_ascii=False) for v in table[name].to_pylist()]
            table = table.set_column(table.schema.get_field_index(name), name,
                                     pa.array(col, pa.string()))
        for name in TIMES:
            times = [t.isoformat() if t is not None else None for t in table[name].to_pylist()]
            table = table.set_column(table.schema.get_field_index(name), name,
                                     pa.array(times, pa.string()))
        if not job.raw_csv:
            table = _map_text_columns(table, _neutralise_column)
        pacsv.write_csv(table, str(out))
        return f"{table.num_rows} rows"


def _map_text_columns(table: pa.Table, fn: Any) -> pa.Table:
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            table = table.set_column(i, f.name, fn(table[f.name]))
    return table


def _neutralise_column(col: Any) -> Any:
    """:func:`mtreview.core.cells.neutralise` on a whole Arrow column at once."""
    from mtreview.core.cells import NEEDS_QUOTE_RE, QUOTE

    needs = pc.match_substring_regex(col, NEEDS_QUOTE_RE)
    if not pc.any(needs).as_py():
        return col
    return pc.if_else(needs, pc.binary_join_element_wise(QUOTE, col, ""), col)


def _restore_column(col: Any) -> Any:
    """:func:`mtreview.core.cells.restore` on a whole Arrow column at once."""
    from mtreview.core.cells import QUOTE

    return pc.replace_substring_regex(col, "^" + QUOTE, "", max_replacements=1)


def read_csv(path: str | os.PathLike, cache_dir: str | None = None, *,
             raw: bool = False) -> Any:
    """Load a CSV written by the ``csv`` format back as a Dataset with the review features
    (the original values: the quote that neutralised a formula-like cell is removed; pass
    ``raw=True`` for a file written with ``--raw-csv``)."""
    import datasets

    ds = datasets.load_dataset(
        "csv", data_files=str(path), features=csv_features(), split="train",
        cache_dir=cache_dir, keep_default_na=False,
        na_values={c: [""] for c in CSV_NULLABLE})
    table = ds.data.table
    if not raw:
        table = _map_text_columns(table, _restore_column)
    from mtreview.export.schema import arrow_schema

    schema = arrow_schema()
    for name in NESTED:
        parsed = json.loads("[" + ",".join(table[name].to_pylist()) + "]")
        table = table.set_column(table.schema.get_field_index(name), name,
                                 pa.array(parsed, schema.field(name).type))
    for name in TIMES + CSV_AS_TEXT:
        table = table.set_column(table.schema.get_field_index(name), name,
                                 pc.cast(table[name], schema.field(name).type))
    return to_dataset(table)


# -- WMT formats ----------------------------------------------------------------------------
def _segment_positions(project: Project) -> dict[int, int]:
    """seg_id → 1-based position in its document (MQM's ``doc_id`` column)."""
    counts: dict[str, int] = defaultdict(int)
    pos = {}
    for s in project.store.segments():
        counts[s.doc_id] += 1
        pos[s.id] = counts[s.doc_id]
    return pos


class WmtMqmFormat(ExportFormat):
    name = "wmt-mqm"
    description = ("Google/WMT MQM TSV: system doc doc_id seg_id rater source target "
                   "category severity; spans inline as <v>…</v>")
    suffixes = (".tsv",)

    def write(self, job: ExportJob, out: Path) -> str:
        from mtreview.errors import UserError

        # MQM reviews only: a DA or ESA review is not an MQM annotation, and writing it as
        # `No-error` lines would label a translation scored 2/100 error-free
        rows = [r for r in job.reviewed() if r["protocol"] == "mqm"]
        if not rows:
            raise UserError("no MQM reviews to export in the wmt-mqm format")
        pos = _segment_positions(job.project)
        buf = io.StringIO()
        buf.write("\t".join(wmt.MQM_COLUMNS) + "\n")
        n = 0
        for r in rows:
            src, tgt = wmt.tsv_cell(r["src"]), wmt.tsv_cell(r["tgt"])
            head = [r["system"], r["doc_id"], str(pos.get(r["seg_id"], 0)), str(r["seg_id"]),
                    r["reviewer"]]
            if not r["error_spans"]:
                lines = [[src, tgt, wmt.NO_ERROR, wmt.NO_ERROR]]
            else:
                lines = [self._error_line(src, tgt, sp) for sp in r["error_spans"]]
            for line in lines:
                buf.write("\t".join(wmt.tsv_cell(c) for c in head) + "\t"
                          + "\t".join(line[:2]) + "\t"
                          + "\t".join(wmt.tsv_cell(c) for c in line[2:]) + "\n")
                n += 1
        out.write_text(buf.getvalue(), encoding="utf-8")
        return f"{n} lines for {len(rows)} reviews"

    @staticmethod
    def _error_line(src: str, tgt: str, sp: dict[str, Any]) -> list[str]:
        start, end = sp["start"], sp["end"]
        if sp["side"] == "src":
            src = wmt.mark(src, start, end)
        elif not (start == end == 0):  # a span at (0, 0): an error with no location
            tgt = wmt.mark(tgt, start, end)
        return [src, tgt, sp["category"] or "", wmt.severity_label(sp["severity"])]


class WmtEsaFormat(ExportFormat):
    name = "wmt-esa"
    description = ("Appraise/WMT24 ESA CSV, 12 columns, no header; spans as JSON "
                   "{start_i, end_i, severity}")
    suffixes = (".csv",)

    def write(self, job: ExportJob, out: Path) -> str:
        from mtreview.errors import UserError

        rows = [r for r in job.reviewed() if r["protocol"] == "esa"]
        if not rows:
            raise UserError("no ESA reviews to export in the wmt-esa format")
        src3, tgt3 = wmt.lang3(job.project.src_lang), wmt.lang3(job.project.tgt_lang)
        with open(out, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
            for r in rows:
                spans = [_esa_span(sp) for sp in r["error_spans"]]
                w.writerow([r["reviewer"], r["system"], r["seg_id"], "TGT", src3, tgt3,
                            _num(r["score"]), r["doc_id"], "False",
                            json.dumps(spans, ensure_ascii=False, separators=(",", ":")),
                            _epoch(r["start_time"]), _epoch(r["end_time"])])
        return f"{len(rows)} ESA reviews"


def _esa_span(sp: dict[str, Any]) -> dict[str, Any]:
    """Appraise's span: ``end_i`` is inclusive (its UI colours ``start_i <= i <= end_i``);
    an error with no place in the target (source side, or empty) is ``"missing"``, as
    Appraise marks an omission; the error type is the category's path as a list."""
    located = sp["side"] == "tgt" and sp["end"] > sp["start"]
    return {"start_i": sp["start"] if located else "missing",
            "end_i": sp["end"] - 1 if located else "missing",
            "severity": sp["severity"],
            "error_type": sp["category"].split("/") if sp["category"] else None}


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _epoch(t: Any) -> str:
    return "" if t is None else f"{t.timestamp():.3f}"


class MtMetricsEvalFormat(ExportFormat):
    name = "mt-metrics-eval"
    description = ("an mt-metrics-eval test-set directory: sources, documents, references, "
                   "system-outputs and human-scores/SRC-TGT.PROTOCOL.{seg,sys}.score")
    is_dir = True

    def write(self, job: ExportJob, out: Path) -> str:
        store, lp = job.project.store, job.lp
        segments = store.segments()
        table = job.table()
        systems = list(dict.fromkeys(table["system"].to_pylist()))
        files = wmt.file_names(systems)
        _lines(out, ("sources", f"{lp}.txt"), [s.source for s in segments])
        _lines(out, ("documents", f"{lp}.docs"), [f"general\t{'_'.join(s.doc_id.split())}"
                                                  for s in segments])
        refs = store.references()
        for idx in range(store.reference_count()):
            _lines(out, ("references", f"{lp}.ref{_ref_name(idx)}.txt"),
                   [refs.get(s.id, [])[idx] if idx < len(refs.get(s.id, [])) else ""
                    for s in segments])
        for name in systems:
            texts = store.translations(name)
            _lines(out, ("system-outputs", lp, f"{files[name]}.txt"),
                   [texts.get(s.id, "") for s in segments])
        scores: dict[str, dict[tuple[str, int], list[float]]] = defaultdict(lambda: defaultdict(list))
        for r in job.reviewed():
            value = wmt.human_score(r["protocol"], r["score"], r["error_spans"])
            if value is not None:
                scores[r["protocol"]][(r["system"], r["seg_id"])].append(value)
        written = []
        for protocol, by_key in sorted(scores.items()):
            seg_lines, sys_lines = [], []
            for name in systems:
                seg_scores = [mean(by_key[(name, s.id)]) if (name, s.id) in by_key else None
                              for s in segments]
                seg_lines += [f"{files[name]}\t{_fmt(v)}" for v in seg_scores]
                present = [v for v in seg_scores if v is not None]
                sys_lines.append(f"{files[name]}\t{_fmt(mean(present) if present else None)}")
            for level, lines in (("seg", seg_lines), ("sys", sys_lines)):
                _lines(out, ("human-scores", f"{lp}.{protocol}.{level}.score"), lines)
                written.append(f"{lp}.{protocol}.{level}.score")
        renamed = [f"{n!r} as {f}" for n, f in files.items() if f != n]
        return (f"{len(systems)} systems, {len(segments)} segments, "
                + (", ".join(written) if written else "no human scores yet")
                + (f"; system names changed to be file names: {', '.join(renamed)}"
                   if renamed else ""))


def _ref_name(idx: int) -> str:
    """refA … refZ, then refAA, refAB, …"""
    name = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        name = chr(ord("A") + rem) + name
    return name


def _fmt(v: float | None) -> str:
    return "None" if v is None else repr(round(float(v), 6))


def _lines(root: Path, parts: tuple[str, ...], lines: list[str]) -> None:
    """Write ``root/parts…``, one line each (a line break inside a text becomes a space, to
    keep the alignment); a path that would leave ``root`` is refused."""
    from mtreview.errors import UserError

    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()) or any(
            p in ("", ".", "..") or "/" in p for p in parts):
        raise UserError(f"refusing to write {path}: outside the export directory {root}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(ln.replace("\r", " ").replace("\n", " ") + "\n" for ln in lines),
                    encoding="utf-8")


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    HfFormat(), ParquetFormat(), JsonlFormat(), CsvFormat(), WmtMqmFormat(), WmtEsaFormat(),
    MtMetricsEvalFormat())}


def guess_format(out: Path) -> str:
    """The format an output path suggests (``.tsv`` → wmt-mqm; a directory → hf)."""
    suffix = out.suffix.lower()
    for f in FORMATS.values():
        if suffix in f.suffixes and f.name != "wmt-esa":
            return f.name
    return "hf"


# -- writing into place ---------------------------------------------------------------------
def publish(fmt: ExportFormat, job: ExportJob, out: Path) -> str:
    """Write ``fmt`` to a temporary sibling of ``out``, then rename it into place
    (:mod:`mtreview.export.place`; stale temporaries of killed runs are removed first)."""
    return write_into_place(lambda tmp: fmt.write(job, tmp), out, is_dir=fmt.is_dir)
