"""A sweep always ends: a run that kills its worker, exits or hangs fails alone, with its
cause, on every executor; the other runs complete (retried where their worker died) with the
same numbers as an undisturbed sweep. Faults are injected through RunSpec's test-only
``_fault`` and kill real worker processes."""

import dataclasses
import multiprocessing
import os
import signal
import time
from concurrent import futures
from multiprocessing import forkserver

import pandas as pd
import pytest

from econ.experiment import parse_spec, run, sweep
from econ.experiment.pool import TaskTimeoutError, WorkerDiedError, WorkerPool
from econ.experiment.runner import FAULTS, execute_run
from econ.experiment.runs import RunSpec

SPEC = {
    "experiment": {
        "name": "faults",
        "scenario": "small",
        "n_firms": 60,
        "steps": 3,
        "replications": 1,
        "seed": 11,
        "time_limit": 8,  # a fresh worker loads numba and its kernels first: slow on a busy machine
    },
    "design": {"type": "factorial", "factors": {"openness": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}},
}


def faulty_sweep(monkeypatch, faults: dict[int, str]):
    """Make run i of the plan fail with ``faults[i]`` (the plan is built in this process)."""
    plan_runs = sweep.plan_runs

    def plan(spec):
        runs = plan_runs(spec)
        return [dataclasses.replace(r, _fault=faults.get(i, "")) for i, r in enumerate(runs)]

    monkeypatch.setattr(sweep, "plan_runs", plan)


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory):
    out = tmp_path_factory.mktemp("undisturbed") / "r"
    return run(parse_spec(SPEC), executor="serial", out=out, progress=False)


def outcome(results, point: int) -> tuple[str, str]:
    row = results.runs.set_index("point").loc[point]
    return row["status"], row["error"]


def same_numbers(results, undisturbed, points):
    mine = results.runs[results.runs["point"].isin(points)].reset_index(drop=True)
    theirs = undisturbed.runs[undisturbed.runs["point"].isin(points)].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    series = results.series[results.series["point"].isin(points)].reset_index(drop=True)
    expected = undisturbed.series[undisturbed.series["point"].isin(points)]
    pd.testing.assert_frame_equal(series, expected.reset_index(drop=True), check_exact=True)


def test_process_pool_survives_killed_exiting_and_hanging_runs(monkeypatch, tmp_path, undisturbed):
    faults = {
        0: "kill",  # SIGKILL, as the out-of-memory killer does
        1: "os_exit",
        2: "exit",  # SystemExit
        3: "hang",  # sleeps forever: abandoned by its worker
        4: "hang_holding_gil",  # never yields the interpreter: its worker is killed
        5: f"kill_once:{tmp_path / 'killed-once'}",  # dies once, then succeeds
        6: "segfault",
    }
    faulty_sweep(monkeypatch, faults)
    results = run(
        parse_spec(SPEC), executor="processes", workers=2, out=tmp_path / "r", progress=False
    )
    assert outcome(results, 0) == (
        "failed",
        "its worker process died in each of 2 tries (killed by SIGKILL; killed by SIGKILL)",
    )
    assert outcome(results, 1)[1].endswith("(exit code 3; exit code 3)")
    assert outcome(results, 2) == ("failed", "SystemExit: 3")
    assert outcome(results, 3)[1].startswith("timed out: no answer after")
    assert "the run was abandoned" in outcome(results, 3)[1]
    assert outcome(results, 4)[1].startswith("timed out")
    assert "its worker process was killed" in outcome(results, 4)[1]
    assert "killed by SIGSEGV" in outcome(results, 6)[1]
    assert outcome(results, 5) == ("ok", "")
    assert results.manifest["counts"] == {"planned": 7, "skipped": 0, "done": 1, "failed": 6}
    same_numbers(results, undisturbed, [5])
    # Resuming re-runs only the failed runs (the faults are gone): all match the serial sweep.
    monkeypatch.undo()
    resumed = run(
        parse_spec(SPEC), executor="processes", workers=2, out=tmp_path / "r", progress=False
    )
    assert resumed.manifest["counts"] == {"planned": 7, "skipped": 1, "done": 6, "failed": 0}
    same_numbers(resumed, undisturbed, range(7))


def test_dask_fails_a_run_that_keeps_killing_workers_and_the_sweep_ends(
    monkeypatch, tmp_path, undisturbed
):
    faults = {
        1: "kill",
        3: "hang",
        4: "exit",
        5: f"kill_once:{tmp_path / 'killed-once'}",
    }
    faulty_sweep(monkeypatch, faults)
    # Batches of three: the batch holding the killer is split and its other runs retried.
    results = run(
        parse_spec(SPEC),
        executor="dask",
        workers=2,
        out=tmp_path / "r",
        progress=False,
        batch_size=3,
    )
    assert outcome(results, 1) == (
        "failed",
        "its worker process died in each of 2 tries (Dask: KilledWorker)",
    )
    assert outcome(results, 3)[1].startswith("timed out: no answer after")
    assert outcome(results, 4) == ("failed", "SystemExit: 3")
    ok = [0, 2, 5, 6]
    assert all(outcome(results, p) == ("ok", "") for p in ok)
    same_numbers(results, undisturbed, ok)


def test_serial_runs_that_exit_raise_or_hang_fail_alone(monkeypatch, tmp_path, undisturbed):
    faulty_sweep(monkeypatch, {0: "exit", 1: "raise", 2: "hang"})
    results = run(parse_spec(SPEC), executor="serial", out=tmp_path / "r", progress=False)
    assert outcome(results, 0) == ("failed", "SystemExit: 3")
    assert outcome(results, 1) == ("failed", "RuntimeError: injected fault")
    assert outcome(results, 2)[1].startswith("timed out")
    same_numbers(results, undisturbed, [3, 4, 5, 6])


def test_a_slow_run_stops_itself_at_its_time_limit(monkeypatch, tmp_path):
    spec = {**SPEC, "experiment": {**SPEC["experiment"], "steps": 400, "time_limit": 1}}
    spec["design"] = {"type": "factorial", "factors": {"openness": [0.0]}}
    faulty_sweep(monkeypatch, {0: "slow"})  # a quarter takes at least 0.25 s
    results = run(parse_spec(spec), executor="serial", out=tmp_path / "r", progress=False)
    status, error = outcome(results, 0)
    assert status == "failed" and error.startswith("timed out after ")
    assert error.endswith("of 400 quarters (limit 1 s per run)")


def test_time_limit_defaults_to_the_size_and_the_command_line_overrides(tmp_path):
    spec = parse_spec({**SPEC, "experiment": {**SPEC["experiment"], "time_limit": None}})
    bigger = parse_spec(
        {**SPEC, "experiment": {**SPEC["experiment"], "time_limit": None, "n_firms": 100_000}}
    )
    assert 120 < spec.run_time_limit() < bigger.run_time_limit()
    assert parse_spec(SPEC).run_time_limit() == 8.0
    results = run(spec, executor="serial", out=tmp_path / "r", progress=False, time_limit=30)
    assert results.manifest["time_limit"] == 30.0
    assert results.spec.time_limit == 30.0


def test_faults_are_test_only_and_never_part_of_a_run():
    run_spec = RunSpec(0, 0, 1, "small", 60, 2, {}, {}, {}, ("market_size",))
    faulty = dataclasses.replace(run_spec, _fault="raise")
    assert faulty.run_id == run_spec.run_id and faulty == run_spec
    assert "_fault" not in repr(faulty)
    assert execute_run(faulty).error == "RuntimeError: injected fault"
    unknown = dataclasses.replace(run_spec, _fault="no such fault")
    assert execute_run(unknown).status == "ok"
    assert {"kill", "hang", "exit"} <= set(FAULTS)


def _task(kind: str) -> int:
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "hang":
        time.sleep(600)
    if kind == "exit":
        raise SystemExit(5)
    return os.getpid()


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_worker_pool_without_fork(method):
    # The pool needs no fork: it works where only spawn exists (Windows, macOS's default).
    context = multiprocessing.get_context(method)
    with WorkerPool(2, context, timeout=3.0, retries=1) as pool:
        calls = {pool.submit(_task, kind): kind for kind in ("kill", "hang", "exit", "ok", "ok")}
        done = {calls[f]: f for f in futures.as_completed(calls, timeout=120)}
    with pytest.raises(WorkerDiedError, match="died in each of 2 tries"):
        done["kill"].result()
    with pytest.raises(TaskTimeoutError, match="no answer after 3 s"):
        done["hang"].result()
    with pytest.raises(SystemExit):
        done["exit"].result()
    ok = [f.result() for f, kind in calls.items() if kind == "ok"]
    assert all(isinstance(pid, int) and pid != os.getpid() for pid in ok)


def test_worker_pool_cancels_queued_tasks_when_terminated():
    pool = WorkerPool(1, multiprocessing.get_context("spawn"))
    first = pool.submit(_task, "hang")
    queued = pool.submit(_task, "ok")
    deadline = time.monotonic() + 60
    while not first.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    pool.terminate()
    assert queued.cancelled()
    with pytest.raises(WorkerDiedError, match="the pool was stopped"):
        first.result(timeout=30)
    with pytest.raises(RuntimeError, match="shutting down"):
        pool.submit(_task, "ok")


def test_worker_pool_replaces_workers_when_the_fork_server_is_killed():
    context = multiprocessing.get_context("forkserver")
    with WorkerPool(1, context, retries=1) as pool:
        assert isinstance(pool.submit(_task, "ok").result(timeout=120), int)
        os.kill(forkserver._forkserver._forkserver_pid, signal.SIGKILL)  # what starts workers
        with pytest.raises(WorkerDiedError, match="died in each of 2 tries"):
            pool.submit(_task, "kill").result(timeout=120)
        assert isinstance(pool.submit(_task, "ok").result(timeout=120), int)
