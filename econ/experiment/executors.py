"""Executors: where runs execute. Anything implementing ``concurrent.futures.Executor`` works.

- ``serial``: in this process, one run after another.
- ``processes``: a local process pool (default: all cores).
- ``dask``: a Dask distributed cluster given its scheduler address; with none, a
  ``LocalCluster`` on 127.0.0.1. For SLURM or PBS, start a dask-jobqueue cluster and pass its
  scheduler address (see the README).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager

__all__ = ["EXECUTORS", "SerialExecutor", "cores", "make_executor", "quiet_fork"]

#: Executors by name: one process, a process pool on this machine, or Dask.
EXECUTORS = ("serial", "processes", "dask")


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
    if kind not in EXECUTORS:
        raise ValueError(f"executor={kind!r}; allowed: {', '.join(EXECUTORS)} or an Executor")
    if workers is not None and workers < 1:
        raise ValueError(f"workers={workers}: expected a whole number >= 1")
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        with futures.ProcessPoolExecutor(
            max_workers=workers or cores(), mp_context=_process_context()
        ) as pool:
            yield pool
    else:
        from distributed import Client, LocalCluster

        if scheduler:
            with Client(scheduler) as client:
                yield client.get_executor()
        else:
            n = workers or cores()
            with (
                LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    host="127.0.0.1",
                    dashboard_address=None,
                    processes=True,
                ) as cluster,
                Client(cluster) as client,
            ):
                yield client.get_executor()


def _process_context() -> multiprocessing.context.BaseContext:
    """How to start worker processes.

    Forking lets workers inherit the imported model (an import costs over a second per
    worker). What makes a fork deadlock is a Python thread holding a lock at that moment
    (Jupyter's, Dask's, a progress monitor's); the native thread pools numpy (OpenBLAS) and
    pyarrow start on import register at-fork handlers, so they do not count. With other
    Python threads running, a fork server with the model preloaded starts the workers instead
    (it imports the model once and persists for later sweeps).
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["econ.model", "econ.experiment.runner"])
    return context


@contextmanager
def quiet_fork() -> Iterator[None]:
    """Silence Python's warning about forking a process with (native) threads.

    The process pool forks at its first submission; ``_process_context`` has already
    chosen fork only when no other Python thread runs (see there).

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
