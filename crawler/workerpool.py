"""The extraction worker pool, shut down with a deadline so that a crawl always exits.

``concurrent.futures.ProcessPoolExecutor`` joins its workers without a
timeout: in ``shutdown(wait=True)``, and again at interpreter exit
(``concurrent.futures.process._python_exit`` joins every pool's management
thread). When a worker dies, the broken pool's management thread terminates
the other workers and joins them; under CPU load that join could wait forever
on a worker that never exited, and the crawl, its summary printed and its run
recorded, never ended (issue 15). So this pool never waits without a
deadline: on close (and for each pool a dead worker broke) the workers get
``PROVNEWS_EXTRACT_SHUTDOWN_SECONDS`` to exit, then SIGKILL, and the
management threads are joined with what is left of the deadline.

The executor's ``_processes`` and ``_executor_manager_thread`` are private;
they are read here because the standard library offers no other way to put a
deadline on them.
"""
from __future__ import annotations

import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger(__name__)


class WorkerPool:
    """A forkserver process pool that can be replaced when broken and closed with a deadline."""

    def __init__(self, workers: int, preload: list[str], shutdown_seconds: float = 10.0):
        self.workers, self.preload, self.shutdown_seconds = workers, preload, shutdown_seconds
        self.executor = self._new_executor()
        self.retired: list[tuple[list, object]] = []   # (worker processes, management thread) of old executors
        self.killed = 0

    def _new_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(self.preload)   # workers start with these imported
        return ProcessPoolExecutor(self.workers, mp_context=context)

    def submit(self, fn, *args):
        return self.executor.submit(fn, *args)

    def replace(self, broken: ProcessPoolExecutor) -> bool:
        """Start a new executor in place of ``broken`` (once per broken executor); True if this call did."""
        if self.executor is not broken:
            return False
        self.retired.append(_internals(broken))
        broken.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new_executor()
        return True

    def close(self) -> int:
        """Shut every executor down within the deadline; returns how many workers had to be killed."""
        self.retired.append(_internals(self.executor))
        self.executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + self.shutdown_seconds
        processes = [p for workers, _ in self.retired for p in workers]
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                logger.warning("Extraction worker %s did not exit within %.0f s: killed",
                               process.pid, self.shutdown_seconds)
                process.kill()
                process.join(5)
                self.killed += 1
        for _, thread in self.retired:
            if thread is not None:
                thread.join(max(1.0, deadline - time.monotonic()))
        return self.killed

    def stuck_threads(self) -> list:
        """Management threads still alive after close (they would block interpreter exit)."""
        return [t for _, t in self.retired if t is not None and t.is_alive()]


def _internals(executor: ProcessPoolExecutor) -> tuple[list, object]:
    """Its worker processes and management thread, read before shutdown() drops the references."""
    return list((executor._processes or {}).values()), executor._executor_manager_thread
