"""Flags of one segment and one system are one item (table, review UI); the table isolates
Arabic runs and shows text from files through visible()."""

from __future__ import annotations

from mtreview.checks.grouping import group_flags, group_key, group_severity
from mtreview.commands.check import render_table
from mtreview.core.types import Flag

F = [Flag("wrong-script", "major", "B", (2,), ("ევევ",), "foreign script"),
     Flag("name-variant", "minor", None, (1, 2), ("هاشمي", "هاشيمي"), "one name 2 ways"),
     Flag("repetition", "major", "B", (2,), ("ევევ",), "repeated"),
     Flag("length-ratio", "minor", "B", (2,), (), "shorter"),
     Flag("number-mismatch", "major", "A", (2,), ("125 مليون", "125"), "125 مليون → £125"),
     Flag("name-variant", "info", None, (1, 2), ("ايران", "إيران"), "orthography")]


def test_one_segment_and_one_system_make_one_group():
    groups = group_flags(F)
    assert [k for k, _ in groups] == ["2:B", "name-variant:1:1", "2:A", "name-variant:1:5"]
    b = dict(groups)["2:B"]
    assert {f.check for f in b} == {"wrong-script", "repetition", "length-ratio"}
    assert b[-1].check == "length-ratio" and group_severity(b) == "major"
    assert group_key(F[0]) == group_key(F[2]) != group_key(F[4])


def test_table_shows_one_row_per_group_with_arabic_isolated():
    table = render_table(F, ["number-mismatch"], "logical").splitlines()
    assert len(table) == 1 + 4 + 1 and "6 flag(s) in 4 item(s)" in table[-1]
    row = next(r for r in table if r.startswith("number-mismatch"))
    assert "\u2068125 مليون\u2069 → £125" not in row  # digits stay outside the isolate
    assert "125 \u2068مليون\u2069 → £125" in row


def test_table_shows_control_characters_from_files_visibly():
    bad = [Flag("empty", "major", "A\x1b[2J", (1,), ("x\u202e",), "empty translation")]
    table = render_table(bad, ["empty"], "shaped")
    assert "\x1b" not in table and "\u202e" not in table and "␛" in table


def test_shaped_table_keeps_each_arabic_run_in_place():
    table = render_table([F[4]], ["number-mismatch"], "shaped")
    row = table.splitlines()[1]
    # the digits stay before the (reordered, joined) Arabic word, the arrow after it
    assert row.index("125") < row.index("→") and "(×1)" not in row


def test_jsonl_escapes_bidi_controls_and_keeps_the_data(tmp_path):
    import json

    from mtreview.commands.check import jsonl_line
    from tests.conftest import run_cli

    f = Flag("untranslated", "major", "A", (1,), ("\u202eنص",), "Arabic: \u202eنص\x85")
    line = jsonl_line(f, "tgt", "1:A")
    assert "\u202e" not in line and "\x85" not in line and "\\u202e" in line
    back = json.loads(line)
    assert back["forms"] == ["\u202eنص"] and back["message"] == f.message
    assert back["group"] == "1:A" and back["check_side"] == "tgt"
    # through the CLI: the group key
    d = tmp_path / "p"
    src, hyp = tmp_path / "src.ar", tmp_path / "hyp.en"
    src.write_text("استسلم ١٠٠٠ رجل.\n", "utf-8")
    hyp.write_text("\u202e100 men surrendered.\n", "utf-8")
    assert run_cli("init", d, "--source", src).returncode == 0
    assert run_cli("add-system", d, "A", hyp).returncode == 0
    out = run_cli("check", d, "--format", "jsonl").stdout
    (flag,) = [json.loads(x) for x in out.splitlines() if '"number-mismatch"' in x]
    assert flag["group"] == "1:A" and flag["forms"] == ["١٠٠٠", "100"]
