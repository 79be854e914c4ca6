"""Hostile text from files (issue 12, items 11 and 14): what reaches a terminal or a report
shows control characters and bidi overrides as placeholders; CSV cells a spreadsheet would
run as formulas are neutralised (OWASP) unless --raw-csv; Markdown escapes HTML. The stored
text never changes."""

from __future__ import annotations

import csv
import io
import re

import pytest

from mtreview.core.project import Project
from mtreview.core.types import System, Translation
from mtreview.export.formats import read_csv
from tests.commands.tiny import make_project
from tests.conftest import run_main

ESC_NAME = "evil\x1b]0;pwned\x07\x1b[2J"
RLO_NAME = "\u202eright-to-left"
FORMULA_NAME = "=HYPERLINK(\"http://x.example\",\"click\")"
HTML_NAME = "<img src=x onerror=alert(1)>"
FORMULA_TEXTS = ["=1+2", "+cmd|' /C calc'!A0", "@SUM(A1)", "'quoted", "-\tlead", "\rx",
                 "plain"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A project whose system names and translations came from hostile files (an import
    keeps names as given; translations are never changed)."""
    path = make_project(tmp_path_factory.mktemp("hostile") / "p")
    with Project.open(path) as p:
        for name in (ESC_NAME, RLO_NAME, FORMULA_NAME, HTML_NAME):
            p.store.add_system(System(name, "file", {"file": name}),
                               [Translation(name, i, FORMULA_TEXTS[i]) for i in (1, 2, 3)])
        p.store.add_system(System("formulas", "file", {}),
                           [Translation("formulas", 1, "=HYPERLINK(\"http://x\")"),
                            Translation("formulas", 2, "'quoted"),
                            Translation("formulas", 3, "@SUM(A1:A9)")])
    return path


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _no_controls(text):
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, text


def test_status_and_table_report_show_placeholders(hostile):
    for args in (["status", hostile], ["report", hostile, "--metrics", "chrf",
                                       "--bootstrap", "0", "--ar", "0"]):
        rc, out, err = run_main(*args)
        assert rc == 0, err
        _no_controls(out)
        assert "evil\u241b]0;pwned\u2407" in out and "\u27eaU+202E\u27ebright-to-left" in out


def test_markdown_report_escapes_html_and_controls(hostile):
    rc, out, err = run_main("report", hostile, "--metrics", "chrf", "--bootstrap", "0",
                            "--ar", "0", "--format", "markdown")
    assert rc == 0, err
    _no_controls(out)
    assert HTML_NAME not in out and "&lt;img src=x onerror=alert(1)&gt;" in out


def test_html_report_shows_placeholders(hostile, tmp_path):
    out = tmp_path / "r.html"
    rc, _, err = run_main("report", hostile, "--metrics", "chrf", "--bootstrap", "0",
                          "--ar", "0", "--format", "html", "--output", out)
    assert rc == 0, err
    page = out.read_text(encoding="utf-8")
    _no_controls(page)
    assert HTML_NAME not in page


def test_csv_report_neutralises_formulas_but_not_numbers(hostile):
    args = ["report", hostile, "--metrics", "chrf", "--bootstrap", "0", "--ar", "0",
            "--format", "csv"]
    rc, out, err = run_main(*args)
    assert rc == 0, err
    _no_controls(out)
    rows = list(csv.DictReader(io.StringIO(out)))
    systems = {r["system"] for r in rows}
    assert "'" + FORMULA_NAME in systems and FORMULA_NAME not in systems
    mqm = [r for r in rows if r["metric"] == "mqm-mqm"]
    assert mqm and all(float(r["score"]) >= 0 for r in mqm)  # penalties: numbers, unquoted
    # a negative number stays a number (not quoted): chrF differences are not in the CSV,
    # so check a quoted cell never parses as a number
    assert all(not c.startswith("'") or not _number(c[1:]) for r in rows for c in r.values())
    z = {r["system"]: r["score"] for r in rows if r["metric"] == "da-z"}
    assert z["sys-b"].startswith("-") and float(z["sys-b"]) < 0  # sys-b scored lower
    rc, raw, _ = run_main(*args, "--raw-csv")
    assert rc == 0 and FORMULA_NAME in {r["system"] for r in csv.DictReader(io.StringIO(raw))}


def test_csv_export_neutralises_formulas_and_reads_back_exactly(hostile, tmp_path):
    out = tmp_path / "all.csv"
    rc, _, err = run_main("export", hostile, out, "--all")
    assert rc == 0, err
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    risky = [c for r in rows for c in r.values() if c and c[0] in "=+-@\t\r"]
    assert risky == []
    formulas = {r["tgt"] for r in rows if r["system"] == "formulas"}
    assert formulas == {"'=HYPERLINK(\"http://x\")", "''quoted", "'@SUM(A1:A9)"}
    back = read_csv(out, cache_dir=str(tmp_path / "cache"))
    with Project.open(hostile) as p:
        stored = {(s.name, seg): t for s in p.store.systems()
                  for seg, t in p.store.translations(s.name).items()}
    assert {(r["system"], r["seg_id"]): r["tgt"] for r in back} == stored

    raw = tmp_path / "raw.csv"
    assert run_main("export", hostile, raw, "--all", "--raw-csv")[0] == 0
    with open(raw, encoding="utf-8", newline="") as fh:
        assert "=HYPERLINK(\"http://x\")" in {r["tgt"] for r in csv.DictReader(fh)}
    back = read_csv(raw, cache_dir=str(tmp_path / "cache2"), raw=True)
    assert {(r["system"], r["seg_id"]): r["tgt"] for r in back} == stored


@pytest.mark.parametrize("args", [["report", "--format", "json", "--raw-csv"],
                                  ["export", "OUT.jsonl", "--raw-csv"]])
def test_raw_csv_with_another_format_is_refused(hostile, tmp_path, args):
    args = [a.replace("OUT", str(tmp_path / "o")) for a in args]
    rc, _, err = run_main(args[0], hostile, *args[1:])
    assert rc == 2 and "--raw-csv" in err and err.count("\n") == 1


def test_error_messages_show_placeholders(hostile, tmp_path):
    rc, _, err = run_main("export", hostile, tmp_path / "o.csv", "--system", "x\x1b[2J\u202e")
    assert rc == 2 and err.count("\n") == 1
    _no_controls(err)
    rc, _, err = run_main("report", hostile, "--baseline", "a\nb\x1b]0;t\x07")
    assert rc == 2 and err.count("\n") == 1
    _no_controls(err)


def test_dataset_card_keeps_names_inert(hostile, tmp_path):
    out = tmp_path / "ds"
    rc, stdout, err = run_main("export", hostile, out, "--all")
    assert rc == 0, err
    _no_controls(stdout)
    card = (out / "README.md").read_text(encoding="utf-8")
    _no_controls(card)
    assert f"`{HTML_NAME}`" in card
    outside_code = re.sub(r"`[^`]*`", "", card)  # HTML only ever inside code spans
    assert "<img" not in outside_code
