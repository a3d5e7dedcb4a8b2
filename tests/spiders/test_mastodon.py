"""The Mastodon spider, crawled for real against the recorded Mastodon.py cassettes served from
127.0.0.1: public and hashtag timelines with Link paging, v2 search, threads via context,
the token, the since_id cursor, and malformed answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply, Request
from tests.spiders.captures import Recordings, feed_setting, load_capture, scraped_items, serve

CASSETTES = (
    "cassettes__test_public_tl.yaml",
    "cassettes__test_hashtag_tl.yaml",
    "cassettes__test_search.yaml",
    "cassettes_entity_tests__test_entity_searchv2.yaml",
    "cassettes_entity_tests__test_entity_context.yaml",
    "cassettes__test_status_context.yaml",
    "cassettes_entity_tests__test_entity_status.yaml",
)


@pytest.fixture
def recs(shared_data: Path) -> dict[str, Recordings]:
    return {name: load_capture(shared_data / "captures" / "mastodon" / name) for name in CASSETTES}


def test_mastodon_timelines_search_threads_cursor_and_errors(
    make_config: Any,
    replay: ReplayServer,
    recs: dict[str, Recordings],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(replay, recs["cassettes__test_public_tl.yaml"], methods=("GET",))
    serve(replay, recs["cassettes__test_hashtag_tl.yaml"], methods=("GET",))
    found = recs["cassettes_entity_tests__test_entity_searchv2.yaml"].find("/api/v2/search")
    empty = recs["cassettes__test_search.yaml"].find("/api/v2/search", type="statuses")

    def search(req: Request) -> Reply:
        if req.query["q"] == "Minato Tsushin":
            return found.reply()
        if req.query["q"] == "ミナト":
            return Reply(found.body[:5000])  # truncated JSON
        return empty.reply()

    replay.add("/api/v2/search", search)
    # A reply (a real recorded status) whose thread is the recorded context of its parent.
    context = recs["cassettes_entity_tests__test_entity_context.yaml"].find(
        "/api/v1/statuses/110446983926957470/context"
    )
    reply_status = context.json()["descendants"][0]
    gifv = recs["cassettes_entity_tests__test_entity_status.yaml"].json("/api/v1/statuses/110446223051565765")
    replay.add("/api/v1/timelines/tag/minato", json.dumps([reply_status, gifv]))
    replay.add("/api/v1/statuses/110446984249325790/context", context.reply())
    # The two search hits have replies; their threads answer with the recorded empty context.
    no_thread = recs["cassettes__test_status_context.yaml"].find(
        "/api/v1/statuses/117020585487094447/context"
    )
    for status in found.json()["statuses"]:
        replay.add(f"/api/v1/statuses/{status['id']}/context", no_thread.reply())
    replay.add(
        "/api/v1/timelines/tag/broken",
        Reply("<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
    )

    monkeypatch.setenv("MASTO_TOKEN", "test-token-123")
    config = make_config(
        feed_setting(tmp_path)
        + f"""
        [[sources]]
        type = "mastodon"
        name = "fedi"
        schedule = "15m"
        instance = "{replay.base_url}"
        hashtags = ["#hoot", "minato", "broken"]
        public = true
        token = "${{MASTO_TOKEN}}"
        max_pages = 3
        requests_per_minute = 6000
        """
    )
    summary = crawl(config, "fedi")
    items = scraped_items(tmp_path)
    by_id = {i["id"]: i for i in items}
    host = replay.base_url.split("//")[1]
    p = f"mastodon:{host}/"
    public = [p + s["id"] for s in recs["cassettes__test_public_tl.yaml"].json("/api/v1/timelines/public")]
    assert len(items) == len(by_id) == 8 + 1 + 2 + 2 + 1  # public, #hoot, search, thread, gifv
    assert set(public) <= set(by_id)
    assert {p + "117020593741189701", p + "116388149027005349", p + "116388107849695302"} <= set(by_id)

    toot = by_id[p + "117020590477318485"]
    assert toot["text"] == "it's cool guy too"  # HTML content turned into text, entities decoded
    assert toot["author"]["handle"] == f"admin@{host}" and toot["author"]["account_id"]
    assert toot["published_at"] == "2026-08-01T13:55:06.063000+00:00"
    assert toot["thread_id"] == toot["id"] and toot["parent_id"] is None
    assert toot["raw"]["id"] == "117020590477318485"
    mention = by_id[p + "117020588169351887"]
    assert "<" not in mention["text"] and "@" in mention["text"]

    # Media attachments and the content warning of a real status with a gifv.
    cw = by_id[p + "110446223051565765"]
    assert cw["title"] == "test post for mastodon.py stuff" and cw["lang"] == "de"
    assert cw["media"][0] == {
        "url": gifv["media_attachments"][0]["url"],
        "kind": "video",
        "mime_type": "",
        "description": "a furry cube breakdancing",
    }
    assert cw["author"]["handle"] == "halcy@icosahedron.website"  # a remote account keeps its domain

    # The thread: the reply, its parent chain's root, with parent and thread links.
    reply = by_id[p + "110446984249325790"]
    root = by_id[p + "110446983178245440"]
    assert reply["parent_id"] == p + "110446983926957470" and reply["thread_id"] == root["id"]
    assert root["text"] == "first status" and root["thread_id"] == root["id"]
    assert reply["author"]["handle"] == f"halcy@{host}"  # a local account gets the instance's host

    # Paging followed the Link header (rewritten to 127.0.0.1) and stopped when no older
    # statuses came back; the token was sent on every API request.
    public_reqs = replay.hits("/api/v1/timelines/public")
    assert len(public_reqs) == 2 and public_reqs[1].query["max_id"] == "117020574694606796"
    assert all(
        r.headers.get("authorization") == "Bearer test-token-123"
        for r in replay.requests
        if r.path.startswith("/api/")
    )
    searched = {r.query["q"] for r in replay.hits("/api/v2/search")}
    assert searched == {
        "ミナト通信",
        "みなと通信",
        "Minato Tsushin",
        "ミナト",
        "田中 美咲",
        "佐藤 健太",
        "高橋 由美",
    }
    assert all(r.query["type"] == "statuses" for r in replay.hits("/api/v2/search"))

    # Two malformed answers: two clear errors; everything else was kept.
    assert summary["stats"]["mamori/source_errors"] == 2
    log = summary["stats"]["mamori/last_source_error"]
    assert "could not be read" in log or "HTML where JSON was expected" in log

    # Second crawl: since_id/min_id cursors are sent; the replayed statuses are all older.
    replay.requests.clear()
    again = crawl(config, "fedi")
    assert again["items"] == 0 and scraped_items(tmp_path) == []
    assert replay.hits("/api/v1/timelines/public")[0].query["since_id"] == "117020593378945190"
    hoot = [r for r in replay.requests if r.path == "/api/v1/timelines/tag/hoot"]
    assert hoot[0].query["since_id"] == "117020593741189701"
    mt = [r for r in replay.hits("/api/v2/search") if r.query["q"] == "Minato Tsushin"]
    assert mt[0].query["min_id"] == "116388149027005349"


def test_mastodon_source_without_instance_is_refused_at_load(make_config: Any) -> None:
    from crawler.config import load_config
    from crawler.exceptions import ConfigError

    config = make_config(
        """
        [[sources]]
        type = "mastodon"
        name = "fedi"
        schedule = "15m"
        instance = "mastodon.social"
        """
    )
    with pytest.raises(
        ConfigError,
        match=r"source 'fedi'.*'mastodon.social' is not a URL; write it as https://mastodon.social",
    ):
        load_config(config)
    config.write_text(
        config.read_text(encoding="utf-8").replace('instance = "mastodon.social"', ""), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"no instance is given; add instance ="):
        load_config(config)
