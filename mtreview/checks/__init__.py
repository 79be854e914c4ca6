"""Inconsistency checks: ``run_checks(project_or_store_or_input, only=None, glossary=None)``
returns :class:`~mtreview.core.types.Flag` objects; ``CHECKS`` is the registry (id → class).

May import: ``mtreview.core``, ``mtreview.arabic``, numpy, rapidfuzz. Never a UI, torch,
metrics, report or export.

Adding a check is one new module here (``@register`` on a ``Check`` subclass in
:mod:`mtreview.checks.base`; every module of the package is loaded) plus its test.
``--jobs N`` runs the name checks in one forked process and the others in a second.
"""

from mtreview.checks.base import (
    CHECKS,
    Check,
    CheckInput,
    load_checks,
    resolve_ids,
    run_checks,
    save_flags,
)

__all__ = ["CHECKS", "Check", "CheckInput", "load_checks", "resolve_ids", "run_checks",
           "save_flags"]
