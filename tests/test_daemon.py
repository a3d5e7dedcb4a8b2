"""The daemon: scheduled crawls in child processes, runs recorded, crashes survived."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from crawler.daemon import Daemon
from crawler.state import runs
from demo.site import DemoSite


@pytest.fixture
def site() -> Iterator[DemoSite]:
    s = DemoSite(port=0, initial=3, release_every=2).start()
    yield s
    s.stop()


@pytest.mark.slow
def test_sources_run_repeatedly_as_children_and_a_crash_is_recorded(make_config: Any, site: DemoSite) -> None:
    path = make_config(
        f"""
        [daemon]
        index_interval = 0.5
        alert_interval = 0.5

        [[sources]]
        type = "rss"
        name = "board"
        url = "http://127.0.0.1:{site.port}/ja/feed.xml"
        schedule = "2s"

        [[sources]]
        type = "rss"
        name = "broken"
        url = "http://127.0.0.1:{site.port}/en/feed.xml"
        schedule = "2s"
        settings = {{ ITEM_PIPELINES = {{ "no.such.Pipeline" = 1 }} }}
        """
    )
    daemon = Daemon(path, serve_portal=False)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()

    def finished_runs() -> list[Any]:
        with daemon.state.engine.connect() as conn:
            return list(
                conn.execute(select(runs).where(runs.c.ended_at.is_not(None)).order_by(runs.c.id)).mappings()
            )

    # Wait (bounded) until each source has run at least twice; slow machines just take longer.
    deadline = time.monotonic() + 90
    done: list[Any] = []
    while time.monotonic() < deadline:
        done = finished_runs()
        if min(sum(r["source"] == s for r in done) for s in ("board", "broken")) >= 2 and daemon.indexed:
            break
        time.sleep(0.5)
    daemon.stop()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the daemon stops when asked"
    rows = done  # the runs that had ended before the daemon was stopped
    board = [r for r in rows if r["source"] == "board"]
    broken = [r for r in rows if r["source"] == "broken"]
    assert len(board) >= 2, "the source ran repeatedly"
    assert all(r["status"] == "ok" for r in board)
    assert len({r["pid"] for r in board}) == len(board), "each run is its own child process"
    assert sum(r["items"] for r in board) >= 3
    assert daemon.indexed >= 1
    assert len(broken) >= 2, "a crashing source is retried on schedule and does not stop the daemon"
    assert all(r["status"] == "failed" for r in broken)
    assert "exited with code" in broken[0]["error"]
    assert "last_error" in daemon.state.source_values("broken")
    assert "last_success" in daemon.state.source_values("board")


def test_a_second_daemon_on_the_same_data_is_refused(make_config: Any) -> None:
    from crawler.exceptions import MamoriError
    from crawler.handoff import writer_lock

    path = make_config("")
    daemon = Daemon(path, serve_portal=False)
    with writer_lock(daemon.config.data_dir) as mine:
        assert mine
        with pytest.raises(MamoriError, match="Another mamori daemon is running"):
            daemon.run(duration=1)


calls: list[str] = []


def record_task(config: Any) -> str:
    calls.append(config.company.name)
    return "recorded"


def failing_task(config: Any) -> None:
    raise RuntimeError("boom")


def test_periodic_tasks_run_and_a_failing_task_does_not_stop_the_daemon(
    make_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler import settings

    monkeypatch.setattr(
        settings,
        "MAMORI_DAEMON_TASKS",
        {"tests.test_daemon.failing_task": 0.5, "tests.test_daemon.record_task": 0.5, "x.off": None},
    )
    calls.clear()
    daemon = Daemon(make_config("[daemon]\nindex_interval = 0.5\n"), serve_portal=False)
    daemon.run(duration=2.5)
    assert len(calls) >= 2
    assert calls[0] == "ミナト通信"


def test_a_failing_analysis_hook_does_not_block_indexing(
    make_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.handoff import enqueue, pending
    from sustained.engine import SustainedEngine

    def broken(self: Any, docs: Any) -> None:
        raise RuntimeError("analysis bug")

    monkeypatch.setattr(SustainedEngine, "process", broken)
    daemon = Daemon(make_config(""), serve_portal=False)
    enqueue(
        daemon.state,
        {"id": "rss:1", "text": "ミナト通信は詐欺", "labels": ["defamation"], "severity": "high"},
    )
    daemon.index_tick()
    assert pending(daemon.state) == 0
    assert daemon.hook_errors == 1
    assert daemon.index is not None and daemon.index.get("rss:1") is not None
    daemon.index.close()


def test_the_daemon_serves_the_portal_and_stops_it(make_config: Any) -> None:
    import urllib.request

    daemon = Daemon(make_config("[portal]\nport = 0\ncookie_secure = false\n"))
    seen: dict[str, Any] = {}

    def on_tick(d: Daemon) -> None:
        if d.portal is not None and "status" not in seen:
            with urllib.request.urlopen(d.portal.url + "/healthz", timeout=10) as resp:
                seen["status"] = resp.status
            d.stop()

    daemon.on_tick = on_tick
    daemon.run(duration=30)
    assert seen["status"] == 200
    assert daemon.portal is None, "stopped with the daemon"


def test_a_crawl_stopped_with_the_daemon_is_recorded_as_stopped_not_failed(
    make_config: Any, replay: Any
) -> None:
    from tests.replay import Reply

    started = threading.Event()

    def slow_feed(_request: Any) -> Reply:
        started.set()
        time.sleep(6)  # the crawl is still waiting for this when the daemon stops
        return Reply(
            "<rss version='2.0'><channel><title>t</title></channel></rss>", content_type="application/rss+xml"
        )

    replay.add("/slow.xml", slow_feed)
    path = make_config(
        f"""
        [[sources]]
        type = "rss"
        name = "slow"
        url = "{replay.url("/slow.xml")}"
        schedule = "1h"
        """
    )
    daemon = Daemon(path, serve_portal=False)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    assert started.wait(60), "the crawl reached the slow feed"
    daemon.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()

    deadline = time.monotonic() + 30
    row: Any = None
    while time.monotonic() < deadline:
        with daemon.state.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.source == "slow")).mappings().first()
        if row is not None and row["ended_at"] is not None:
            break
        time.sleep(0.2)
    assert row is not None and row["ended_at"] is not None, "the run is recorded when its child ends"
    assert row["status"] == "stopped"
    assert row["error"] is None
    assert "last_error" not in daemon.state.source_values("slow"), "stopping is not the source's fault"
