"""Site-health rules on run histories built by hand: each fires on its pattern and stays quiet
on a steady outlet (corpus.report.alerts)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from corpus.report.alerts import ERROR_RATE_MIN, site_alerts
from corpus.report.data import SourceRun

LIMITS = (0, 0, None)


def runs(*counts: dict, status: str = "finished", limits=LIMITS) -> list[SourceRun]:
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    return [SourceRun(f"r{i}", start + timedelta(days=i), status, limits, c) for i, c in enumerate(counts)]


STEADY = {"pages": 60, "stored": 5, "skipped_known": 40, "sitemaps_read": 2, "errors": 1, "error/http_500": 1}


def kinds(history: list[SourceRun], stored: int = 100) -> set[str]:
    return {a.kind for a in site_alerts({"src": history}, {"src": stored})}


def test_a_steady_outlet_raises_nothing():
    assert kinds(runs(STEADY, STEADY, STEADY, STEADY, STEADY)) == set()


def test_yield_falling_against_its_own_history_is_a_layout_change():
    fell = {"pages": 60, "stored": 1, "skipped_known": 2, "non_article": 40, "non_article/no_article_signals": 40}
    alerts = site_alerts({"src": runs(STEADY, STEADY, STEADY, fell)}, {"src": 100})
    assert [a.kind for a in alerts] == ["yield_fell"]
    assert alerts[0].run_id == "r3" and "median of 45" in alerts[0].message
    assert "no_article_signals 40" in alerts[0].message


def test_a_fall_needs_enough_like_runs():
    fell = {"pages": 60, "stored": 1}
    assert kinds(runs(STEADY, STEADY, fell)) == set()                    # two runs are no history
    capped = runs(STEADY, STEADY, STEADY, limits=(5, 0, None))            # --max-articles 5: not like runs
    capped.append(SourceRun("r9", datetime(2026, 12, 1, tzinfo=timezone.utc), "finished", LIMITS, fell))
    assert kinds(capped) == set()


def test_an_interrupted_run_is_not_a_fall():
    fell = {"pages": 3, "stored": 1}
    history = runs(STEADY, STEADY, STEADY, STEADY)
    history.append(SourceRun("r9", datetime(2026, 12, 1, tzinfo=timezone.utc), "shutdown", LIMITS, fell))
    assert "yield_fell" not in kinds(history)


def test_responses_from_another_host_are_a_domain_move():
    moved = {**STEADY, "redirected_offsite": 50, "redirected_offsite/baomoi.vn": 50}
    alerts = site_alerts({"src": runs(STEADY, moved)}, {"src": 100})
    assert [a.kind for a in alerts] == ["redirected"]
    assert "baomoi.vn 50" in alerts[0].message
    one_link = {**STEADY, "redirected_offsite": 1, "redirected_offsite/youtube.com": 1}
    assert kinds(runs(STEADY, one_link)) == set()                          # one odd link is not a move


def test_robots_newly_blocking():
    blocked = {"pages": 1, "robots_disallowed": 80, "sitemaps_read": 1}
    assert kinds(runs(STEADY, STEADY, blocked)) >= {"robots_blocking"}
    assert "robots_blocking" not in kinds(runs(blocked, blocked))          # always blocked: not new
    assert "robots_blocking" not in kinds(runs(blocked))                   # nothing to compare with


def test_error_rate_spike_names_the_reasons():
    failing = {"pages": 10, "stored": 1, "skipped_known": 40, "errors": 50, "error/dns": 45, "error/timeout": 5}
    alerts = site_alerts({"src": runs(STEADY, STEADY, failing)}, {"src": 100})
    assert [a.kind for a in alerts] == ["error_spike"]
    assert "dns 45, timeout 5" in alerts[0].message
    always = {**STEADY, "errors": 30, "error/http_403": 30}
    assert ERROR_RATE_MIN < 30 / 92 and kinds(runs(always, always, always)) == set()   # its normal


def test_never_yielded_counts_the_corpus_too():
    empty = {"pages": 12, "non_article": 11, "non_article/too_little_text": 11}
    assert kinds(runs(empty, empty), stored=0) == {"never_yielded"}
    assert kinds(runs(empty, empty), stored=3) == set()        # rows written by a run killed before it logged
    assert kinds(runs({"pages": 12, "stored": 2}, empty), stored=0) == set()
