"""`mtreview check`'s table shows Arabic readably on request; pipes get the stored text."""

from mtreview import paths
from mtreview.arabic.display import display
from tests.conftest import run_cli


def test_table_display_modes(tmp_path):
    d = tmp_path / "p"
    assert run_cli("init", d, "--source", paths.SAMPLE_SOURCE, "--split-sentences").returncode == 0
    logical = run_cli("check", d).stdout  # not a terminal: logical, as stored
    assert "الهاشمي" in logical and "هاشيمي" in logical
    shaped = run_cli("check", d, "--display", "shaped").stdout
    assert "الهاشمي" not in shaped and display("الهاشمي", None, "shaped") in shaped
    assert shaped.splitlines()[0] == logical.splitlines()[0]  # English lines unchanged
    r = run_cli("check", d, "--display", "upside-down")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
