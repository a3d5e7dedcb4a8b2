"""Removal re-checks against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from cases.recheck import judge, recheck_removals
from cases.store import CaseStore
from tests.cases.conftest import index_posts, make_post
from tests.replay import ReplayServer, Reply


def _case(
    config: Any, store: CaseStore, n: int, url: str, platform: str = "rss", status: str = "takedown_requested"
) -> int:
    post = replace(make_post(n, platform=platform), url=url)
    index_posts(config, post)
    case = store.open(post.id, actor="a")
    if status != "new":
        store.set_status(case.id, "takedown_requested", actor="a")
    return case.id


def test_recheck_marks_removed_posts_and_leaves_live_ones(config: Any, replay: ReplayServer) -> None:
    live_text = "<html><body><div class='post'>ミナト通信の田中は<b>バカだ</b> post 1</div></body></html>"
    replay.add("/live", Reply(live_text, content_type="text/html"))
    replay.add("/gone", Reply("not here", status=404, content_type="text/plain"))
    replay.add(
        "/x-deleted", Reply("<html><p>このポストは表示できません。</p></html>", content_type="text/html")
    )
    replay.add(
        "/thread", Reply("<html><p>1: 他のレス</p><p>2: あぼーん</p></html>", content_type="text/html")
    )
    replay.add("/x-js", Reply("<html><script>app()</script></html>", content_type="text/html"))
    replay.add(
        "/other", Reply("<html><p>ミナト通信の田中はバカだ post 6</p></html>", content_type="text/html")
    )
    store = CaseStore(config)
    live = _case(config, store, 1, replay.url("/live"))
    gone = _case(config, store, 2, replay.url("/gone"))
    marker = _case(config, store, 3, replay.url("/x-deleted"), platform="x")
    thread = _case(config, store, 4, replay.url("/thread"), platform="5ch")
    js = _case(config, store, 5, replay.url("/x-js"), platform="x")
    untouched = _case(config, store, 6, replay.url("/other"), status="new")

    results = {r.case_id: r for r in recheck_removals(config)}
    assert {k: (v.outcome, v.reason) for k, v in results.items()} == {
        live: ("live", "text_present"),
        gone: ("removed", "http_404"),
        marker: ("removed", "deletion_marker"),
        thread: ("removed", "deletion_marker"),
        js: ("unknown", "no_text_no_marker"),
    }
    assert untouched not in results and not replay.hits("/other")
    assert store.get(live).status == "takedown_requested"
    assert store.events(live)[-1].action == "recheck"
    case = store.get(gone)
    assert case.status == "removed" and case.removed_at is not None
    evidence = case.removal_evidence
    assert evidence["http_status"] == 404 and evidence["url"].endswith("/gone")
    assert evidence["sha256"] == hashlib.sha256(Path(evidence["snapshot"]).read_bytes()).hexdigest()
    last = store.events(gone)[-1]
    assert (last.actor, last.from_status, last.to_status) == ("recheck", "takedown_requested", "removed")
    assert json.loads(last.detail)["evidence"]["reason"] == "http_404"
    assert store.get(marker).removal_evidence["marker"] == "このポストは表示できません"
    assert store.get(js).status == "takedown_requested"
    # Removed cases are not fetched again.
    before = len(replay.hits("/gone"))
    recheck_removals(config)
    assert len(replay.hits("/gone")) == before


def test_judge_rules() -> None:
    assert judge("rss", "hello world", 410, "")[:2] == ("removed", "http_410")
    assert judge("rss", "hello world", 200, "<p>hello   world</p><p>[removed]</p>")[0] == "live"
    assert judge("rss", "hello world", 200, "<p>something else</p>")[:2] == ("removed", "content_gone")
    assert judge("x", "hello world", 200, "<p>loading</p>")[0] == "unknown"
    assert judge("rss", "hello world", 503, "")[0] == "unknown"
