"""Legal clocks: Civil Code period ends in the legal time zone, states, and their alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alerts.dispatch import Dispatcher
from alerts.outbox import Outbox
from cases.clocks import case_clocks, due_clocks, period_end
from cases.store import CaseStore
from crawler.config import load_config
from tests.cases.conftest import index_posts, make_post


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_period_end_counts_days_in_japan_time() -> None:
    # 2026-03-02 10:00 JST + 7 days -> end of 3月9日 JST.
    assert period_end(utc(2026, 3, 2, 1, 0), days=7) == utc(2026, 3, 9, 15, 0)
    # 23:30 UTC on 3月2日 is already 3月3日 in Tokyo: the period ends a day later than in UTC.
    assert period_end(utc(2026, 3, 2, 23, 30), days=7) == utc(2026, 3, 10, 15, 0)
    assert period_end(utc(2026, 3, 2, 23, 30), days=7, tz="UTC") == utc(2026, 3, 10, 0, 0)
    # Six months from 3月2日 ends at the end of 9月2日; from 8月31日, at the end of February.
    assert period_end(utc(2026, 3, 2, 1, 0), months=6) == utc(2026, 9, 2, 15, 0)
    assert period_end(utc(2026, 8, 31, 1, 0), months=6) == utc(2027, 2, 28, 15, 0)
    # New York: DST starts on 2026-03-08; the end is midnight local time (04:00 UTC).
    assert period_end(utc(2026, 3, 2, 17, 0), days=7, tz="America/New_York") == utc(2026, 3, 10, 4, 0)


def test_case_clock_states(config: Any, clock: Any) -> None:
    post = make_post(1)  # published 2026-03-01 12:00 UTC
    index_posts(config, post)
    store = CaseStore(config, clock=clock)
    case = store.open(post.id, actor="a")
    store.set_status(case.id, "takedown_requested", actor="a")  # 2026-03-02 10:00 JST
    case = store.get(case.id)
    clocks = {c.name: c for c in case_clocks(case, config, clock())}
    assert set(clocks) == {"platform_response", "isp_log_retention"}
    assert clocks["platform_response"].due_at == utc(2026, 3, 9, 15, 0)
    assert clocks["platform_response"].state == "running"
    assert clocks["isp_log_retention"].due_at == utc(2026, 5, 30, 15, 0)  # 3月1日 21:00 JST + 90 days
    states = lambda at: {c.name: c.state for c in case_clocks(store.get(case.id), config, at)}  # noqa: E731
    assert states(utc(2026, 3, 7, 0, 0))["platform_response"] == "due"  # within 3 days
    assert states(utc(2026, 3, 9, 15, 0))["platform_response"] == "overdue"
    assert states(utc(2026, 5, 1, 0, 0))["isp_log_retention"] == "due"  # within 30 days
    store.set_date(case.id, "offender_identified_at", utc(2026, 4, 1, 3, 0), actor="counsel")
    store.set_status(case.id, "refused", actor="a")
    after = {c.name: c for c in case_clocks(store.get(case.id), config, utc(2026, 4, 2, 0, 0))}
    assert after["platform_response"].state == "stopped"
    assert after["isp_log_retention"].state == "stopped"  # the offender is known
    assert after["complaint_period"].due_at == utc(2026, 10, 1, 15, 0)
    assert [c.name for c in due_clocks(config, store, utc(2026, 9, 15, 0, 0))] == ["complaint_period"]


def test_due_and_overdue_clocks_are_alerted_once_each(make_config: Any, webhook: Any, clock: Any) -> None:
    path: Path = make_config(f'''
        [alerts.legal]
        routes = ["legal"]
        [[alerts.routes]]
        name = "legal"
        urls = ["{webhook.url}"]
        labels = ["none"]
    ''')
    config = load_config(path, check_sources=False)
    post = make_post(1)
    index_posts(config, post)
    store = CaseStore(config, clock=clock)
    case = store.open(post.id, actor="a")
    store.set_status(case.id, "takedown_requested", actor="a")
    outbox = Outbox(store.state, clock=clock)
    dispatcher = Dispatcher(config, outbox)
    assert dispatcher.dispatch_due() == (0, 0)
    clock.now = utc(2026, 3, 7, 0, 0)
    assert dispatcher.dispatch_due() == (1, 0)
    assert (
        "due soon" in webhook.received[0]["title"]
        and "2026-03-10 00:00 Asia/Tokyo" in webhook.received[0]["title"]
    )
    clock.now = utc(2026, 3, 8, 0, 0)
    assert dispatcher.dispatch_due() == (0, 0)
    clock.now = utc(2026, 3, 9, 15, 1)
    assert dispatcher.dispatch_due() == (1, 0)
    assert "OVERDUE" in webhook.received[1]["title"] and case.url in webhook.received[1]["message"]
