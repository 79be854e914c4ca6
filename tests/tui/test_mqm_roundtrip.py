"""An MQM review made in the UI (categories, edited in place, an omission, an explicit no
error) round-trips through ``export --format wmt-mqm`` and ``init --from wmt-mqm``; and the
origin of an accepted suggestion travels in the dataset export."""

from __future__ import annotations

import json

from mtreview.core.project import Project
from mtreview.core.types import Flag, SpanRef
from mtreview.tui.app import create_app
from mtreview.tui.marking import jump_labels, word_spans
from tests.conftest import run_cli

from .conftest import SYSTEMS, drive


def _reviews(path):
    with Project.open(path) as p:
        return {(r.seg_id, r.system, r.reviewer): r for r in p.store.reviews()}


def test_mqm_review_from_the_ui_round_trips_through_wmt_mqm(project_dir, tmp_path):
    with Project.open(project_dir) as p:
        text = p.store.translations_of(1)[SYSTEMS[0]]
    labels = jump_labels(len(word_spans(text)))

    async def steps(pilot):
        await pilot.press("g", *labels[1], "e", "!", "a", "3")  # critical mistranslation
        await pilot.press("m", "C", "f", "2")  # in place: minor, then Fluency/Spelling
        await pilot.press("g", *labels[3], "M", "s", "1")  # major Style/Awkward
        await pilot.press("o", "M", "a", "2")  # an omission on the source
        await pilot.press("tab", "enter")  # the second system: explicitly no error
        await pilot.pause()

    drive(create_app(project_dir, reviewer="mia", protocol="mqm"), steps)
    before = _reviews(project_dir)
    spans = before[(1, SYSTEMS[0], "mia")].spans
    assert sorted((s.side, s.severity, s.category) for s in spans) == [
        ("src", "major", "Accuracy/Omission"), ("tgt", "major", "Style/Awkward"),
        ("tgt", "minor", "Fluency/Spelling")]
    assert before[(1, SYSTEMS[1], "mia")].spans == ()

    tsv = tmp_path / "mqm.tsv"
    r = run_cli("export", project_dir, tsv, "--format", "wmt-mqm")
    assert r.returncode == 0, r.stderr
    r = run_cli("init", "--from", "wmt-mqm", "--source", tsv, tmp_path / "again")
    assert r.returncode == 0, r.stderr
    after = _reviews(tmp_path / "again")
    assert after.keys() == before.keys()
    for key, review in before.items():
        assert sorted(after[key].spans, key=repr) == sorted(review.spans, key=repr)
        assert after[key].protocol == "mqm"


def test_accepted_suggestion_origin_is_exported(project_dir, tmp_path):
    with Project.open(project_dir) as p:
        text = p.store.translations_of(1)[SYSTEMS[0]]
        w = word_spans(text)
        p.store.replace_flags("t", [Flag("number-mismatch", "major", SYSTEMS[0], (1,), (),
                                         "a number", (SpanRef(1, "tgt", *w[0], SYSTEMS[0]),)),
                                    Flag("repetition", "major", SYSTEMS[0], (1,), (),
                                         "again", (SpanRef(1, "tgt", *w[2], SYSTEMS[0]),))])

    async def steps(pilot):
        await pilot.press("a", "right_square_bracket", "m", "s", "5", "0", "enter")
        await pilot.pause()

    drive(create_app(project_dir, reviewer="noa"), steps)
    out = tmp_path / "rows.jsonl"
    r = run_cli("export", project_dir, out, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (row,) = [x for x in rows if x["reviewer"] == "noa"]
    spans = row["error_spans"]
    if isinstance(spans, str):
        spans = json.loads(spans)
    assert sorted((s["start"], s["origin"]) for s in spans) == [
        (w[0][0], "check:number-mismatch"), (w[2][0], "check:repetition:edited")]
