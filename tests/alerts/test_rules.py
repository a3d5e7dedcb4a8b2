"""Alert rules end to end: routing, grouping, digests, escalation, quiet hours, retries,
employee opt-in, all delivered to a real SMTP server and a real webhook on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest

from alerts.dispatch import Dispatcher
from alerts.outbox import Outbox
from alerts.routes import matching_routes
from crawler.exceptions import ConfigError
from crawler.state import State
from tests.alerts.conftest import mail_url, mails, make_post


def setup(config: Any, clock: Any) -> tuple[Outbox, Dispatcher]:
    outbox = Outbox(State.from_config(config), clock=clock)
    return outbox, Dispatcher(config, outbox)


def queue(config: Any, outbox: Outbox, *posts: Any) -> int:
    n = 0
    for post in posts:
        for route, findings in matching_routes(config.alerts.routes, post):
            n += outbox.enqueue(post, route, findings, portal_url=config.alerts.portal_url)
    return n


def test_routing_by_label_severity_and_platform(load, mailbox, webhook, clock) -> None:
    config = load(f'''
        [[alerts.routes]]
        name = "legal"
        urls = ["{mail_url(mailbox)}"]
        labels = ["insult", "defamation"]
        min_severity = "high"
        [[alerts.routes]]
        name = "security"
        urls = ["{webhook.url}"]
        labels = ["threat"]
        platforms = ["x"]
    ''')
    outbox, dispatcher = setup(config, clock)
    queue(
        config,
        outbox,
        make_post(1, label="insult", severity="high"),
        make_post(2, label="insult", severity="low"),
        make_post(3, label="threat", severity="critical", platform="x"),
        make_post(4, label="threat", severity="critical", platform="rss"),
    )
    assert dispatcher.dispatch_due() == (2, 0)
    legal = mails(mailbox)
    assert len(legal) == 1 and "https://example.org/p/1" in legal[0]
    assert len(webhook.received) == 1
    assert "x:3" not in legal[0] and "CRITICAL threat on x" in webhook.received[0]["title"]
    assert dispatcher.dispatch_due() == (0, 0)


def test_a_thread_of_fifty_hits_is_one_alert(load, webhook, clock) -> None:
    config = load(f'''
        [[alerts.routes]]
        name = "legal"
        urls = ["{webhook.url}"]
        group_by = "thread"
        group_window_minutes = 30
        group_wait_seconds = 60
    ''')
    outbox, dispatcher = setup(config, clock)
    queue(config, outbox, make_post(0, thread="t1"))
    for i in range(1, 50):
        clock.advance(seconds=1)
        queue(config, outbox, make_post(i, thread="t1"))
    assert dispatcher.dispatch_due() == (0, 0)  # still collecting the burst
    clock.advance(seconds=60)
    assert dispatcher.dispatch_due() == (1, 0)
    assert len(webhook.received) == 1
    assert "49 more" in webhook.received[0]["message"]
    assert "https://example.org/p/49" in webhook.received[0]["message"]
    # Another thread is its own alert; the same thread after the window is a new alert.
    queue(config, outbox, make_post(100, thread="t2"))
    clock.advance(minutes=31)
    queue(config, outbox, make_post(101, thread="t1"))
    clock.advance(seconds=61)
    assert dispatcher.dispatch_due() == (2, 0)
    assert len(outbox.list("grouped")) == 49


def test_digest_is_sent_once_at_the_local_time(load, mailbox, clock) -> None:
    config = load(f'''
        [[alerts.routes]]
        name = "daily"
        urls = ["{mail_url(mailbox)}"]
        mode = "digest"
        digest_at = "09:00"
        timezone = "Asia/Tokyo"
    ''')
    outbox, dispatcher = setup(config, clock)  # 10:00 JST
    queue(config, outbox, make_post(1), make_post(2, severity="critical"), make_post(3))
    assert dispatcher.dispatch_due() == (0, 0)
    clock.advance(hours=22, minutes=59)  # 08:59 JST next day
    assert dispatcher.dispatch_due() == (0, 0)
    clock.advance(minutes=2)  # 09:01 JST
    assert dispatcher.dispatch_due() == (1, 0)
    got = mails(mailbox)
    assert len(got) == 1
    assert "3 hit(s)" in got[0] and "2026-03-03 09:00" in got[0]
    assert all(f"https://example.org/p/{i}" in got[0] for i in (1, 2, 3))
    assert {r.status for r in outbox.list() if r.kind == "alert"} == {"digested"}
    clock.advance(minutes=5)
    assert dispatcher.dispatch_due() == (0, 0)


def test_unacknowledged_alert_escalates_and_acked_one_does_not(load, mailbox, webhook, clock) -> None:
    config = load(f'''
        [[alerts.routes]]
        name = "legal"
        urls = ["{mail_url(mailbox)}"]
        escalate_to = "counsel"
        escalate_after_minutes = 30
        [[alerts.routes]]
        name = "counsel"
        urls = ["{webhook.url}"]
        labels = ["none-directly"]
    ''')
    outbox, dispatcher = setup(config, clock)
    queue(config, outbox, make_post(1), make_post(2))
    assert dispatcher.dispatch_due() == (2, 0)
    first, second = sorted(outbox.list("sent"), key=lambda r: r.id)
    clock.advance(minutes=10)
    outbox.ack(second.id, by="suzuki")
    clock.advance(minutes=19)
    assert dispatcher.dispatch_due() == (0, 0)
    clock.advance(minutes=2)
    assert dispatcher.dispatch_due() == (1, 0)
    assert len(webhook.received) == 1
    msg = webhook.received[0]
    assert msg["title"].startswith("[ESCALATED]") and f"mamori alerts ack {first.id}" in msg["message"]
    assert "https://example.org/p/1" in msg["message"]
    clock.advance(hours=2)
    assert dispatcher.dispatch_due() == (0, 0)  # escalated once only
    assert outbox.get(second.id).acked_by == "suzuki"


def test_quiet_hours_hold_all_but_critical(load, webhook, clock) -> None:
    config = load(f'''
        [[alerts.routes]]
        name = "legal"
        urls = ["{webhook.url}"]
        quiet_hours = "22:00-07:00"
    ''')
    outbox, dispatcher = setup(config, clock)
    clock.advance(hours=13)  # 23:00 JST
    queue(config, outbox, make_post(1, severity="high"), make_post(2, severity="critical"))
    assert dispatcher.dispatch_due() == (1, 0)
    assert "CRITICAL" in webhook.received[0]["title"]
    clock.advance(hours=7, minutes=59)  # 06:59 JST
    assert dispatcher.dispatch_due() == (0, 0)
    clock.advance(minutes=2)
    assert dispatcher.dispatch_due() == (1, 0)
    assert "HIGH" in webhook.received[1]["title"]


def test_retry_after_the_channel_comes_back_delivers_exactly_once(load, webhook, clock) -> None:
    config = load(f'''
        [alerts]
        retry_base_seconds = 30
        [[alerts.routes]]
        name = "legal"
        urls = ["{webhook.url}"]
    ''')
    outbox, dispatcher = setup(config, clock)
    webhook.down = True
    queue(config, outbox, make_post(1))
    assert dispatcher.dispatch_due() == (0, 1)
    row = outbox.list()[0]
    assert row.status == "pending" and row.attempts == 1 and "legal" in (row.last_error or "")
    assert dispatcher.dispatch_due() == (0, 0)  # backing off
    webhook.down = False
    clock.advance(seconds=31)
    assert dispatcher.dispatch_due() == (1, 0)
    clock.advance(hours=1)
    assert dispatcher.dispatch_due() == (0, 0)
    assert queue(config, outbox, make_post(1)) == 0  # re-crawled: not queued again
    assert len(webhook.received) == 1


def test_named_employee_gets_the_alert_only_if_opted_in(load, mailbox, webhook, clock) -> None:
    config = load(f'''
        [alerts.employee_contacts]
        E001 = "{webhook.url}"
        [[alerts.routes]]
        name = "legal"
        urls = ["{mail_url(mailbox)}"]
        tags = ["legal"]
        notify_employee = true
    ''')
    outbox, dispatcher = setup(config, clock)
    queue(config, outbox, make_post(1, employee="E001"), make_post(2, employee="E002"))
    assert dispatcher.dispatch_due() == (2, 0)
    assert len(mails(mailbox)) == 2
    assert len(webhook.received) == 1 and "example.org/p/1" in webhook.received[0]["message"]


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('timezone = "Mars/Olympus"', ["alerts.routes[1].timezone", "Mars/Olympus", "IANA"]),
        ('quiet_hours = "22-7"', ["alerts.routes[1].quiet_hours", "HH:MM"]),
        ('digest_at = "9am"', ["alerts.routes[1].digest_at", "HH:MM"]),
        ('mode = "weekly"', ["alerts.routes[1].mode", "weekly"]),
        (
            'escalate_to = "nobody"\nescalate_after_minutes = 5',
            ["alerts.routes[1] (rule 'legal').escalate_to", "'nobody' is not a route"],
        ),
        ('escalate_to = "legal"\nescalate_after_minutes = 5', ["rule 'legal'", "itself"]),
        ("escalate_after_minutes = 5", ["rule 'legal'", "escalate_to is empty"]),
        ("group_wait_seconds = 5", ["rule 'legal'", "group_window_minutes"]),
        ('min_severity = "urgent"', ["alerts.routes[1].min_severity", "urgent"]),
    ],
)
def test_rule_validation_names_the_rule_and_the_key(load, toml: str, expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        load(f'[[alerts.routes]]\nname = "legal"\nurls = ["json://127.0.0.1:9/x"]\n{toml}\n')
    for part in expected:
        assert part in str(err.value)


def test_unknown_employee_in_a_rule_is_refused_at_start_up(load) -> None:
    with pytest.raises(ConfigError, match=r"rule 'mine'\)\.employees: 'E999' is not in the roster"):
        load('[[alerts.routes]]\nname = "mine"\nurls = ["json://127.0.0.1:9/x"]\nemployees = ["E999"]\n')
    with pytest.raises(ConfigError, match=r"alerts.employee_contacts.E404: 'E404' is not in the roster"):
        load('[alerts.employee_contacts]\nE404 = "json://127.0.0.1:9/x"\n')


def test_duplicate_names_and_unknown_clock_routes_are_refused(load) -> None:
    route = '[[alerts.routes]]\nname = "legal"\nurls = ["json://127.0.0.1:9/x"]\n'
    with pytest.raises(ConfigError, match=r"alerts.routes\[2\] \(rule 'legal'\).name: two routes"):
        load(route + route)
    with pytest.raises(ConfigError, match=r"alerts.legal.routes: 'lawyers' is not a route; use one of legal"):
        load('[alerts.legal]\nroutes = ["lawyers"]\n' + route)
