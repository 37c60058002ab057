"""Worker processes start the same way on every platform: a warm fork server, else spawn.

No fork from the sweep's own process, whatever threads run there (issue #13); results
across executors are compared in tests/test_experiment_engine.py and tests/test_faults.py.
"""

import multiprocessing
import threading

import pytest

from econ.experiment import executors
from econ.experiment.executors import make_executor, start_method


def test_forkserver_where_the_platform_has_it_spawn_elsewhere(monkeypatch):
    monkeypatch.setattr(
        multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn", "forkserver"]
    )
    assert start_method() == "forkserver"
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # Windows
    assert start_method() == "spawn"
    assert executors._process_context().get_start_method() == "spawn"


@pytest.mark.parametrize("threads", [0, 1])
def test_the_pool_never_forks_the_sweeps_process(threads):
    """The start method does not depend on the threads running (the old heuristic did)."""
    stop = threading.Event()
    extra = [threading.Thread(target=stop.wait, daemon=True) for _ in range(threads)]
    for thread in extra:
        thread.start()
    try:
        with make_executor("processes", workers=1) as pool:
            assert pool._context.get_start_method() == start_method() != "fork"
            assert pool._respawn_context is pool._context
            assert pool.submit(pow, 2, 10).result(timeout=120) == 1024
    finally:
        stop.set()
