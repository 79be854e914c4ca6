"""Where the bundled corpora and models live (the repository checkout)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("MTREVIEW_HOME", Path(__file__).resolve().parents[1]))
CORPORA = ROOT / "corpora"
MODELS = ROOT / "models"
SAMPLE_SOURCE = CORPORA / "hawija-surrender.ar.txt"
SAMPLE_REFERENCE = CORPORA / "hawija-surrender.en.txt"


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtreview"
