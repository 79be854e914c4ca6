"""Readers for source corpora and system outputs (a registry: one small class each).

Source readers turn a file into a :class:`Corpus` (documents, segments, references).
Segment ids are stable: for line-based inputs a segment's id is its 1-based line (row)
number; for a split article it is the 1-based sentence number.

Every reader decodes strictly as UTF-8 and raises :class:`UserError` with a one-line
message on bad input; nothing is written anywhere before all input has been read.
"""

from __future__ import annotations

import csv
import io
import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, overload

from mtreview.arabic.sentences import split_article
from mtreview.core.types import Document, Reference, Segment, Translation
from mtreview.errors import UserError

SOURCE_COLUMNS = ("source", "src", "ar", "arabic", "text", "sentence")
REFERENCE_COLUMNS = ("reference", "references", "ref", "refs", "en", "english", "target", "tgt")
DOC_COLUMNS = ("doc_id", "document", "doc", "docid")
ID_COLUMNS = ("seg_id", "id", "segment_id")
HYP_COLUMNS = ("translation", "hypothesis", "hyp", "mt", "tgt", "target", "output", "text")


@dataclass
class Corpus:
    documents: list[Document]
    segments: list[Segment]
    references: list[Reference] = field(default_factory=list)


@dataclass(frozen=True)
class SourceOptions:
    split_sentences: bool = False
    source_column: str | None = None
    reference_columns: tuple[str, ...] = ()
    doc_column: str | None = None


# -- low-level helpers ------------------------------------------------------------------
def doc_stem(path: Path) -> str:
    """Document id of a file: its name up to the first dot (hawija-surrender.ar.txt)."""
    return path.name.split(".")[0] or path.name


# a longer line is not a sentence (a minified file, a binary, a hostile input)
MAX_LINE_CHARS = 1_000_000


def read_text(path: Path) -> str:
    """Read a file as strict UTF-8 (a leading BOM is dropped; ``*.gz`` is decompressed).
    Only a regular file is read (a FIFO or a device would block or never end), and a NUL
    byte is refused: it is not text."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise UserError(f"{path}: not a regular file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror}") from None
    if path.suffix == ".gz":
        import gzip

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise UserError(f"{path}: not a valid gzip file ({e})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UserError(f"{path}: invalid UTF-8 at line {line} (byte {e.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise UserError(f"{path}: file is empty")
    nul = text.find("\x00")
    if nul >= 0:
        raise UserError(f"{path}: a NUL byte at line {text.count(chr(10), 0, nul) + 1}: "
                        f"not a text file")
    return text


def read_lines(path: Path) -> list[str]:
    """Lines split on \\n only (never on U+2028 and friends, which would shift alignment)."""
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(text) > MAX_LINE_CHARS:
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        if len(lines[longest]) > MAX_LINE_CHARS:
            raise UserError(f"{path}: line {longest + 1} has {len(lines[longest]):,} "
                            f"characters (at most {MAX_LINE_CHARS:,}): not one segment a line")
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


@overload
def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str,
          path: Path, required: Literal[True] = True) -> str: ...
@overload
def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str,
          path: Path, required: bool) -> str | None: ...
def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str,
          path: Path, required: bool = True) -> str | None:
    if wanted:
        if wanted not in columns:
            raise UserError(f"{path}: no column {wanted!r} (columns: {', '.join(columns)})")
        return wanted
    lowered = {c.lower(): c for c in columns}
    for c in candidates:
        if c in lowered:
            return lowered[c]
    if required:
        raise UserError(f"{path}: no {what} column (looked for {', '.join(candidates)}; "
                        f"columns: {', '.join(columns)})")
    return None


def _records_to_corpus(records: list[dict[str, Any]], path: Path,
                       opts: SourceOptions) -> Corpus:
    if not records:
        raise UserError(f"{path}: no rows")
    columns = list(records[0].keys())
    src_col = _pick(columns, opts.source_column, SOURCE_COLUMNS, "source", path)
    ref_cols: list[str] = []
    if opts.reference_columns:
        ref_cols = [_pick(columns, c, (), "reference", path) for c in opts.reference_columns]
    else:
        found = _pick(columns, None, REFERENCE_COLUMNS, "reference", path, required=False)
        if found:
            ref_cols = [found]
    doc_col = _pick(columns, opts.doc_column, DOC_COLUMNS, "document", path, required=False)
    id_col = _pick(columns, None, ID_COLUMNS, "id", path, required=False)

    ids = list(range(1, len(records) + 1))
    if id_col is not None:
        try:
            given = [int(r[id_col]) for r in records]
        except (TypeError, ValueError):
            given = []
        if given and len(set(given)) == len(given) and min(given) >= 1:
            ids = given

    docs: dict[str, Document] = {}
    segments, refs = [], []
    for n, (seg_id, rec) in enumerate(zip(ids, records), start=1):
        src = rec.get(src_col)
        if not isinstance(src, str):
            raise UserError(f"{path}: row {n}: source is not text")
        doc = str(rec.get(doc_col) or doc_stem(path)) if doc_col else doc_stem(path)
        if doc not in docs:
            docs[doc] = Document(doc, len(docs))
        segments.append(Segment(seg_id, doc, 1, src))
        idx = 0
        for col in ref_cols:
            val = rec.get(col)
            values = val if isinstance(val, list) else [val]
            for v in values:
                if v is None:
                    continue
                if not isinstance(v, str):
                    raise UserError(f"{path}: row {n}: reference is not text")
                refs.append(Reference(seg_id, idx, v))
                idx += 1
    return Corpus(list(docs.values()), segments, refs)


# -- source readers (registry) ----------------------------------------------------------
class SourceReader:
    name: ClassVar[str]
    description: ClassVar[str]

    def matches(self, path: Path) -> bool:
        raise NotImplementedError

    def read(self, path: Path, opts: SourceOptions) -> Corpus:
        raise NotImplementedError


class TextReader(SourceReader):
    name = "text"
    description = "plain text, one segment a line; segment id = 1-based line number"

    def matches(self, path: Path) -> bool:
        return path.is_file()

    def read(self, path: Path, opts: SourceOptions) -> Corpus:
        lines = read_lines(path)
        doc = Document(doc_stem(path), 0)
        return Corpus([doc], [Segment(i, doc.id, 1, ln) for i, ln in enumerate(lines, 1)])


class ArticleReader(SourceReader):
    name = "article"
    description = "a raw article, split into sentences (--split-sentences)"

    def matches(self, path: Path) -> bool:
        return path.is_file()

    def read(self, path: Path, opts: SourceOptions) -> Corpus:
        sentences = split_article(read_text(path))
        if not sentences:
            raise UserError(f"{path}: no sentences found")
        doc = Document(doc_stem(path), 0)
        return Corpus([doc], [Segment(i, doc.id, s.para_id, s.text)
                              for i, s in enumerate(sentences, 1)])


class TsvReader(SourceReader):
    name = "tsv"
    description = "tab-separated with a header row of named columns (source, reference, doc_id)"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".tsv", ".tab")

    def read(self, path: Path, opts: SourceOptions) -> Corpus:
        text = read_text(path)
        reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames is None:
            raise UserError(f"{path}: no header row")
        records = []
        for n, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise UserError(f"{path}: line {n}: expected {len(reader.fieldnames)} columns")
            records.append(dict(row))
        return _records_to_corpus(records, path, opts)


class JsonlReader(SourceReader):
    name = "jsonl"
    description = "JSON lines, one object a segment with named fields (source, reference, …)"

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".jsonl", ".ndjson")

    def read(self, path: Path, opts: SourceOptions) -> Corpus:
        return _records_to_corpus(read_jsonl(path), path, opts)


class DatasetReader(SourceReader):
    name = "dataset"
    description = "a directory written by datasets' save_to_disk (split 'test' of a DatasetDict)"

    def matches(self, path: Path) -> bool:
        return path.is_dir() and any(
            (path / f).exists() for f in ("dataset_info.json", "state.json", "dataset_dict.json"))

    def read(self, path: Path, opts: SourceOptions) -> Corpus:
        import datasets

        try:
            ds = datasets.load_from_disk(str(path))
        except (FileNotFoundError, ValueError) as e:
            raise UserError(f"{path}: cannot load dataset: {e}") from None
        if isinstance(ds, datasets.DatasetDict):
            split = "test" if "test" in ds else next(iter(ds))
            ds = ds[split]
        return _records_to_corpus(ds.to_list(), path, opts)


SOURCE_READERS: dict[str, SourceReader] = {
    r.name: r for r in (DatasetReader(), TsvReader(), JsonlReader(), ArticleReader(), TextReader())
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for n, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise UserError(f"{path}: line {n}: invalid JSON: {e.msg}") from None
        if not isinstance(obj, dict):
            raise UserError(f"{path}: line {n}: expected a JSON object")
        records.append(obj)
    return records


def detect_reader(path: Path, opts: SourceOptions, fmt: str | None = None) -> SourceReader:
    if fmt:
        if fmt not in SOURCE_READERS:
            raise UserError(f"unknown input format {fmt!r} (known: {', '.join(SOURCE_READERS)})")
        return SOURCE_READERS[fmt]
    if not path.exists():
        raise UserError(f"{path}: no such file or directory")
    if path.is_dir():
        if SOURCE_READERS["dataset"].matches(path):
            return SOURCE_READERS["dataset"]
        raise UserError(f"{path}: is a directory but not a saved datasets dataset")
    if opts.split_sentences:
        return SOURCE_READERS["article"]
    for reader in SOURCE_READERS.values():
        if reader.name not in ("article", "text") and reader.matches(path):
            return reader
    return SOURCE_READERS["text"]


def read_source(path: str | Path, opts: SourceOptions = SourceOptions(),
                fmt: str | None = None) -> Corpus:
    path = Path(path)
    return detect_reader(path, opts, fmt).read(path, opts)


def read_reference_file(path: str | Path, segments: list[Segment], index: int) -> list[Reference]:
    """A line-aligned reference file for the given segments (in segment order)."""
    path = Path(path)
    lines = read_lines(path)
    if len(lines) != len(segments):
        raise UserError(f"{path}: {len(lines)} lines, but the source has {len(segments)} "
                        f"segments")
    return [Reference(s.id, index, ln) for s, ln in zip(segments, lines)]


def read_doc_ids(path: str | Path, segments: list[Segment]) -> list[str]:
    """Line-aligned document ids (the first tab-separated column of each line)."""
    path = Path(path)
    lines = read_lines(path)
    if len(lines) != len(segments):
        raise UserError(f"{path}: {len(lines)} lines, but the source has {len(segments)} "
                        f"segments")
    return [ln.split("\t", 1)[0].strip() or "-" for ln in lines]


# -- system outputs ---------------------------------------------------------------------
def read_system_file(path: str | Path, system: str, seg_ids: list[int]) -> list[Translation]:
    """Translations from a line-aligned text file or JSONL (with ids, or line-aligned)."""
    path = Path(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        records = read_jsonl(path)
        if not records:
            raise UserError(f"{path}: file is empty")
        cols = list(records[0].keys())
        hyp_col = _pick(cols, None, HYP_COLUMNS, "translation", path)
        id_col = _pick(cols, None, ID_COLUMNS, "id", path, required=False)
        texts: dict[int, str] = {}
        if id_col is None:
            if len(records) != len(seg_ids):
                raise UserError(f"{path}: {len(records)} lines, but the project has "
                                f"{len(seg_ids)} segments")
            pairs = list(zip(seg_ids, records))
        else:
            known = set(seg_ids)
            pairs = []
            for n, rec in enumerate(records, 1):
                try:
                    sid = int(rec[id_col])
                except (KeyError, TypeError, ValueError):
                    raise UserError(f"{path}: line {n}: bad {id_col!r}") from None
                if sid not in known:
                    raise UserError(f"{path}: line {n}: segment {sid} is not in the project")
                pairs.append((sid, rec))
        for sid, rec in pairs:
            val = rec.get(hyp_col)
            if not isinstance(val, str):
                raise UserError(f"{path}: segment {sid}: {hyp_col!r} is not text")
            if sid in texts:
                raise UserError(f"{path}: segment {sid} appears twice")
            texts[sid] = val
        return [Translation(system, sid, texts[sid]) for sid in seg_ids if sid in texts]
    lines = read_lines(path)
    if len(lines) != len(seg_ids):
        raise UserError(f"{path}: {len(lines)} lines, but the project has {len(seg_ids)} "
                        f"segments")
    return [Translation(system, sid, ln) for sid, ln in zip(seg_ids, lines)]
