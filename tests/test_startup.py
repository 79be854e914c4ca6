"""Command start-up: heavy imports with the cyclic garbage collector paused and what they
made frozen (mtreview.startup), undone for in-process callers of mtreview.cli.main."""

from __future__ import annotations

import gc

from mtreview.startup import imports


def test_imports_pause_the_collector_then_freeze_and_restore_it():
    assert gc.isenabled()
    before = gc.get_freeze_count()
    try:
        with imports():
            assert not gc.isenabled()
            kept = [[] for _ in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(kept)
        gc.disable()
        with imports():
            pass
        assert not gc.isenabled()  # as it was
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_command_run_in_process_leaves_nothing_frozen(tmp_path):
    from mtreview.cli import main

    gc.unfreeze()  # whatever an earlier test left frozen
    assert main(["status", str(tmp_path / "none")]) == 2  # imports, then a refusal
    assert main(["report", str(tmp_path / "none")]) == 2
    assert gc.get_freeze_count() == 0 and gc.isenabled()
