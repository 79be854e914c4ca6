"""Inconsistency checks: ``run_checks(project_or_store_or_input, only=None, glossary=None)``
returns :class:`~mtreview.core.types.Flag` objects; ``CHECKS`` is the registry (id → class).
See :mod:`mtreview.checks.base`."""

from mtreview.checks.base import (
    CHECKS, Check, CheckInput, load_checks, resolve_ids, run_checks, save_flags,
)

__all__ = ["CHECKS", "Check", "CheckInput", "load_checks", "resolve_ids", "run_checks",
           "save_flags"]
