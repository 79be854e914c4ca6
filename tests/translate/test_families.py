"""Every family's tiny model translates through `mtreview translate`, offline, and the
language tokens reach generate(): the source code leads the encoder input, the target code
is the forced BOS of the GenerationConfig used, and the first generated token after the
decoder start."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3

import pytest
from transformers import AutoTokenizer

from tests.conftest import run_cli
from tests.translate.tiny import FAMILY_CODES


def batches(env) -> list[dict]:
    with open(env["MTREVIEW_TRANSLATE_LOG"], encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def translations(project) -> dict[str, dict[int, str]]:
    con = sqlite3.connect(project / "store.sqlite")
    try:
        out: dict[str, dict[int, str]] = {}
        for system, seg, text in con.execute("SELECT system, seg_id, text FROM translations"):
            out.setdefault(system, {})[seg] = text
        return out
    finally:
        con.close()


@pytest.mark.parametrize("family", sorted(FAMILY_CODES))
def test_family_translates_with_language_tokens(family, tiny_models, project, env):
    model = tiny_models[family]
    r = run_cli("translate", project, "--model", model, "--device", "cpu", "--beams", "2",
                "--max-new-tokens", "6", env=env)
    assert r.returncode == 0, r.stderr
    assert re.search(r" 40/40 \(100%\) [\d.]+sent/s elapsed \S+ ETA 00:00", r.stderr), r.stderr
    name = model.name
    assert f"system {name!r}: translated 40 segment(s)" in r.stdout
    assert len(translations(project)[name]) == 40

    status = run_cli("status", project, "--json", env=env)
    system = json.loads(status.stdout)["systems"][0]
    prov = system["provenance"]
    assert system["kind"] == "model" and system["complete"]
    assert prov["family"] == family  # detected from config.json + tokenizer_config.json
    digest = hashlib.sha256((model / "model.safetensors").read_bytes()).hexdigest()
    assert prov["weights_sha256"] == digest
    assert prov["device"] == "cpu" and prov["dtype"] == "float32"
    assert prov["generation"]["beams"] == 2 and prov["generation"]["max_new_tokens"] == 6
    for key in ("transformers", "torch", "started", "finished", "path"):
        assert prov[key]

    tok = AutoTokenizer.from_pretrained(model)
    log = batches(env)
    assert sorted(s for b in log for seg in b["segments"] for s in seg) == list(range(1, 41))
    src, tgt = FAMILY_CODES[family]
    for b in log:
        assert b["num_beams"] == 2
        assert all(row_last == tok.eos_token_id for row_last in b["source_last"])
        starts = {row[0] for row in b["output_prefix"]}
        assert starts == {b["decoder_start_token_id"]}
        if tgt is None:  # Marian: no language tokens, decoding starts at <pad>
            assert b["forced_bos_token_id"] is None
            assert b["decoder_start_token_id"] == tok.pad_token_id
            continue
        src_id, tgt_id = tok.convert_tokens_to_ids(src), tok.convert_tokens_to_ids(tgt)
        if family == "m2m100":
            src_id, tgt_id = tok.get_lang_id(src), tok.get_lang_id(tgt)
        assert tgt_id != tok.unk_token_id and src_id != tok.unk_token_id
        assert b["forced_bos_token_id"] == tgt_id
        assert b["decoder_start_token_id"] == tok.eos_token_id
        assert all(first == src_id for first in b["source_first"])
        assert all(row[1] == tgt_id for row in b["output_prefix"])
