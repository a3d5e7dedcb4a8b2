"""The walking skeleton end to end: a real crawl of the demo site -> detectors -> hand-off
queue -> tantivy -> ``mamori search``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.handoff import pending
from crawler.state import State, alert_outbox
from demo.site import DemoSite
from tests.conftest import crawl, demo_sources, mamori


@pytest.fixture
def config(make_config: Any, site: DemoSite) -> Path:
    return make_config(
        demo_sources(site)
        + """
        [[alerts.routes]]
        name = "legal"
        urls = ["json://127.0.0.1:9/nowhere"]
        min_severity = "medium"
        """
    )


def search(config: Path, *args: str) -> dict[str, Any]:
    return json.loads(mamori("search", "--config", str(config), "--json", *args).stdout)


def test_crawl_detect_index_search(config: Path) -> None:
    summary = crawl(config, "board")
    assert summary["items"] == 15
    assert summary["hits"] >= 5
    assert summary["indexed"] == summary["hits"], "with no daemon running, the crawl indexes its own hits"
    state = State.from_config(load_config(config))
    assert pending(state) == 0

    result = search(config, "詐欺")
    urls = {h["url"]: h for h in result["hits"]}
    fraud = next(h for u, h in urls.items() if u.endswith("/ja/posts/2.html"))
    assert "defamation" in fraud["labels"]
    assert "<mark>詐欺</mark>" in fraud["snippet"]

    insult = search(config, "無能")["hits"][0]
    assert insult["url"].endswith("/ja/posts/3.html")
    assert {"insult", "employee_named"} <= set(insult["labels"])
    assert "E001" in insult["employees"]
    # Spans point at the original characters of the field they name (the title is read too).
    fields = {
        "text": "ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。",
        "title": "オペレーターの田中",
    }
    named = next(f for f in insult["findings"] if f["label"] == "employee_named")
    assert [fields[s.get("field", "text")][s["start"] : s["end"]] for s in named["spans"]] == [
        s["text"] for s in named["spans"]
    ]
    assert any(s["text"] == "田中美咲" and s["field"] == "text" for s in named["spans"])
    assert any(s["text"] == "田中" and s["field"] == "title" for s in named["spans"])

    # A fair complaint is a bare company mention (context, not a hit); a post about somebody
    # else named 田中 is nothing at all.
    everything = {h["url"].rsplit("/", 1)[-1] for h in search(config, "--limit", "100")["hits"]}
    assert everything == {"2.html", "3.html", "5.html", "8.html", "10.html", "11.html", "14.html"}


def test_label_and_date_filters_and_idempotent_recrawl(config: Path) -> None:
    crawl(config, "board")
    crawl(config, "reviews")
    threats = search(config, "--label", "threat", "--limit", "50")
    assert threats["total"] >= 2
    assert all("threat" in h["labels"] for h in threats["hits"])
    assert search(config, "--since", "2999-01-01")["total"] == 0
    total = search(config, "--limit", "100")["total"]

    # Re-crawling changes nothing: no duplicates in the index, no second alert.
    state = State.from_config(load_config(config))
    with state.engine.connect() as conn:
        alerts_before = conn.execute(alert_outbox.select()).all()
    again = crawl(config, "board")
    assert again["items"] == 0
    assert search(config, "--limit", "100")["total"] == total
    with state.engine.connect() as conn:
        assert len(conn.execute(alert_outbox.select()).all()) == len(alerts_before)
    assert len(alerts_before) >= 4


def test_search_text_output(config: Path) -> None:
    crawl(config, "reviews")
    out = mamori("search", "scam", "--config", str(config)).stdout
    assert "hit(s)" in out
    assert "Minato Tsushin is a" in out


def test_names_registered_in_the_portal_are_matched(make_config: Any, replay: Any) -> None:
    from portal.db import ensure
    from portal.selfcheck import add_name
    from tests.replay import Reply

    feed = (
        "<rss version='2.0'><channel><title>板</title><item><guid>n1</guid><title>受付</title>"
        "<description>ミナト通信の受付のゆみっち、今日も態度悪かった</description></item></channel></rss>"
    )
    replay.add("/feed.xml", Reply(feed, content_type="application/rss+xml; charset=utf-8"))
    path = make_config(
        f"""
        [[sources]]
        type = "rss"
        name = "board"
        url = "{replay.url("/feed.xml")}"
        schedule = "1m"
        """
    )
    state = State.from_config(load_config(path))
    ensure(state.engine)
    add_name(state.engine, "E003", "ゆみっち")  # a nickname only the employee knows about
    assert crawl(path, "board")["hits"] == 1
    (hit,) = search(path, "ゆみっち")["hits"]
    assert hit["employees"] == ["E003"]
    named = next(f for f in hit["findings"] if f["label"] == "employee_named")
    assert [s["text"] for s in named["spans"]] == ["ゆみっち"]
