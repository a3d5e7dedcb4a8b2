"""The daemon's periodic tasks do real work: evidence captured in a child process (Chromium),
retention applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.items import Author, Finding, Post, Span
from crawler.state import State
from crawler.tasks import capture_evidence, evidence_retention
from evidence.queue import due, enqueue, hit_status
from tests.replay import ReplayServer, Reply


@pytest.mark.browser
@pytest.mark.slow
def test_capture_task_captures_queued_hits_in_a_child(
    make_config: Any, replay: ReplayServer, tmp_path: Path
) -> None:
    page = "<html><head><meta charset='utf-8'><title>板</title></head><body><p>ミナト通信は詐欺。</p></body></html>"
    replay.add("/thread/1", Reply(page, content_type="text/html; charset=utf-8"))
    config = load_config(
        make_config(
            f"""
            [evidence]
            allow_private_addresses = true
            key_file = "{tmp_path / "keys" / "evidence.pem"}"
            page_timeout = 20
            """
        )
    )
    assert capture_evidence(config) is None, "nothing queued: nothing to do"
    text = "ミナト通信は詐欺。"
    post = Post(
        platform="rss",
        source="board",
        id="rss:t1",
        url=replay.url("/thread/1"),
        text=text,
        author=Author(handle="名無し"),
        findings=[Finding("x", "defamation", "high", 0.9, "Defamation.", (Span(6, 8, "詐欺"),))],
    )
    assert enqueue(State.from_config(config), post)
    assert due(config) == 1
    assert capture_evidence(config) == "captured evidence for up to 1 hit(s)"
    assert due(config) == 0
    status = hit_status(config, "rss:t1")
    assert [q["status"] for q in status["queue"]] == ["done"], status
    (capture,) = status["captures"]
    assert capture
    assert evidence_retention(config) is None, "a fresh capture is kept"
