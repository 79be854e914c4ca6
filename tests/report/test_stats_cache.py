"""The statistics cache works per text: adding a system computes only its new hypotheses."""

from __future__ import annotations

import shutil

from mtreview.core.project import Project
from mtreview.report.build import build_report


def test_added_system_computes_only_its_new_lines(flores40, tmp_path, cli):
    proj = tmp_path / "proj"
    shutil.copytree(flores40["project"], proj)
    with Project.open(proj) as p:
        build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
    lines = flores40["files"][0].read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + " indeed"
    lines[17] = "something else entirely"
    copy = tmp_path / "bloom-edit.en"
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("add-system", proj, "bloom-edit", copy).returncode == 0
    with Project.open(proj) as p:
        rep = build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
        assert rep.computed_stats == 2 * 3  # two changed lines, three metrics
        again = build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
        assert again.computed_stats == 0
    fresh = tmp_path / "fresh"  # everything computed from scratch: the same numbers
    assert cli("init", fresh, "--source", flores40["src"], "--reference",
               flores40["ref"]).returncode == 0
    assert cli("add-system", fresh, "bloom-edit", copy).returncode == 0
    assert cli("add-system", fresh, "bloom", flores40["files"][0]).returncode == 0
    with Project.open(fresh) as p:
        scratch = build_report(p, metrics="bleu,chrf,ter", bootstrap=0, ar=0)
    for s in scratch.systems:
        for m in rep.metrics:
            assert scratch.score(s, m) == rep.score(s, m)
            assert scratch.segment_scores[s][m] == rep.segment_scores[s][m]
    for m in rep.metrics:
        assert rep.score("bloom-edit", m) != rep.score("bloom", m)
