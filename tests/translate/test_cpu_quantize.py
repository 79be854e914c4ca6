"""A card's [generation] cpu_quantize sets the default --quantize on the CPU only."""

import pytest

from mtreview.errors import UserError
from mtreview.translate.cards import load_card, resolve_model
from mtreview.translate.settings import Settings


def test_bundled_card_defaults_to_int8_on_cpu_and_the_flag_wins():
    spec = resolve_model("mtreview-ar-en-small")
    assert Settings.resolve(spec, device="cpu").quantize == "int8"
    assert Settings.resolve(spec, device="cpu", quantize="none").quantize == "none"
    assert Settings.resolve(spec, device="cpu", dtype="bfloat16").quantize == "none"


def test_bad_cpu_quantize_in_a_card(tmp_path):
    card = tmp_path / "m.toml"
    card.write_text('hub = "x/y"\n[generation]\ncpu_quantize = "int4"\n', encoding="utf-8")
    with pytest.raises(UserError, match="cpu_quantize must be none or int8"):
        load_card(card)
