"""Measured accuracy of the checks on the labelled set tests/data/checks_eval.jsonl.

Each case is a small corpus (source lines, optional system outputs, references, glossary)
labelled by hand: should the case's check flag it (``label``) or not. Half the cases are hard
negatives: look-alike names that are different names, numbers written differently that are
equal, faithful repetition. Prints precision and recall per check; fails below 0.9
precision for name-variant and number-mismatch.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from mtreview.checks import CheckInput, run_checks
from mtreview.checks.base import GlossaryEntry

EVAL = Path(__file__).resolve().parents[1] / "data" / "checks_eval.jsonl"
PRECISION_FLOOR = {"name-variant": 0.9, "number-mismatch": 0.9}


def load_cases() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def predict(case: dict) -> bool:
    glossary = [GlossaryEntry(t, tuple(r), i) for i, (t, r) in enumerate(case.get("glossary", []), 1)]
    data = CheckInput.from_lists(case["source"], case.get("systems"), case.get("references"),
                                 glossary or None)
    return bool(run_checks(data, only=[case["check"]]))


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    misses = []
    for case in load_cases():
        got, want = predict(case), case["label"]
        key = ("tp" if want else "fp") if got else ("fn" if want else "tn")
        table[case["check"]][key] += 1
        if got != want:
            misses.append(f"{case['id']} ({key})")
    print(f"\n{'check':<16} {'n':>3} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3} {'precision':>9} {'recall':>6}")
    for check, t in sorted(table.items()):
        print(f"{check:<16} {sum(t.values()):>3} {t['tp']:>3} {t['fp']:>3} {t['fn']:>3} {t['tn']:>3} "
              f"{_precision(t):>9.2f} {_recall(t):>6.2f}")
    print("misclassified:", ", ".join(misses) or "none")
    return table


def _precision(t: dict[str, int]) -> float:
    return t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0


def _recall(t: dict[str, int]) -> float:
    return t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0


def test_eval_set_is_big_and_half_hard_negatives():
    cases = load_cases()
    assert len(cases) >= 60
    assert sum(not c["label"] for c in cases) >= len(cases) / 2
    assert len({c["id"] for c in cases}) == len(cases)


@pytest.mark.parametrize("check", sorted(PRECISION_FLOOR))
def test_precision_floor(results, check):
    t = results[check]
    assert t["tp"] + t["fn"] >= 10 and t["fp"] + t["tn"] >= 10, "too few cases to measure"
    assert _precision(t) >= PRECISION_FLOOR[check], t


def test_every_check_finds_something_and_is_mostly_right(results):
    for check, t in results.items():
        assert t["tp"] > 0, check
        assert (t["tp"] + t["tn"]) / sum(t.values()) >= 0.75, (check, t)
