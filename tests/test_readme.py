"""The README stays a user's README: at most 16 KB, and its second command is, word for
word, what CI runs (.ci/run)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_readme_is_at_most_16_kb():
    size = len((REPO / "README.md").read_bytes())
    assert size <= 16 * 1024, f"README.md is {size} bytes: move details to docstrings or " \
                              f"tests/benchmarks/README.md"


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2 and "pytest" in block[1]
    assert block[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8")
