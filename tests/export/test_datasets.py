"""The review rows and the datasets formats: hf, parquet, jsonl, csv."""

from __future__ import annotations

import datasets
import pytest

from mtreview.core.project import Project
from mtreview.export import schema
from mtreview.export.formats import FORMATS, ExportJob, publish, read_csv
from mtreview.export.rows import RowFilter
from tests.export.conftest import SYSTEMS, expected_rows

datasets.disable_progress_bars()


def _export(project_dir, fmt, out, flt=RowFilter()):
    with Project.open(project_dir) as project:
        publish(FORMATS[fmt], ExportJob(project, flt), out)
        return expected_rows(project, flt.reviewer, flt.system)


def test_hf_round_trip_is_exact(project_dir, tmp_path):
    expected = _export(project_dir, "hf", tmp_path / "ds")
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    assert ds.features == schema.features()
    assert ds.to_list() == expected
    # the data has what the round trip must carry: nested spans on both sides, flags,
    # timestamps with microseconds, null scores (MQM) next to ESA scores
    assert any(sp["side"] == "src" for r in expected for sp in r["error_spans"])
    assert any(len(r["error_spans"]) >= 2 for r in expected)
    assert any(r["flags"] for r in expected) and any(not r["flags"] for r in expected)
    assert any(r["start_time"].microsecond for r in expected)
    assert {r["score"] is None for r in expected} == {True, False}
    assert {r["reviewer"] for r in expected} == {"rev-a", "rev-b"}


@pytest.mark.parametrize("fmt,name", [("parquet", "x.parquet"), ("jsonl", "x.jsonl")])
def test_parquet_and_jsonl_round_trip_through_load_dataset(project_dir, tmp_path, fmt, name):
    expected = _export(project_dir, fmt, tmp_path / name)
    builder = "json" if fmt == "jsonl" else fmt
    ds = datasets.load_dataset(builder, data_files=str(tmp_path / name), split="train",
                               features=schema.features(), cache_dir=str(tmp_path / "c"))
    assert ds.features == schema.features()
    assert ds.to_list() == expected


def test_parquet_carries_its_features(project_dir, tmp_path):
    _export(project_dir, "parquet", tmp_path / "x.parquet")
    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "x.parquet"),
                               split="train", cache_dir=str(tmp_path / "c"))
    assert ds.features == schema.features()


def test_jsonl_dates_are_iso(project_dir, tmp_path):
    import json

    expected = _export(project_dir, "jsonl", tmp_path / "x.jsonl")
    first = json.loads((tmp_path / "x.jsonl").read_text(encoding="utf-8").split("\n")[0])
    assert first["start_time"] == expected[0]["start_time"].isoformat().replace("+00:00", "Z")
    assert isinstance(first["error_spans"], list)


def test_csv_round_trip_with_json_encoded_nested_fields(project_dir, tmp_path):
    import csv
    import json

    expected = _export(project_dir, "csv", tmp_path / "x.csv")
    with open(tmp_path / "x.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(schema.COLUMNS)
    assert json.loads(rows[0]["error_spans"]) == expected[0]["error_spans"]
    ds = read_csv(tmp_path / "x.csv", cache_dir=str(tmp_path / "c"))
    assert ds.features == schema.features()
    assert ds.to_list() == expected


def test_all_includes_unreviewed_translations_with_null_review(project_dir, tmp_path):
    _export(project_dir, "hf", tmp_path / "ds", RowFilter(include_unreviewed=True))
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    with Project.open(project_dir) as project:
        n_translations = sum(project.store.translation_counts().values())
        reviewed = {(r.seg_id, r.system) for r in project.store.reviews()}
        n_reviews = len(project.store.reviews())
    assert ds.num_rows == n_reviews + n_translations - len(reviewed)
    unreviewed = ds.filter(lambda r: r["reviewer"] is None)
    assert unreviewed.num_rows == n_translations - len(reviewed)
    assert all(r["score"] is None and r["protocol"] is None and r["error_spans"] == []
               and r["start_time"] is None for r in unreviewed)
    assert {(r["seg_id"], r["system"]) for r in unreviewed}.isdisjoint(reviewed)


def test_all_null_columns_keep_their_declared_types(project_dir, tmp_path):
    # rev-b reviewed with MQM only: every score is null, and the opus-mt-2021 rows carry
    # no ESA times of their own; the column types must still be the declared ones
    _export(project_dir, "hf", tmp_path / "ds", RowFilter(reviewer="rev-b",
                                                          system="opus-mt-2021"))
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    assert all(v is None for v in ds["score"])
    assert ds.features["score"] == datasets.Value("float64")
    assert ds.features == schema.features()
    inferred = datasets.Dataset.from_list([{"score": v} for v in ds["score"]])
    assert inferred.features["score"] != ds.features["score"]  # what inference gives


def test_filters_by_reviewer_and_system(project_dir, tmp_path):
    expected = _export(project_dir, "hf", tmp_path / "ds",
                       RowFilter(reviewer="rev-a", system="bloom-176b"))
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    assert ds.to_list() == expected
    assert set(ds["reviewer"]) == {"rev-a"} and set(ds["system"]) == {"bloom-176b"}
    assert ds.num_rows == 40


def test_rows_follow_segment_then_system_order(project_dir, tmp_path):
    _export(project_dir, "hf", tmp_path / "ds")
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    order = list(SYSTEMS)
    keys = [(s, order.index(y), r) for s, y, r in zip(ds["seg_id"], ds["system"],
                                                       ds["reviewer"])]
    assert keys == sorted(keys)


def test_dataset_card_metadata(project_dir, tmp_path):
    from huggingface_hub import DatasetCard

    _export(project_dir, "hf", tmp_path / "ds")
    card = DatasetCard((tmp_path / "ds" / "README.md").read_text(encoding="utf-8"))
    meta = card.data.to_dict()
    assert meta["language"] == ["ar", "en"]
    assert meta["task_categories"] == ["translation"]
    assert "license" in meta
    assert {"esa", "mqm"} <= set(meta["tags"])
    assert "2 reviewer(s)" in card.text
    assert all(name in card.text for name in SYSTEMS)
    assert "## How it was made" in card.text


def test_hf_export_imports_back_as_a_project(project_dir, tmp_path):
    from tests.conftest import run_cli

    assert run_cli("export", project_dir, tmp_path / "ds", "--all").returncode == 0
    r = run_cli("init", "--from", "hf", "--source", tmp_path / "ds", tmp_path / "again")
    assert r.returncode == 0, r.stderr
    assert run_cli("export", tmp_path / "again", tmp_path / "ds2", "--all").returncode == 0
    first = datasets.load_from_disk(str(tmp_path / "ds")).to_list()
    second = datasets.load_from_disk(str(tmp_path / "ds2")).to_list()
    assert any(r["flags"] for r in first)
    for r in first:  # flags come from `mtreview check`, not from the dataset
        r["flags"] = []
    assert second == first
    # and the dataset a project came from is not overwritten by its export
    r = run_cli("export", tmp_path / "again", tmp_path / "ds", "--overwrite")
    assert r.returncode == 2 and "created from" in r.stderr


def test_import_of_a_dataset_that_is_not_a_review_dataset(tmp_path):
    from tests.conftest import run_cli

    datasets.Dataset.from_dict({"source": ["نص"]}).save_to_disk(str(tmp_path / "other"))
    r = run_cli("init", "--from", "hf", "--source", tmp_path / "other", tmp_path / "p")
    assert r.returncode == 2 and "not an mtreview review dataset" in r.stderr
    assert r.stderr.count("\n") == 1 and not (tmp_path / "p").exists()
