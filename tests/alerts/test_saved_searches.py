"""Saved searches as live alert rules: validation, evaluation on the real tantivy index, and the
daemon's index tick delivering exactly one alert per match to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alerts.outbox import Outbox
from alerts.saved_searches import RuleError, RuleStore, alert_saved_searches, outbox_hit_id
from crawler.config import load_config
from crawler.state import State
from demo.mailbox import Mailbox
from index.base import hit_document
from tests.alerts.conftest import mail_url, mails, make_post


def routes_toml(url: str) -> str:
    return f"""
    [alerts]
    portal_url = "http://127.0.0.1:8640"
    retry_base_seconds = 0.2

    [[alerts.routes]]
    name = "legal"
    urls = ["{url}"]
    labels = ["threat"]
    min_severity = "critical"

    [[alerts.routes]]
    name = "security"
    urls = ["{url}"]
    labels = ["threat"]
    min_severity = "critical"
    """


POSTS = [
    make_post(1, label="insult", severity="high"),
    make_post(2, label="threat", severity="high"),
    make_post(3, label="insult", severity="medium", platform="5ch"),
]
"""All three contain バカ; posts 1 and 3 are insults."""


def test_a_rule_is_validated_with_the_position_of_a_query_error(make_config: Callable[..., Path]) -> None:
    config = load_config(make_config(routes_toml("json://127.0.0.1:9/hook")), check_sources=False)
    store = RuleStore(State.from_config(config).engine)
    with pytest.raises(RuleError) as bad:
        store.add(config, name="broken", query='詐欺 label:defamation "unclosed', routes=["legal"])
    assert bad.value.field == "query" and bad.value.position is not None
    assert "^" in str(bad.value)
    with pytest.raises(RuleError, match="'nowhere' are not configured; choose from legal, security"):
        store.add(config, name="x", query="label:insult", routes=["nowhere"])
    with pytest.raises(RuleError, match="Choose at least one route"):
        store.add(config, name="x", query="label:insult", routes=[])
    with pytest.raises(RuleError, match="Give the alert rule a name"):
        store.add(config, name=" ", query="label:insult", routes=["legal"])
    rule = store.add(config, name="insults", query="バカ label:insult", routes=["legal", "legal"], by="legal")
    assert rule.routes == ("legal",) and rule.enabled and rule.created_by == "legal"
    assert store.set_enabled(rule.id, False) and not store.list(enabled_only=True)
    assert store.delete(rule.id) and store.list() == [] and not store.delete(rule.id)


def test_rules_run_on_the_real_index_once_per_hit_rule_and_route(make_config: Callable[..., Path]) -> None:
    from index import open_index

    config = load_config(make_config(routes_toml("json://127.0.0.1:9/hook")), check_sources=False)
    state = State.from_config(config)
    store = RuleStore(state.engine)
    insults = store.add(config, name="insults", query="バカ label:insult", routes=["legal", "security"])
    on_5ch = store.add(config, name="5ch", query="platform:5ch", routes=["legal"])
    store.add(config, name="everything", query="label:insult,threat", routes=["legal"], enabled=False)
    index = open_index(config)
    try:
        # An older hit that is already indexed is never alerted by a rule: only the new batch is.
        old = make_post(9, label="insult", platform="5ch")
        index.upsert([hit_document(old)])
        index.commit()
        docs = [hit_document(p) for p in POSTS]
        index.upsert(docs)
        index.commit()
        outbox = Outbox(state)
        # The crawl pipeline already queued post 1 on "legal": the rule's alert is separate.
        assert outbox.insert(hit_id="rss:1", route="legal", title="t", body="b", severity="high")
        assert alert_saved_searches(config, state, index, docs) == 5
        assert alert_saved_searches(config, state, index, docs) == 0, "a replayed batch queues nothing"
    finally:
        index.close()
    rows = {(r.hit_id, r.route) for r in outbox.list() if r.hit_id.startswith("saved-search:")}
    assert rows == {
        (outbox_hit_id(insults.id, "rss:1"), "legal"),
        (outbox_hit_id(insults.id, "rss:1"), "security"),
        (outbox_hit_id(insults.id, "5ch:3"), "legal"),
        (outbox_hit_id(insults.id, "5ch:3"), "security"),
        (outbox_hit_id(on_5ch.id, "5ch:3"), "legal"),
    }
    row = next(r for r in outbox.list() if r.hit_id == outbox_hit_id(insults.id, "5ch:3"))
    assert row.title.startswith("[mamori] Saved search 'insults': MEDIUM insult on 5ch")
    assert "バカ label:insult" in row.body and "http://127.0.0.1:8640/hits/5ch%3A3" in row.body
    assert row.post_url == "https://example.org/p/3" and row.employees == ("E001",)


def test_the_daemon_index_tick_delivers_one_mail_per_match(
    make_config: Callable[..., Path], tmp_path: Path
) -> None:
    from crawler.daemon import Daemon
    from crawler.handoff import enqueue, pending
    from tests.alerts.conftest import free_port

    box = Mailbox(tmp_path / "mail", port=free_port()).start()
    daemon: Any = None
    try:
        daemon = Daemon(make_config(routes_toml(mail_url(box))), serve_portal=False)
        RuleStore(daemon.state.engine).add(
            daemon.config, name="insults of Tanaka", query="バカ label:insult", routes=["legal"]
        )
        for post in POSTS:
            enqueue(daemon.state, hit_document(post))
        daemon.index_tick()
        assert pending(daemon.state) == 0 and daemon.hook_errors == 0
        daemon.alert_tick()
        # The same hit indexed again (an edit, a replay) does not alert again.
        enqueue(daemon.state, hit_document(POSTS[0]))
        daemon.index_tick()
        daemon.alert_tick()
        assert daemon.alerts_sent == 2
    finally:
        if daemon is not None and daemon.index is not None:
            daemon.index.close()
        box.stop()
    got = mails(box)
    assert len(got) == 2, got
    assert all("Saved search 'insults of Tanaka'" in m for m in got)
    assert sum("example.org/p/1" in m for m in got) == 1 and sum("example.org/p/3" in m for m in got) == 1
