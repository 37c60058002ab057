"""Executors: where runs execute. Anything implementing ``concurrent.futures.Executor`` works.

- ``serial``: in this process, one run after another.
- ``processes``: a local pool of worker processes (default: all cores) that survives its
  workers: a run that kills its worker or never answers fails alone
  (:class:`~econ.experiment.pool.WorkerPool`).
- ``dask``: a Dask distributed cluster given its scheduler address; with none, a
  ``LocalCluster`` on 127.0.0.1. For SLURM or PBS, start a dask-jobqueue cluster and pass its
  scheduler address (see the README). A run whose worker dies is tried on
  ``RETRIES_AFTER_DEATH`` more workers, then failed; the other runs that worker held are
  tried again (:class:`DaskExecutor`).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import secrets
import threading
import warnings
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager

from econ.experiment.pool import WorkerPool
from econ.parameters import shown

__all__ = [
    "EXECUTORS",
    "MAX_LOCAL_WORKERS",
    "RETRIES_AFTER_DEATH",
    "DaskExecutor",
    "SerialExecutor",
    "cores",
    "make_executor",
    "quiet_fork",
]

#: Executors by name: one process, a process pool on this machine, or Dask.
EXECUTORS = ("serial", "processes", "dask")
#: Local worker processes at most (more only thrash; each holds a model in memory).
MAX_LOCAL_WORKERS = 256
#: Further tries of a run whose worker process died, before it is failed.
RETRIES_AFTER_DEATH = 1


class DaskExecutor(futures.Executor):
    """Dask's ``concurrent.futures`` executor, which also knows which runs died with their
    worker.

    When a worker dies, Dask blames every task it held, run or waiting (``KilledWorker``).
    Tasks announce each run's start and end to the scheduler (:meth:`announcer`), so the
    sweep can tell the run that was running, which is failed after its tries, from the
    others, which are tried again.

    Parameters
    ----------
    client : distributed.Client
        A client connected to the cluster's scheduler; it is used, not closed.
    **kwargs : object
        Further keyword arguments of ``distributed.Client.get_executor`` (``workers``,
        ``resources``, ...), for every task submitted.
    """

    def __init__(self, client, **kwargs) -> None:
        self.client = client
        # pure=False: a run sent again is a new task, not the erred one under the same key.
        self._executor = client.get_executor(pure=False, **kwargs)
        self._topic = f"econ-runs-{secrets.token_hex(8)}"  # this sweep's events only

    def submit(self, fn, /, *args, **kwargs) -> futures.Future:
        """Submit ``fn(*args, **kwargs)``; returns its future.

        Parameters
        ----------
        fn : callable
            The call to run.
        *args : object
            Its positional arguments.
        **kwargs : object
            Its keyword arguments.

        Returns
        -------
        concurrent.futures.Future
            The call's future.
        """
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, **kwargs) -> None:
        """Stop accepting work; with ``wait``, until the submitted calls are done.

        Parameters
        ----------
        wait : bool, default True
            Wait for the submitted calls.
        **kwargs : object
            Accepted for ``concurrent.futures.Executor``'s signature, and ignored.
        """
        self._executor.shutdown(wait=wait)

    def announcer(self) -> functools.partial:
        """The ``announce`` callable for :func:`~econ.experiment.runner.execute_runs`.

        Returns
        -------
        callable
            ``announce(event, run_id)``: logs the event (``"start"`` or ``"end"``) and the run
            id on the scheduler, under this sweep's topic, for :meth:`deaths` to count.
        """
        return functools.partial(announce_to_dask, self._topic)

    def deaths(self, run_id: str) -> int:
        """Times ``run_id`` started on a worker and never ended (its worker died).

        Parameters
        ----------
        run_id : str
            The run's id, as announced by :meth:`announcer`.

        Returns
        -------
        int
            Starts logged for the run minus ends: 0 while it runs or after it ended.
        """
        events = [msg for _, msg in self.client.get_events(self._topic)]
        return events.count(f"start {run_id}") - events.count(f"end {run_id}")


def announce_to_dask(topic: str, event: str, run_id: str) -> None:
    """Log a run's start or end on the scheduler, and wait until it is logged (a worker
    killed right after must not lose it)."""
    from distributed import get_client

    get_client().log_event(topic, f"{event} {run_id}")


class SerialExecutor(futures.Executor):
    """Runs each submitted call at once, in this process."""

    def submit(self, fn, /, *args, **kwargs) -> futures.Future:
        """Run ``fn(*args, **kwargs)`` now and return its finished future.

        Parameters
        ----------
        fn : callable
            The call to run.
        *args : object
            Its positional arguments.
        **kwargs : object
            Its keyword arguments.

        Returns
        -------
        concurrent.futures.Future
            Done, with ``fn``'s result or the exception it raised.
        """
        future: futures.Future = futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:
            future.set_exception(err)
        return future


@contextmanager
def make_executor(
    kind: str | futures.Executor | None = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    task_timeout: float | None = None,
) -> Iterator[futures.Executor]:
    """Yield a ready executor and shut down what this function started.

    Parameters
    ----------
    kind : {"processes", "serial", "dask"} or concurrent.futures.Executor, default "processes"
        Where runs execute: a process pool on this machine, this process, or Dask (a
        ``LocalCluster`` on 127.0.0.1, or the cluster at ``scheduler``). An executor you made is
        used as it is and left running. None means ``"processes"``.
    workers : int or None, default None
        Processes or local Dask workers to start; None: every core this process may use.
    scheduler : str or None, default None
        Address of a running Dask scheduler (``tcp://host:port``), with ``kind="dask"``.
    task_timeout : float or None, default None
        How long the process pool lets one task run before it kills its worker (seconds);
        other executors rely on the runs' own time limit.

    Yields
    ------
    concurrent.futures.Executor
        The executor, shut down when the ``with`` block ends.

    Raises
    ------
    ValueError
        For an unknown ``kind`` or ``workers`` below 1.
    """
    if isinstance(kind, futures.Executor):
        yield kind
        return
    kind = kind or "processes"
    if not isinstance(kind, str) or kind not in EXECUTORS:
        raise ValueError(f"executor={shown(kind)}; allowed: {', '.join(EXECUTORS)} or an Executor")
    check_workers(workers, local=not scheduler)
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(
            f"scheduler={shown(scheduler)}: expected an address such as tcp://host:8786"
        )
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        with quiet_fork():  # the first workers fork here (see _process_context)
            pool = WorkerPool(
                workers or cores(),
                _process_context(),
                timeout=task_timeout,
                retries=RETRIES_AFTER_DEATH,
                respawn_context=_respawn_context(),
            )
        try:
            yield pool
        except BaseException:
            pool.terminate()
            raise
        pool.shutdown(wait=True)
    else:
        from distributed import Client, LocalCluster

        if scheduler:
            with Client(scheduler) as client:
                yield DaskExecutor(client)
        else:
            n = workers or cores()
            with (
                LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    host="127.0.0.1",
                    dashboard_address=None,
                    processes=True,
                    # Dask gives up on a task at the first death of a worker holding it; the
                    # sweep then tries again the runs that were not running (DaskExecutor).
                    scheduler_kwargs={"allowed_failures": 0},
                ) as cluster,
                Client(cluster) as client,
            ):
                yield DaskExecutor(client)


def check_workers(workers: object, local: bool = True) -> None:
    """Raise unless ``workers`` is None or a whole number in [1, MAX_LOCAL_WORKERS]."""
    if workers is None:
        return
    high = MAX_LOCAL_WORKERS if local else 100_000
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= high:
        raise ValueError(f"workers={shown(workers)}: expected a whole number in [1, {high}]")


def _process_context() -> multiprocessing.context.BaseContext:
    """How to start the first worker processes.

    Forking lets workers inherit the imported model (an import costs over a second per
    worker). What makes a fork deadlock is a Python thread holding a lock at that moment
    (Jupyter's, Dask's, a progress monitor's); the native thread pools numpy (OpenBLAS) and
    pyarrow start on import register at-fork handlers, so they do not count. With other
    Python threads running, or where fork does not exist, :func:`_respawn_context` is used.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return _respawn_context()


def _respawn_context() -> multiprocessing.context.BaseContext:
    """How to start workers from a thread (replacements start from the pool's own thread):
    a fork server with the model preloaded (it imports the model once and persists for later
    sweeps), or spawn where there is none."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["econ.model", "econ.experiment.runner"])
    return context


@contextmanager
def quiet_fork() -> Iterator[None]:
    """Silence Python's warning about forking a process with (native) threads.

    The process pool forks its first workers when it starts; ``_process_context`` has
    already chosen fork only when no other Python thread runs (see there).

    Yields
    ------
    None
        Inside the ``with`` block the warning is ignored.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=".*use of fork\\(\\) may lead to deadlocks",
            category=DeprecationWarning,
        )
        yield


def cores() -> int:
    """Cores this process may use.

    Returns
    -------
    int
        The CPU affinity count where the platform has one, else the CPU count.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
