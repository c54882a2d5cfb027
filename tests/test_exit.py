"""Unattended runs: the process always exits, with a status a scheduler can act on, and says what it did."""
from __future__ import annotations

import json
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import FAST, PROVNEWS, crawl
from corpus.demosite import DemoSites
from corpus.store.state import RunLog

ROOT = Path(__file__).resolve().parents[1]

# A worker that ignores SIGTERM, then another worker SIGKILLed: the broken pool's management thread
# terminates the first and joins it without a timeout. With a plain ProcessPoolExecutor this script
# prints "done" and then never exits (concurrent.futures.process._python_exit joins that thread):
# the hang of issue 15. crawler.workerpool.WorkerPool kills the worker at its deadline.
STUBBORN_WORKER = '''
import os, signal, sys, time
from crawler.workerpool import WorkerPool

def stubborn():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(3600)

if __name__ == "__main__":
    pool = WorkerPool(2, [], shutdown_seconds=2)
    executor = pool.executor
    stuck = executor.submit(stubborn)
    victim = executor.submit(os.getpid).result()
    while len(executor._processes) < 2:
        time.sleep(0.01)
    os.kill(victim, signal.SIGKILL)
    try:
        stuck.result(timeout=60)
    except Exception as exc:
        print("broken:", type(exc).__name__, flush=True)
    pool.replace(executor)
    print("killed", pool.close(), flush=True)
'''


# The last resort: a pool thread that no kill can end (here: a thread that blocks for ever) would hold
# interpreter exit; ExitGuard ends the process with the run's exit status once exit has begun.
STUCK_THREAD = '''
import threading, types
import concurrent.futures.process   # registers the exit hook the guard watches for
from crawler.outcome import ExitGuard

stuck = threading.Thread(target=threading.Event().wait, name="stuck-pool-thread")   # non-daemon, never ends
stuck.start()
crawler = types.SimpleNamespace(
    signals=types.SimpleNamespace(connect=lambda *a, **k: None),
    stats=types.SimpleNamespace(get_value=lambda key, default=None: 69),
    provnews_pool=types.SimpleNamespace(stuck_threads=lambda: [stuck]))
ExitGuard(crawler, grace_seconds=0.5).engine_stopped()
print("main thread done", flush=True)
'''


def offline_registry(path: Path, n: int = 3) -> Path:
    """Sources whose hosts do not resolve (.invalid, RFC 2606), as an offline machine sees every outlet."""
    path.write_text("".join(f'[[source]]\nkey = "offline-{k}"\nname = "Offline {k}"\nprovince = "Long An"\n'
                            f'homepage = "https://bao{k}.invalid/"\n\n' for k in range(n)), "utf-8")
    return path


def last_run(corpus: Path) -> dict:
    return RunLog(corpus / "state").runs()[-1]


def run_script(path: Path, source: str) -> subprocess.CompletedProcess:
    """Run ``source`` as a script with the project importable; the timeout is the hang check."""
    path.write_text(source, "utf-8")
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_worker_that_ignores_sigterm_is_killed_and_the_process_exits(tmp_path):
    proc = run_script(tmp_path / "stubborn.py", STUBBORN_WORKER)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "broken: BrokenProcessPool" in proc.stdout and "killed 1" in proc.stdout
    assert "did not exit within 2 s: killed" in proc.stderr


def test_a_thread_that_cannot_be_joined_does_not_hold_the_exit(tmp_path):
    proc = run_script(tmp_path / "stuck.py", STUCK_THREAD)
    assert proc.returncode == 69, proc.stderr[-2000:]
    assert "main thread done" in proc.stdout


def test_a_crawl_where_no_source_answers_exits_69_with_one_line_per_failure(tmp_path):
    corpus = tmp_path / "c"
    result = crawl(offline_registry(tmp_path / "offline.toml"), corpus)
    assert result.returncode == 69, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    robots = [line for line in result.stderr.splitlines() if "robots.txt not read" in line]
    assert len(robots) == 3 and all(line.endswith("dns (crawling it as allowed)") for line in robots), robots
    assert "Gave up retrying" not in result.stderr      # the errback's "Skipping URL: dns" says it once
    run = last_run(corpus)
    assert (run["status"], run["exit_status"]) == ("nothing_fetched", 69)
    assert json.loads(run["counts"])["offline-0"]["error/robots_dns"] == 1
    assert "Crawl nothing_fetched (exit status 69)" in result.stdout


def test_scrapy_crawl_exits_with_the_same_status(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news",
         "-s", f"PROVNEWS_SOURCES_FILE={offline_registry(tmp_path / 'offline.toml')}",
         "-s", f"PROVNEWS_CORPUS={tmp_path / 'c'}", *FAST], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 69, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_the_summary_has_totals_elapsed_rate_run_id_and_corpus(crawled):
    out = crawled.result.stdout
    run = last_run(crawled.corpus)
    assert f"run {run['run_id']}, corpus {crawled.corpus.resolve()}" in out
    assert "Crawl finished (exit status 0) in " in out and " pages/s" in out
    total = next(line for line in out.splitlines() if line.startswith("total "))
    counts = json.loads(run["counts"])
    assert int(total.split()[2]) == sum(row.get("stored", 0) for row in counts.values()) > 0
    assert "skipped_old" in out


def test_no_settings_dump_unless_verbose(crawled, tmp_path):
    assert "Overridden settings" not in crawled.result.stderr
    assert "Enabled extensions" not in crawled.result.stderr
    assert "Dumping Scrapy stats" not in crawled.result.stderr
    verbose = crawl(offline_registry(tmp_path / "offline.toml", 1), tmp_path / "c", "-v")
    assert "Overridden settings" in verbose.stderr and "Enabled extensions" in verbose.stderr


def wait_for_run(corpus: Path, proc: subprocess.Popen, deadline: float) -> None:
    """Until the crawl has recorded its run as running (or died, or the deadline passed)."""
    db = corpus / "state" / "state.sqlite"
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db) as con:
                    if con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]:
                        return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)


def test_an_interrupted_crawl_exits_130_and_is_recorded(tmp_path):
    with DemoSites(articles_per_site=80, faults=False, page_kb=100) as sites:
        registry = sites.write_registry(tmp_path / "demo.toml")
        corpus = tmp_path / "c"
        proc = subprocess.Popen([*PROVNEWS, "crawl", "--sources-file", str(registry), "--corpus", str(corpus),
                                 "--workers", "1", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_run(corpus, proc, time.monotonic() + 120)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 130, stderr[-2000:]
    run = last_run(corpus)
    assert (run["status"], run["exit_status"]) == ("interrupted", 130)
    assert "Crawl interrupted (exit status 130)" in stdout


def test_an_interrupt_before_the_engine_runs_still_exits_130_and_is_recorded(tmp_path):
    """SIGINT as the spider opens lands before Scrapy's engine runs, where its graceful stop closes no spider."""
    with DemoSites(articles_per_site=5, faults=False) as sites:
        registry = sites.write_registry(tmp_path / "demo.toml")
        corpus = tmp_path / "c"
        proc = subprocess.Popen([*PROVNEWS, "crawl", "--sources-file", str(registry), "--corpus", str(corpus),
                                 "--workers", "1", *FAST], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        opened = threading.Event()
        lines: list[str] = []

        def read_stderr():
            for line in proc.stderr:
                lines.append(line)
                if "Spider opened" in line:
                    opened.set()

        out: list[str] = []
        readers = [threading.Thread(target=read_stderr, daemon=True),
                   threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True)]
        for reader in readers:
            reader.start()
        try:
            assert opened.wait(120), "".join(lines)[-2000:]
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=240)
        finally:
            proc.kill()
        for reader in readers:
            reader.join(30)
        stdout = "".join(out)
    assert proc.returncode == 130, "".join(lines)[-2000:]
    assert "Crawl interrupted (exit status 130)" in stdout
    assert (last_run(corpus)["status"], last_run(corpus)["exit_status"]) == ("interrupted", 130)


def test_a_status_line_in_logs_and_a_live_table_on_a_terminal(tmp_path):
    with DemoSites(articles_per_site=8, faults=False) as sites:
        registry = sites.write_registry(tmp_path / "demo.toml")
        logged = crawl(registry, tmp_path / "c1", "--sources", "demo-longan", "-s", "PROVNEWS_STATUS_INTERVAL=0.2")
        assert logged.returncode == 0, logged.stderr[-2000:]
        assert any("progress: " in line and " stored " in line and "sources answered 1/1" in line
                   for line in logged.stderr.splitlines()), logged.stderr[-2000:]
        # Under a pseudo-terminal (stderr is a TTY), rich draws the table instead.
        master, slave = pty.openpty()
        proc = subprocess.Popen([*PROVNEWS, "crawl", "--sources-file", str(registry), "--corpus",
                                 str(tmp_path / "c2"), "--sources", "demo-longan", *FAST],
                                stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        screen = bytearray()
        reader = threading.Thread(target=_drain, args=(master, screen), daemon=True)
        reader.start()
        proc.communicate(timeout=240)
        reader.join(30)
    text = screen.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-2000:]
    assert "pages/s" in text and "demo-longan" in text and "total" in text, text[-2000:]
    assert "progress: " not in text


def _drain(fd: int, into: bytearray) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:    # EIO: the other side closed
            return
        if not data:
            return
        into += data
