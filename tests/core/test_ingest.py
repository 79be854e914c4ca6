import json

import pytest

from mtreview.core import ingest
from mtreview.errors import UserError
from tests.conftest import FLORES, need_shared


def test_text_ids_are_line_numbers(tmp_path):
    f = tmp_path / "src.ar"
    f.write_text("أ\nب\u2028ج\r\nد\n", encoding="utf-8")  # U+2028 must not split a line
    corpus = ingest.read_source(f)
    assert [s.id for s in corpus.segments] == [1, 2, 3]
    assert corpus.segments[1].source == "ب\u2028ج"
    assert corpus.segments[2].source == "د"


def test_flores_text_source():
    src = need_shared(FLORES) / "arb_Arab.devtest"
    corpus = ingest.read_source(src)
    lines = src.read_text(encoding="utf-8").split("\n")
    assert len(corpus.segments) == 1012
    assert corpus.segments[41].id == 42 and corpus.segments[41].source == lines[41]


def test_tsv_with_named_columns(tmp_path):
    f = tmp_path / "c.tsv"
    f.write_text("doc_id\tsource\treference\nd1\tمرحبا\tHello\nd2\tشكرا\tThanks\n",
                 encoding="utf-8")
    c = ingest.read_source(f)
    assert [d.id for d in c.documents] == ["d1", "d2"]
    assert [(r.seg_id, r.text) for r in c.references] == [(1, "Hello"), (2, "Thanks")]


def test_tsv_ragged_row_is_rejected(tmp_path):
    f = tmp_path / "c.tsv"
    f.write_text("source\treference\nمرحبا\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 2"):
        ingest.read_source(f)


def test_jsonl_multiple_references_and_ids(tmp_path):
    f = tmp_path / "c.jsonl"
    rows = [{"id": 10, "src": "مرحبا", "refs": ["Hello", "Hi"]},
            {"id": 20, "src": "شكرا", "refs": ["Thanks", "Thank you"]}]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                 encoding="utf-8")
    c = ingest.read_source(f)
    assert [s.id for s in c.segments] == [10, 20]
    assert [(r.seg_id, r.index, r.text) for r in c.references][:2] == [
        (10, 0, "Hello"), (10, 1, "Hi")]


def test_jsonl_bad_json_names_the_line(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text('{"source": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(UserError, match="line 2"):
        ingest.read_source(f)


def test_saved_dataset(tmp_path):
    import datasets

    src = need_shared(FLORES)
    ar = (src / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:50]
    en = (src / "eng_Latn.devtest").read_text(encoding="utf-8").splitlines()[:50]
    ds = datasets.DatasetDict({"test": datasets.Dataset.from_dict({"source": ar, "reference": en})})
    ds.save_to_disk(str(tmp_path / "ds"))
    c = ingest.read_source(tmp_path / "ds")
    assert [s.source for s in c.segments] == ar
    assert [r.text for r in c.references] == en


def test_invalid_utf8_reports_line(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes("سطر\n".encode() + b"\xff\xfe bad\n")
    with pytest.raises(UserError, match="invalid UTF-8 at line 2"):
        ingest.read_source(f)


def test_system_jsonl_with_ids(tmp_path):
    f = tmp_path / "sys.jsonl"
    f.write_text('{"id": 2, "translation": "two"}\n{"id": 1, "translation": "one"}\n')
    got = ingest.read_system_file(f, "s", [1, 2])
    assert [(t.seg_id, t.text) for t in got] == [(1, "one"), (2, "two")]
    f.write_text('{"id": 3, "translation": "three"}\n')
    with pytest.raises(UserError, match="segment 3 is not in the project"):
        ingest.read_system_file(f, "s", [1, 2])
