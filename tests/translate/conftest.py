"""Fixtures for the translate tests: tiny models of every family, built once per session
from a config with tokenizers trained here on real lines from ../shared/data, and small
FLORES projects."""

from __future__ import annotations

import gzip
import itertools
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, need_shared, run_cli
from tests.translate.tiny import FAMILY_CODES, build_model

TRAIN = DATA / "train-ar-en"


def train_lines(n: int = 300) -> tuple[list[str], list[str]]:
    need_shared(TRAIN)
    out = []
    for side in ("ar", "en"):
        with gzip.open(TRAIN / f"train.{side}.gz", "rt", encoding="utf-8") as fh:
            # every 50th pair: a mix of hadith, Quran, Tatoeba, TICO-19 and NTREX lines
            out.append([line.strip() for line in itertools.islice(fh, 0, None, 50)][:n])
    return out[0], out[1]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    ar, en = train_lines()
    root = tmp_path_factory.mktemp("tiny-models")
    return {family: build_model(family, root / f"tiny-{family}", ar, en)
            for family in FAMILY_CODES}


@pytest.fixture(scope="session")
def source_only_template(flores40, tmp_path_factory) -> Path:
    """A project of the first 40 FLORES devtest lines (source only: nothing translated),
    created once with `mtreview init`."""
    root = tmp_path_factory.mktemp("flores-source-only")
    r = run_cli("init", root / "proj", "--source", flores40["src"])
    assert r.returncode == 0, r.stderr
    return root / "proj"


@pytest.fixture
def project(source_only_template, tmp_path) -> Path:
    dest = tmp_path / "proj"
    shutil.copytree(source_only_template, dest)
    return dest


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """Isolated caches (an empty Hugging Face cache: nothing from a hub) and a batch log."""
    return {"HF_HOME": str(tmp_path / "hf"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "HF_HUB_OFFLINE": "1", "MTREVIEW_TRANSLATE_LOG": str(tmp_path / "batches.jsonl"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2]),
                                                        os.environ.get("PYTHONPATH")]))}
