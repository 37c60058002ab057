"""A process pool that survives its workers: :class:`~econ.experiment.pool.WorkerPool`.

``concurrent.futures.ProcessPoolExecutor`` breaks when one worker dies (every pending task
then fails with ``BrokenProcessPool``) and cannot stop a task that never returns. Here each
worker runs one task at a time and the pool watches them all:

- a worker that dies (killed by the out-of-memory killer, a segfault, ``os._exit``) fails only
  the task it was running, after ``retries`` more tries in fresh workers, and is replaced;
- a task that runs past ``timeout`` seconds has its worker killed and fails with
  :class:`TaskTimeoutError`;
- a worker that leaves a thread behind (a run it abandoned) is replaced after its task.

It works with every start method (fork, forkserver, spawn), so it runs where fork does not.
"""

from __future__ import annotations

import collections
import multiprocessing
import signal
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["TaskTimeoutError", "WorkerDiedError", "WorkerPool"]

#: Fresh workers that may die before they are ready, in a row, before the pool gives up.
MAX_START_FAILURES = 3


class WorkerDiedError(Exception):
    """The worker process running a task died (every try of it)."""


class TaskTimeoutError(Exception):
    """A task ran past the pool's time limit; its worker was killed."""


@dataclass(eq=False)
class _Task:
    future: futures.Future
    call: tuple[Any, tuple, dict]
    started: bool = False
    tries: int = 0
    deaths: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    task: _Task | None = None
    started: float = 0.0  # when its task started (monotonic seconds)
    timed_out: bool = False


class WorkerPool(futures.Executor):
    """A ``concurrent.futures`` executor on worker processes that may die or hang.

    Each worker runs one task at a time. A task whose worker dies is tried again in a fresh
    worker (``retries`` times), then fails with :class:`WorkerDiedError`; a task that runs
    past ``timeout`` has its worker killed and fails with :class:`TaskTimeoutError`. Dead
    workers are replaced, so the other tasks carry on.

    Parameters
    ----------
    workers : int
        Worker processes to keep running.
    context : ``multiprocessing.context.BaseContext`` or None, default None
        How to start the first workers (fork, forkserver or spawn); None: the platform's
        default ``multiprocessing`` context.
    timeout : float or None, default None
        Seconds a task may run before its worker is killed; None: no limit.
    retries : int, default 1
        Further tries of a task whose worker died, each in a fresh worker.
    respawn_context : ``multiprocessing.context.BaseContext`` or None, default None
        How to start replacement workers, which start from the pool's own thread; None:
        ``context``. Give forkserver or spawn when ``context`` forks, since forking from a
        thread is unsafe.
    """

    def __init__(
        self,
        workers: int,
        context: multiprocessing.context.BaseContext | None = None,
        timeout: float | None = None,
        retries: int = 1,
        respawn_context: multiprocessing.context.BaseContext | None = None,
    ) -> None:
        self._context = context or multiprocessing.get_context()
        self._respawn_context = respawn_context or self._context
        self._timeout, self._retries = timeout, retries
        self._queue: collections.deque[_Task] = collections.deque()
        self._lock = threading.Lock()
        self._closing = self._terminating = False
        self._start_failures = 0
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        # The first workers start here, in the caller's thread, before the pool's own thread.
        self._workers = [self._start_worker(self._context) for _ in range(workers)]
        self._thread = threading.Thread(target=self._manage, name="econ-pool", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ Executor API ---
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
        future: futures.Future = futures.Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("cannot submit to a pool that is shutting down")
            self._queue.append(_Task(future, (fn, args, kwargs)))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting work, and stop the workers once the queue is done.

        Parameters
        ----------
        wait : bool, default True
            Wait until the pool's thread and workers have ended.
        cancel_futures : bool, default False
            Cancel the calls still queued instead of running them.
        """
        with self._lock:
            self._closing = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft().future.cancel()
        self._wake()
        if wait:
            self._thread.join()

    def terminate(self) -> None:
        """Stop now: cancel queued tasks, kill the workers, fail the running tasks."""
        self._terminating = True
        self.shutdown(wait=False, cancel_futures=True)
        for worker in list(self._workers):
            worker.process.kill()
        self._thread.join()

    def __exit__(self, kind, value, tb) -> bool:
        if kind is None:
            self.shutdown(wait=True)
        else:
            self.terminate()
        return False

    # ------------------------------------------------------------------ the pool's thread ---
    def _wake(self) -> None:
        try:
            self._wake_writer.send_bytes(b"!")
        except OSError:  # the pool has stopped
            pass

    def _start_worker(self, context) -> _Worker:
        ours, theirs = context.Pipe()
        process = context.Process(target=_work, args=(theirs,), name="econ-worker", daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _manage(self) -> None:
        try:
            self._loop()
        except BaseException as err:  # never leave a future waiting forever
            self._fail_everything(RuntimeError(f"the process pool stopped: {err!r}"))
            raise
        finally:
            self._stop_workers()
            self._wake_reader.close()
            self._wake_writer.close()

    def _loop(self) -> None:
        while True:
            self._dispatch()
            with self._lock:
                busy = any(w.task for w in self._workers)
                if self._closing and not self._queue and (not busy or self._terminating):
                    return
            handles = [self._wake_reader]
            for worker in self._workers:
                handles += [worker.conn, worker.process.sentinel]
            for handle in wait(handles, timeout=self._next_deadline()):
                if handle is self._wake_reader:
                    while self._wake_reader.poll():
                        self._wake_reader.recv_bytes()
            for worker in list(self._workers):
                self._collect(worker)
            self._enforce_time_limit()

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not worker.ready or worker.task is not None:
                continue
            with self._lock:
                if not self._queue or self._terminating:
                    return
                task = self._queue.popleft()
            if not task.started:
                if not task.future.set_running_or_notify_cancel():
                    continue  # cancelled while queued
                task.started = True
            try:
                worker.conn.send(task.call)
            except (OSError, ValueError):  # the worker is dying: the task waits for another
                with self._lock:
                    self._queue.appendleft(task)
                worker.ready = False
                continue
            except Exception as err:  # the call cannot be pickled
                task.future.set_exception(err)
                continue
            task.tries += 1
            worker.task, worker.started, worker.timed_out = task, time.monotonic(), False

    def _collect(self, worker: _Worker) -> None:
        """Read what a worker sent, and replace it if it died."""
        alive = worker.process.is_alive()  # before reading: a dead worker's pipe is complete
        try:
            while worker.conn.poll():
                self._receive(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass  # the pipe closed: the worker is gone (handled below)
        except Exception as err:  # an outcome that cannot be unpickled
            task, worker.task = worker.task, None
            if task is not None and not task.future.done():
                task.future.set_exception(RuntimeError(f"cannot read the task's outcome: {err!r}"))
        if alive:
            return
        worker.process.join()
        self._workers.remove(worker)
        worker.conn.close()
        if not worker.ready:
            self._start_failures += 1
        if worker.task is not None:
            self._handle_death(worker)
        if self._start_failures >= MAX_START_FAILURES:
            self._fail_everything(
                WorkerDiedError(
                    f"worker processes die as they start ({_cause(worker.process.exitcode)})"
                )
            )
            return
        with self._lock:
            needed = bool(self._queue) or not self._closing
        if needed and not self._terminating:
            self._workers.append(self._replacement())

    def _replacement(self) -> _Worker:
        """A fresh worker from the pool's thread. If its start method fails (a fork server
        that was killed is restarted on the next try), spawn, which needs nothing running."""
        for context in (self._respawn_context, self._respawn_context):
            try:
                return self._start_worker(context)
            except (OSError, EOFError, ValueError):
                continue
        return self._start_worker(multiprocessing.get_context("spawn"))

    def _receive(self, worker: _Worker, message: Any) -> None:
        if message == "ready":
            worker.ready = True
            self._start_failures = 0
            return
        outcome, value, reusable = message
        task, worker.task = worker.task, None
        if task is not None and not task.future.done():
            if outcome == "ok":
                task.future.set_result(value)
            else:
                task.future.set_exception(value)
        if not reusable:
            worker.ready = False  # it ends by itself and is replaced

    def _handle_death(self, worker: _Worker) -> None:
        task = worker.task
        cause = _cause(worker.process.exitcode)
        if task.future.done():
            return
        if self._terminating:
            task.future.set_exception(WorkerDiedError("the pool was stopped"))
            return
        if worker.timed_out:
            task.future.set_exception(
                TaskTimeoutError(
                    f"timed out: no answer after {self._timeout:g} s; its worker process was killed"
                )
            )
            return
        task.deaths.append(cause)
        if task.tries <= self._retries:
            with self._lock:
                self._queue.appendleft(task)
            return
        tries = "once" if task.tries == 1 else f"in each of {task.tries} tries"
        task.future.set_exception(
            WorkerDiedError(f"its worker process died {tries} ({'; '.join(task.deaths)})")
        )

    def _next_deadline(self) -> float | None:
        if self._timeout is None:
            return None
        starts = [w.started for w in self._workers if w.task is not None and not w.timed_out]
        if not starts:
            return None
        return max(0.0, min(starts) + self._timeout - time.monotonic()) + 0.01

    def _enforce_time_limit(self) -> None:
        if self._timeout is None:
            return
        now = time.monotonic()
        for worker in self._workers:
            if worker.task is not None and not worker.timed_out:
                if now - worker.started > self._timeout:
                    worker.timed_out = True
                    worker.process.kill()

    def _fail_everything(self, error: BaseException) -> None:
        with self._lock:
            tasks = list(self._queue)
            self._queue.clear()
            self._closing = True
        tasks += [w.task for w in self._workers if w.task is not None]
        for task in tasks:
            if not task.future.done():
                if task.future.running() or task.future.set_running_or_notify_cancel():
                    task.future.set_exception(error)

    def _stop_workers(self) -> None:
        for worker in self._workers:
            if worker.task is not None and not worker.task.future.done():
                worker.task.future.set_exception(WorkerDiedError("the pool was stopped"))
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5.0
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()


def _cause(exitcode: int | None) -> str:
    """How a worker process ended, in words."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def _work(conn: Connection) -> None:
    """A worker process: run the tasks it is sent, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    threads = threading.active_count()
    conn.send("ready")
    while True:
        try:
            call = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if call is None:
            return
        fn, args, kwargs = call
        try:
            outcome = ("ok", fn(*args, **kwargs))
        except BaseException as err:  # SystemExit included: it fails the task, not the pool
            outcome = ("error", err)
        # A thread left behind (an abandoned run) may hold memory or a core: start afresh.
        reusable = threading.active_count() <= threads
        try:
            conn.send((*outcome, reusable))
        except Exception as err:  # the result or the error cannot be pickled
            conn.send(("error", RuntimeError(f"cannot send the task's outcome: {err!r}"), reusable))
        if not reusable:
            return
