"""`mtreview qe --xcomet`: an xCOMET checkpoint's predicted error spans become flags, which
the review UI suggests as error spans (tiny parity checkpoint, 20 FLORES lines + BLOOM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtreview.core.project import Project
from mtreview.metrics.neural import checkpoint, segment_spans
from mtreview.metrics.neural.span_flags import CHECK_ID
from mtreview.tui.suggest import suggestions
from tests.conftest import FLORES, need_shared, run_cli, store_dump

FIX = Path(__file__).resolve().parent / "fixtures"
N = 20


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    fl = need_shared(FLORES)
    tmp = tmp_path_factory.mktemp("xcomet_flags")
    texts = {}
    for name, path in (("src", "arb_Arab.devtest"), ("ref", "eng_Latn.devtest"),
                       ("mt", "systems/bloom-176b-1shot.en")):
        texts[name] = (fl / path).read_text("utf-8").split("\n")[:N]
        (tmp / name).write_text("\n".join(texts[name]) + "\n", encoding="utf-8")
    proj = tmp / "proj"
    for args in (("init", proj, "--source", tmp / "src", "--reference", tmp / "ref"),
                 ("add-system", proj, "bloom", tmp / "mt")):
        r = run_cli(*args)
        assert r.returncode == 0, r.stderr
    return proj, texts


def test_xcomet_spans_become_flags_and_suggested_spans(project):
    proj, texts = project
    r = run_cli("qe", proj, "--xcomet", FIX / "xcomet-tiny")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{CHECK_ID}: ")
    assert run_cli("check", proj).returncode == 0  # a check run keeps them
    with Project.open(proj) as p:
        flags = [f for f in p.store.flags() if f.check == CHECK_ID]
    predicted = segment_spans(checkpoint("comet", str(FIX / "xcomet-tiny")), texts["mt"],
                              texts["src"], texts["ref"])
    assert sum(map(len, predicted)) >= 10  # the fixture predicts spans (with references)
    for seg, (mt, spans) in enumerate(zip(texts["mt"], predicted), start=1):
        mine = [f for f in flags if f.segments == (seg,)]
        assert all(f.system == "bloom" for f in mine)
        got = sorted((s.start, s.end) for f in mine for s in f.spans)
        want = sorted((s["start"] + (mt[s["start"]:s["end"]][:1].isspace()), s["end"])
                      for s in spans if mt[s["start"]:s["end"]].strip())
        assert got == want, seg  # every predicted span, its leading space left out
        for f in mine:
            assert f.severity in ("minor", "major")
            for s in f.spans:
                assert mt[s.start:s.end] == mt[s.start:s.end].strip() != ""
        shown = suggestions(mine, seg, "bloom", None)
        assert sorted((g.start, g.end) for g in shown) == sorted(set(got))


@pytest.mark.parametrize("args, says", [
    (["--xcomet", str(FIX / "comet-tiny")], "not an xCOMET checkpoint"),
    (["--xcomet", str(FIX / "xcomet-tiny"), "--model", "mtreview-ar-en-small"],
     "one of --model"),
    ([], "one of --model"),
    (["--xcomet", "no/such/dir"], "not found"),
])
def test_qe_xcomet_bad_input_is_one_line_and_changes_nothing(project, args, says):
    proj, _ = project
    before = store_dump(proj)
    r = run_cli("qe", proj, *args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], r.stderr
    assert store_dump(proj) == before
