"""The Redis frontier: a real redis-server on 127.0.0.1 and two real crawler processes that
share one queue and duplicate filter while crawling a local forum; no page is fetched twice."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.frontier import FrontierOptions, redis_keys, run_name
from crawler.state import State
from tests.conftest import REPO
from tests.replay import ReplayServer, Reply, Request

REDIS = shutil.which("redis-server")
LISTS, PER_LIST = 5, 8
GATE_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if REDIS is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start within 10 s")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def serve_site(replay: ReplayServer) -> set[str]:
    """List pages linking to thread pages. Thread pages answer slowly, and only once both
    crawlers (told apart by their User-Agent) have asked for robots.txt, so both take part.

    The wait has one deadline for the whole site, not one per page: if the second crawler never
    asks (it started too late to find work), the pages answer and the test fails on its
    assertions instead of hanging a minute per page."""
    both_started = threading.Event()
    deadline = time.monotonic() + GATE_SECONDS
    agents: set[str] = set()

    def robots(req: Request) -> Reply:
        agents.add(req.headers.get("user-agent", ""))
        if len(agents) >= 2:
            both_started.set()
        return Reply("User-agent: *\nAllow: /\n", content_type="text/plain")

    replay.add("/robots.txt", robots)
    pages = set()
    for n in range(1, LISTS + 1):
        links = "".join(f'<a class="t" href="/site/t/{n}-{k}">t</a>' for k in range(PER_LIST))
        nxt = f'<a class="next" href="/site/list/{n + 1}">next</a>' if n < LISTS else ""
        replay.add(
            f"/site/list/{n}", Reply(f"<html><body>{links}{nxt}</body></html>", content_type="text/html")
        )
        pages.add(f"/site/list/{n}")
        for k in range(PER_LIST):
            path = f"/site/t/{n}-{k}"
            pages.add(path)

            def thread(req: Request, n: int = n, k: int = k) -> Reply:
                both_started.wait(max(0.0, deadline - time.monotonic()))
                time.sleep(0.25)
                body = f'<div class="post" id="p{n}-{k}"><p>post {n}-{k} about ミナト通信</p></div>'
                return Reply(f"<html><body>{body}</body></html>", content_type="text/html")

            replay.add(path, thread)
    return pages


def test_run_names_and_keys() -> None:
    options = FrontierOptions(frontier="redis", redis_url="redis://127.0.0.1:1/0", frontier_window=3600)
    assert run_name(options, now=7200.0) == run_name(options, now=10_799.0) == "w2"
    assert redis_keys("bbs", "w2") == ("mamori:bbs:w2:requests", "mamori:bbs:w2:dupefilter")
    with pytest.raises(ValueError, match="needs redis_url"):
        FrontierOptions(frontier="redis")


@pytest.mark.slow
def test_two_processes_share_one_redis_frontier(
    make_config: Any, replay: ReplayServer, redis_url: str
) -> None:
    pages = serve_site(replay)
    # A process takes from the shared queue as many requests as its downloader holds
    # (CONCURRENT_REQUESTS), so with the default 8 the first process could hold every queued
    # page while the second, finding the queue empty, closed after its idle grace without
    # fetching anything; that race failed CI once. Two at a time leaves work in the queue.
    config = make_config(
        f"""
        [crawler.settings]
        CONCURRENT_REQUESTS = 2
        CONCURRENT_REQUESTS_PER_DOMAIN = 2

        [[sources]]
        type = "forum"
        name = "site"
        url = "{replay.url("/site/list/1")}"
        schedule = "1h"
        post_selector = "div.post"
        id_selector = "::attr(id)"
        thread_link_selector = "a.t::attr(href)"
        next_selector = "a.next::attr(href)"
        frontier = "redis"
        redis_url = "{redis_url}"
        frontier_run = "test-run"
        frontier_idle_seconds = 10
        """
    )
    # Create the state database first, so this test is about the frontier alone: two processes
    # creating it at once is crawler.state.create_tables_now's case, tested in tests/test_state.py.
    (config.parent / "data").mkdir(exist_ok=True)
    State(f"sqlite:///{config.parent / 'data' / 'state.db'}").close()
    # The second process: the same source and data folder, another User-Agent to tell it apart.
    other = config.with_name("mamori-b.toml")
    other.write_text(
        config.read_text("utf-8").replace(
            "autothrottle = false", 'autothrottle = false\nuser_agent = "mamori-b"'
        ),
        "utf-8",
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "site", "--config", str(path), "--json"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in (config, other)
    ]  # fmt: skip
    summaries = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-3000:]
        summaries.append(json.loads(out.strip().splitlines()[-1]))

    fetched = Counter(r.path for r in replay.requests if r.path != "/robots.txt")
    twice = {p: c for p, c in fetched.items() if c > 1}
    assert not twice, f"pages fetched more than once: {twice}"
    assert set(fetched) == pages, f"pages never fetched: {sorted(pages - set(fetched))}"
    per_process = [s["stats"].get("downloader/response_count", 0) for s in summaries]
    assert all(n > 1 for n in per_process), f"both processes should have crawled pages: {per_process}"
    assert sum(s["items"] for s in summaries) == LISTS * PER_LIST
    assert all(
        s["stats"].get("scheduler/enqueued/redis", 0) > 0 or s["stats"].get("scheduler/dequeued/redis", 0) > 0
        for s in summaries
    )
