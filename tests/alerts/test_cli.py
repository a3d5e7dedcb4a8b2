"""``mamori alerts`` through the real CLI in a child process."""

from __future__ import annotations

import json

from alerts.dispatch import Dispatcher
from alerts.outbox import Outbox
from alerts.routes import matching_routes
from crawler.state import State
from tests.alerts.conftest import cli as mamori
from tests.alerts.conftest import make_post


def test_list_ack_and_retry(load, make_config, webhook) -> None:
    extra = f'''
        [alerts]
        max_attempts = 1
        [[alerts.routes]]
        name = "legal"
        urls = ["{webhook.url}"]
    '''
    path = make_config(extra)
    config = load(extra)
    outbox = Outbox(State.from_config(config))
    webhook.down = True
    for n in (1, 2):
        post = make_post(n)
        for route, findings in matching_routes(config.alerts.routes, post):
            outbox.enqueue(post, route, findings, portal_url=config.alerts.portal_url)
    assert Dispatcher(config, outbox).dispatch_due() == (0, 2)

    failed = json.loads(mamori("alerts", "list", "--status", "failed", "--json", "-c", str(path)).stdout)
    assert [r["status"] for r in failed] == ["failed", "failed"]
    assert "503" in failed[0]["last_error"] or "legal" in failed[0]["last_error"]
    first = min(r["id"] for r in failed)

    out = mamori("alerts", "retry", str(first), "-c", str(path)).stdout
    assert "1 failed alert(s) queued again" in out
    webhook.down = False
    assert Dispatcher(config, outbox).dispatch_due() == (1, 0)
    assert len(webhook.received) == 1

    text = mamori("alerts", "list", "-c", str(path)).stdout
    assert "sent" in text and "failed" in text
    out = mamori("alerts", "ack", str(first), "--by", "suzuki", "-c", str(path)).stdout
    assert f"Alert {first} acknowledged by suzuki" in out
    sent = json.loads(mamori("alerts", "list", "--status", "sent", "--json", "-c", str(path)).stdout)
    assert sent[0]["acked_by"] == "suzuki"

    bad = mamori("alerts", "ack", "9999", "-c", str(path), check=False)
    assert bad.returncode != 0 and "no alert with id 9999" in bad.stderr
    bad = mamori("alerts", "retry", str(first), "-c", str(path), check=False)
    assert bad.returncode != 0 and f"Alert {first} is not failed" in bad.stderr
