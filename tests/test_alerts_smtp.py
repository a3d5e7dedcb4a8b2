"""Alerts leave through Apprise to a real SMTP server (aiosmtpd) on 127.0.0.1; a failed
delivery is kept, retried, and delivered exactly once when the server is back."""

from __future__ import annotations

import socket
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from alerts.dispatch import Dispatcher, masked
from alerts.outbox import Outbox
from crawler.config import load_config
from crawler.items import Author, Finding, Post, Span
from crawler.state import State
from demo.mailbox import Mailbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hit() -> Post:
    text = "ミナト通信の佐藤健太、覚えとけよ。会社の前で待ち伏せしてやる。"
    return Post(
        platform="rss",
        source="board",
        id="rss:abc",
        url="http://127.0.0.1/posts/5.html",
        text=text,
        author=Author(handle="名無し"),
        findings=[
            Finding(
                "names",
                "employee_named",
                "low",
                1.0,
                "Names employee E002.",
                (Span(6, 10, "佐藤健太"),),
                "E002",
            ),
            Finding(
                "lexicon",
                "threat",
                "critical",
                0.8,
                "Threat aimed at employee E002: 待ち伏せ.",
                (Span(24, 28, "待ち伏せ"),),
                "E002",
            ),
        ],
    )


def config_for(make_config: Any, port: int) -> Any:
    return load_config(
        make_config(
            f"""
            [alerts]
            retry_base_seconds = 0.2
            portal_url = "http://127.0.0.1:8640"

            [[alerts.routes]]
            name = "legal"
            urls = ["mailto://127.0.0.1:{port}?mode=insecure&format=text&from=mamori@example.com&to=legal@example.com"]
            tags = ["legal"]
            labels = ["threat", "defamation"]
            min_severity = "high"
            """
        )
    )


def test_alert_reaches_smtp_with_the_facts(make_config: Any, tmp_path: Path) -> None:
    port = free_port()
    config = config_for(make_config, port)
    received: list[EmailMessage] = []
    mailbox = Mailbox(tmp_path / "mail", port=port, on_message=received.append).start()
    try:
        outbox = Outbox(State.from_config(config))
        post = hit()
        from alerts.routes import matching_routes

        ((route, findings),) = list(matching_routes(config.alerts.routes, post))
        assert [f.label for f in findings] == ["threat"]
        assert outbox.enqueue(post, route, findings, portal_url=config.alerts.portal_url)
        assert not outbox.enqueue(post, route, findings, portal_url=config.alerts.portal_url), "never twice"
        assert Dispatcher(config, outbox).dispatch_due() == (1, 0)
        assert Dispatcher(config, outbox).dispatch_due() == (0, 0)
    finally:
        mailbox.stop()
    (msg,) = received
    assert msg["To"] == "legal@example.com"
    assert "CRITICAL threat" in msg["Subject"]
    body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "待ち伏せ" in body and "E002" in body
    assert "http://127.0.0.1/posts/5.html" in body
    assert "JST" in body and "UTC" in body
    assert "http://127.0.0.1:8640/hits/rss%3Aabc" in body
    assert [r.status for r in outbox.list()] == ["sent"]


def test_failed_delivery_is_retried_and_delivered_once(make_config: Any, tmp_path: Path) -> None:
    port = free_port()
    config = config_for(make_config, port)
    outbox = Outbox(State.from_config(config))
    route = config.alerts.routes[0]
    post = hit()
    outbox.enqueue(post, route, post.findings[1:], portal_url="http://x")
    dispatcher = Dispatcher(config, outbox)

    # The SMTP server is down: the alert stays pending with the reason and a later attempt time.
    assert dispatcher.dispatch_due() == (0, 1)
    (row,) = outbox.list()
    assert row.status == "pending" and row.attempts == 1
    assert "could not deliver" in (row.last_error or "")
    assert dispatcher.dispatch_due() == (0, 0), "not retried before its backoff"

    received: list[EmailMessage] = []
    mailbox = Mailbox(tmp_path / "mail", port=port, on_message=received.append).start()
    try:
        time.sleep(0.3)
        assert dispatcher.dispatch_due() == (1, 0)
        time.sleep(0.5)
        assert dispatcher.dispatch_due() == (0, 0)
    finally:
        mailbox.stop()
    assert len(received) == 1
    (row,) = outbox.list()
    assert row.status == "sent" and row.attempts == 2


def test_channel_urls_are_masked() -> None:
    shown = masked("mailto://user:hunter2@127.0.0.1:25?from=a@example.com&to=b@example.com")
    assert "hunter2" not in shown
