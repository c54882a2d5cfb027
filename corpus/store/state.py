"""Crawl state kept with the corpus (CORPUS/state/): the run lock and the run log.

The lock is an flock on ``state/crawl.lock``: the kernel releases it when the
holder dies, even by SIGKILL, so a crashed run never blocks the next one (the
stale-lock recovery is the operating system's). The file names the holder so
an overlapping run can say who is running.

The run log is a SQLite table: one row per run, written at start and updated
at the end; a run still marked 'running' whose lock is free was killed.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path

from corpus.errors import UsageError

EX_TEMPFAIL = 75


class CorpusLocked(UsageError):
    def __init__(self, message: str):
        super().__init__(message, status=EX_TEMPFAIL)


class CrawlLock:
    """Exclusive lock on a corpus for the lifetime of one crawl."""

    def __init__(self, state_dir: Path, run_id: str):
        self.path = Path(state_dir) / "crawl.lock"
        self.run_id = run_id
        self.fd = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise CorpusLocked(f"corpus {self.path.parent.parent} is being crawled by {holder}; try again later")
        os.ftruncate(fd, 0)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.write(fd, f"run {self.run_id} (pid {os.getpid()} on {socket.gethostname()}, since {started})".encode())
        os.fsync(fd)
        self.fd = fd
        return self

    def __exit__(self, *exc):
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def is_held_elsewhere(self) -> bool:
        """True when another process holds the lock (used to tell killed runs from live ones)."""
        if not self.path.exists():
            return False
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)


class RunLog:
    """The ``runs`` table in state/state.sqlite."""

    def __init__(self, state_dir: Path):
        self.path = Path(state_dir) / "state.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")  # persistent: readers never block the crawl
            db.execute("""CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY, started TEXT NOT NULL, ended TEXT, status TEXT NOT NULL,
                exit_status INTEGER, sources TEXT, counts TEXT, errors TEXT, args TEXT)""")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @staticmethod
    def new_id() -> str:
        return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]

    def start(self, run_id: str, sources: list[str], args: dict) -> None:
        with self._db() as db:
            db.execute("UPDATE runs SET status = 'killed' WHERE status = 'running'")  # we hold the lock now
            db.execute("INSERT INTO runs (run_id, started, status, sources, args) VALUES (?, ?, 'running', ?, ?)",
                       (run_id, _now(), ",".join(sources), json.dumps(args, ensure_ascii=False, default=str)))

    def finish(self, run_id: str, status: str, exit_status: int, counts: dict) -> None:
        errors: dict[str, int] = {}
        for row in counts.values():
            for key, value in row.items():
                if key.startswith("error/"):
                    errors[key[6:]] = errors.get(key[6:], 0) + value
        with self._db() as db:
            db.execute("UPDATE runs SET ended = ?, status = ?, exit_status = ?, counts = ?, errors = ? "
                       "WHERE run_id = ?", (_now(), status, exit_status, json.dumps(counts, ensure_ascii=False),
                                            json.dumps(errors), run_id))

    def record(self, run_id: str, started: str, sources: list[str], args: dict, status: str, exit_status: int,
               counts: dict) -> None:
        """Add a run that was recorded elsewhere while it ran (a shared crawl, in Redis)."""
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO runs (run_id, started, status, sources, args) VALUES (?, ?, ?, ?, ?)",
                       (run_id, started, status, ",".join(sources), json.dumps(args, ensure_ascii=False, default=str)))
        self.finish(run_id, status, exit_status, counts)

    def runs(self) -> list[dict]:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM runs ORDER BY started")]

    def last_success(self, source: str) -> datetime | None:
        """Start of the last complete run (no limits) that crawled ``source``.

        Sitemaps last modified before it hold nothing that run did not see.
        """
        with self._db() as db:
            for started, sources, args in db.execute(
                    "SELECT started, sources, args FROM runs WHERE status = 'finished' ORDER BY started DESC"):
                if source in (sources or "").split(",") and json.loads(args or "{}").get("complete"):
                    return datetime.fromisoformat(started)
        return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
