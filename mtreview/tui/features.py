"""The review screen's feature modules: their keys (joined into ``bindings.REVIEW_KEYS``) and
their actions (mixed into the screen). Adding a key touches its feature module only."""

from __future__ import annotations

from mtreview.tui.keyspec import KeySpec
from mtreview.tui.marking_keys import MARKING_KEYS, MarkingActions

FEATURE_KEYS: tuple[KeySpec, ...] = MARKING_KEYS


class FeatureActions(MarkingActions):
    """Every feature's actions, for the review screen to inherit."""
