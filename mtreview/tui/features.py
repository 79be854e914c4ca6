"""The review screen's feature modules: their keys (joined into ``bindings.REVIEW_KEYS``) and
their actions (mixed into the screen). Adding a key touches its feature module only."""

from __future__ import annotations

from mtreview.tui.context_keys import CONTEXT_KEYS, ContextActions
from mtreview.tui.keyspec import KeySpec
from mtreview.tui.marking_keys import MARKING_KEYS, MarkingActions
from mtreview.tui.span_keys import SPAN_KEYS, SpanActions

FEATURE_KEYS: tuple[KeySpec, ...] = MARKING_KEYS + SPAN_KEYS + CONTEXT_KEYS


class FeatureActions(MarkingActions, SpanActions, ContextActions):
    """Every feature's actions, for the review screen to inherit."""
