"""Corpus lock and run log."""
import subprocess
import sys

import pytest

from corpus.store.state import EX_TEMPFAIL, CorpusLocked, CrawlLock, RunLog

HOLD = "import sys, time; from corpus.store.state import CrawlLock; l = CrawlLock(sys.argv[1], 'r-other').__enter__(); print('held', flush=True); time.sleep(60)"


def test_second_holder_is_refused_with_the_holders_name(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CorpusLocked, match="run r-other") as info:
            CrawlLock(tmp_path, "r-me").__enter__()
        assert info.value.status == EX_TEMPFAIL
        assert CrawlLock(tmp_path, "x").is_held_elsewhere()
    finally:
        holder.kill()
        holder.wait()
    # SIGKILL released the lock: the stale lock does not block the next run.
    with CrawlLock(tmp_path, "r-me"):
        pass
    assert not CrawlLock(tmp_path, "x").is_held_elsewhere()


def test_run_log_marks_killed_runs_and_finds_last_complete_run(tmp_path):
    log = RunLog(tmp_path)
    log.start("r1", ["a", "b"], {"complete": True})
    log.finish("r1", "finished", 0, {"a": {"stored": 3, "error/http_404": 2}})
    log.start("r2", ["a"], {"complete": True})          # killed: never finished
    log.start("r3", ["a"], {"complete": False})
    log.finish("r3", "finished", 0, {})
    runs = {r["run_id"]: r for r in log.runs()}
    assert runs["r2"]["status"] == "killed"
    assert runs["r1"]["errors"] == '{"http_404": 2}'
    assert log.last_success("a").isoformat() == runs["r1"]["started"]
    assert log.last_success("zzz") is None
