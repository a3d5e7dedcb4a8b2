"""The Bluesky spider, crawled for real against recorded AppView answers (bskyr VCR cassettes,
atproto test data) served from 127.0.0.1: searchPosts with cursor paging, an app-password
session, embeds as media, reply links, getPostThread, the since cursor, malformed answers."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply, Request
from tests.spiders.captures import feed_setting, load_capture, scraped_items

ROOT = "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"


def test_bluesky_search_session_threads_cursor_and_errors(
    make_config: Any, replay: ReplayServer, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = shared_data / "captures" / "bluesky"
    search = load_capture(base / "bskyr__f_search.yml").find("/xrpc/app.bsky.feed.searchPosts")
    lone = load_capture(base / "bskyr__f_postthread.yml").json("/xrpc/app.bsky.feed.getPostThread")["thread"]
    thread = json.loads(
        (base / "atproto__thread_view_post_with_embed_media.json").read_text(encoding="utf-8")
    )
    # The recorded thread has no replies: hang another recorded post under it as one.
    thread["thread"]["post"]["replyCount"] = 1
    thread["thread"]["replies"] = [copy.deepcopy(lone)]
    empty = {"posts": []}

    def search_posts(req: Request) -> Reply:
        assert req.headers.get("authorization") == "Bearer jwt-for-test"
        q = req.query["q"]
        if q == "Minato Tsushin":
            return search.reply()  # the same page again for cursor=25: paging must stop
        if q == "ミナト通信":
            return Reply(json.dumps({"posts": [thread["thread"]["post"]]}))
        if q == "みなと通信":
            return Reply(json.dumps({"posts": [lone["post"]]}, ensure_ascii=False).encode("utf-16"))
        return Reply(json.dumps(empty))

    def post_thread(req: Request) -> Reply:
        if req.query["uri"] == ROOT:
            return Reply(json.dumps(thread))
        # What the AppView answers for a post deleted since it was indexed.
        return Reply(
            json.dumps({"error": "NotFound", "message": f"Post not found: {req.query['uri']}"}), status=400
        )

    sessions: list[dict[str, Any]] = []

    def create_session(req: Request) -> Reply:
        sessions.append(json.loads(req.body))
        return Reply(
            json.dumps(
                {
                    "accessJwt": "jwt-for-test",
                    "refreshJwt": "r",
                    "handle": "legal.example",
                    "did": "did:plc:x",
                }
            )
        )

    replay.add("/pds/xrpc/com.atproto.server.createSession", create_session)
    replay.add("/pds/xrpc/app.bsky.feed.searchPosts", search_posts)
    replay.add("/pds/xrpc/app.bsky.feed.getPostThread", post_thread)
    monkeypatch.setenv("BSKY_PW", "app-pass-1234")
    config = make_config(
        feed_setting(tmp_path)
        + f"""
        [[sources]]
        type = "bluesky"
        name = "bsky"
        schedule = "15m"
        api_url = "{replay.url("/public")}"
        pds_url = "{replay.url("/pds")}"
        identifier = "legal.example"
        app_password = "${{BSKY_PW}}"
        lang = "en"
        since = "2023-01-01T00:00:00Z"
        until = "2026-01-01T00:00:00Z"
        requests_per_minute = 6000
        """
    )
    summary = crawl(config, "bsky")
    items = {i["id"]: i for i in scraped_items(tmp_path)}
    recorded = search.json()["posts"]
    assert sessions == [{"identifier": "legal.example", "password": "app-pass-1234"}]
    assert len(items) == 25 + 2
    assert {f"bluesky:{p['uri']}" for p in recorded} | {
        f"bluesky:{ROOT}",
        f"bluesky:{lone['post']['uri']}",
    } == set(items)

    reply = items["bluesky:at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjzka2pzc2l"]
    assert (
        reply["parent_id"] == "bluesky:at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjzgltpa22l"
    )
    assert (
        reply["thread_id"] == "bluesky:at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjy3eabqs2l"
    )
    assert reply["url"] == "https://bsky.app/profile/mcpli.bsky.social/post/3lpjzka2pzc2l"
    assert (
        reply["author"]["handle"] == "mcpli.bsky.social"
        and reply["author"]["account_id"] == "did:plc:7nagdvjqrzaquzk7mueohne5"
    )
    assert reply["published_at"] == "2025-05-19T16:46:41.792000+00:00" and reply["lang"] == "en"
    assert [m["kind"] for m in reply["media"]] == ["image"] and "feed_fullsize" in reply["media"][0]["url"]
    link = items["bluesky:at://did:plc:s7savtl25cqhm3ddqc7jeljx/app.bsky.feed.post/3lpk2r5h5ec2j"]
    assert link["media"][0] == {
        "url": "https://open.substack.com/pub/christackett/p/the-pawn-or-the-collaborator?r=92vnq&utm_medium=ios",
        "kind": "link",
        "mime_type": "",
        "description": "The Pawn or the Collaborator?",
    }
    root = items[f"bluesky:{ROOT}"]
    assert [m["kind"] for m in root["media"]] == ["image", "link"]  # recordWithMedia: image + quoted post
    assert root["media"][1]["url"] == "https://bsky.app/profile/test.marshal.dev/post/3kahesw26il2z"
    assert root["raw"]["cid"] == thread["thread"]["post"]["cid"]
    assert items[f"bluesky:{lone['post']['uri']}"]["text"].startswith("Excited to be a speaker")

    # The search: sort, lang, limit sent; the page cursor followed once and paging stopped
    # when the server gave the same cursor back.
    mt = [r for r in replay.hits("/pds/xrpc/app.bsky.feed.searchPosts") if r.query["q"] == "Minato Tsushin"]
    assert [r.query.get("cursor") for r in mt] == [None, "25"]
    assert all(r.query["sort"] == "latest" and r.query["lang"] == "en" for r in mt)
    assert all(
        r.query["since"] == "2023-01-01T00:00:00Z" and r.query["until"] == "2026-01-01T00:00:00Z" for r in mt
    )
    # Threads: fetched for posts with replies; deleted ones counted, not errors.
    assert summary["stats"]["mamori/bluesky/threads_not_found"] == sum(
        1 for p in recorded if p["replyCount"] > 0
    )
    # The UTF-16 answer is one clear error; everything else kept.
    assert summary["stats"]["mamori/source_errors"] == 1
    assert "not valid UTF-8" in summary["stats"]["mamori/last_source_error"]

    # Second crawl: the newest post time per term goes back as since; nothing new.
    replay.requests.clear()
    again = crawl(config, "bsky")
    assert again["items"] == 0 and scraped_items(tmp_path) == []
    mt = [r for r in replay.hits("/pds/xrpc/app.bsky.feed.searchPosts") if r.query["q"] == "Minato Tsushin"]
    assert mt[0].query["since"] == "2025-05-19T17:10:09.561858Z"  # the newest post's createdAt
