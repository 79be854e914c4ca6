"""mtreview qe: forced decoding with the bundled model flags unlikely words of BLOOM's FLORES
translations; the flags become suggested spans and survive a `check` run."""

from __future__ import annotations

from mtreview.core.project import Project
from mtreview.translate.qe import CHECK_ID, qe_flags
from mtreview.tui.suggest import suggestions
from tests.conftest import FLORES, run_cli


def test_qe_flags_unlikely_words_as_suggested_spans(project, env, tmp_path):
    bloom = FLORES / "systems" / "bloom-176b-1shot.en"
    lines = bloom.read_text(encoding="utf-8").splitlines()[:40]
    (tmp_path / "bloom.en").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cli("add-system", project, "bloom", tmp_path / "bloom.en",
                   env=env).returncode == 0
    r = run_cli("qe", project, "--model", "mtreview-ar-en-small", "--limit", "5",
                "--per-segment", "2", env=env)
    assert r.returncode == 0, r.stderr
    assert "model-qe:" in r.stdout
    assert run_cli("check", project, env=env).returncode == 0  # keeps the QE flags
    with Project.open(project) as p:
        flags = [f for f in p.store.flags() if f.check == CHECK_ID]
    assert flags and len(flags) <= 5
    for f in flags:
        (seg,) = f.segments
        text = lines[seg - 1]
        assert 1 <= len(f.spans) <= 2 and f.system == "bloom"
        for s in f.spans:  # whole words of the translation
            word = text[s.start:s.end]
            assert word and " " not in word and word in text.split()
        got = suggestions([f], seg, "bloom", None)
        assert [(g.start, g.end) for g in got] == sorted((s.start, s.end) for s in f.spans)


def test_qe_bad_input_is_one_line_and_nothing_changes(project, env):
    for args, says in ((["--threshold", "0"], "--threshold"),
                       (["--system", "nope"], "no system 'nope'"),
                       (["--model", "no-such-model"], "no-such-model")):
        cmd = ["qe", project, *(["--model", "mtreview-ar-en-small"] if "--model" not in args
                                else []), *args]
        r = run_cli(*cmd, env=env)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert says in r.stderr
    with Project.open(project) as p:
        assert not [f for f in p.store.flags() if f.check == CHECK_ID]


def test_qe_flags_keep_the_least_likely_words_below_the_threshold():
    scored = [[(0, 2, 0.5), (3, 8, 0.001), (9, 12, 0.0001), (13, 15, 0.002)], None, []]
    flags = list(qe_flags([1, 2, 3], ["ab cdefg hij kl", "x", ""], scored, "s", 0.01, 2))
    (f,) = flags
    assert [(s.start, s.end) for s in f.spans] == [(3, 8), (9, 12)]
    assert f.forms == ("cdefg", "hij") and "0.0001" in f.message
