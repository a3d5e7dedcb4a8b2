"""The Hacker News spider, crawled for real against the recorded Algolia responses served from
127.0.0.1: posts, paging, the incremental cursor, a 429 with Retry-After, malformed answers."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl, mamori
from tests.replay import ReplayServer, Reply, Request
from tests.spiders.captures import Recordings, feed_setting, load_all, scraped_items


@pytest.fixture
def algolia(shared_data: Path) -> Recordings:
    return load_all(sorted((shared_data / "captures" / "hackernews" / "split").glob("*.json")))


def _config(make_config: Any, replay: ReplayServer, tmp_path: Path, extra: str = "") -> Path:
    return make_config(
        feed_setting(tmp_path)
        + f"""
        [[sources]]
        type = "hackernews"
        name = "hn"
        schedule = "30m"
        api_url = "{replay.url("/api/v1")}"
        max_pages = 2
        {extra}
        """
    )


def test_hackernews_search_paging_cursor_429_and_malformed(
    make_config: Any, replay: ReplayServer, algolia: Recordings, tmp_path: Path
) -> None:
    comment = algolia.find("/api/v1/search_by_date", tags="(comment)", query="apple")
    story = algolia.find("/api/v1/search_by_date", tags="(story)", query="apple")
    by_pg = algolia.find("/api/v1/search_by_date", tags="(comment),author_pg")
    ja_hit = json.loads(comment.body)
    ja_hit["hits"][0].update(
        objectID="9000001", comment_text="ミナト通信の田中さんへ", created_at_i=1403300000
    )
    times: dict[str, list[float]] = {}

    def search(req: Request) -> Reply:
        term, page = req.query.get("query", ""), req.query.get("page")
        times.setdefault(term, []).append(time.monotonic())
        if term == "Minato Tsushin":
            if "numericFilters" in req.query:
                # The cursor is sent back; the server answers with nothing newer.
                return Reply(json.dumps({"hits": [], "nbPages": 0, "page": 0}))
            return (comment if page == "0" else story).reply(replay.base_url)
        if term == "ミナト通信":
            return Reply(comment.body[: len(comment.body) // 2])  # truncated JSON
        if term == "みなと通信":
            return Reply("<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html")
        if term == "ミナト":  # Shift_JIS bytes sent as UTF-8
            return Reply(json.dumps(ja_hit, ensure_ascii=False).encode("cp932"))
        if term == "田中 美咲" and len(times[term]) == 1:
            return Reply("slow down", status=429, headers={"Retry-After": "1"}, content_type="text/plain")
        if term == "田中 美咲":  # the recorded page plus one hit without an objectID
            page_ = by_pg.json()
            if page == "0":
                page_["hits"].append({"title": "no id", "created_at_i": 1403300001})
            return Reply(json.dumps(page_))
        return Reply(json.dumps({"hits": [], "nbPages": 0, "page": 0}))

    replay.add("/api/v1/search_by_date", search)
    config = _config(make_config, replay, tmp_path)

    summary = crawl(config, "hn")
    items = {i["id"]: i for i in scraped_items(tmp_path)}
    assert set(items) == {"hackernews:7919418", "hackernews:7919424", "hackernews:7494555"}
    assert summary["items"] == 3

    c = items["hackernews:7919418"]
    assert c["author"] == {
        "handle": "fleitz",
        "display_name": "fleitz",
        "account_id": "fleitz",
        "url": "https://news.ycombinator.com/user?id=fleitz",
    }
    assert c["parent_id"] == "hackernews:7919290" and c["thread_id"] == "hackernews:7918547"
    assert c["url"] == "https://news.ycombinator.com/item?id=7919418"
    assert c["published_at"].startswith("2014-06-20T03:32:34") and c["published_at"].endswith("+00:00")
    assert "<" not in c["text"] and "&#x27;" not in c["text"] and c["text"]
    assert c["raw"]["objectID"] == "7919418"
    s = items["hackernews:7919424"]
    assert s["title"] and s["parent_id"] is None and s["thread_id"] == "hackernews:7919424"
    assert s["media"] == [
        {"url": story.json()["hits"][0]["url"], "kind": "link", "mime_type": "", "description": ""}
    ]

    # Paging: page 0 then page 1 (max_pages = 2), for the term with results.
    pages = [
        r.query["page"] for r in replay.hits("/api/v1/search_by_date") if r.query["query"] == "Minato Tsushin"
    ]
    assert pages == ["0", "1"]
    assert all(r.query["tags"] == "(story,comment)" for r in replay.hits("/api/v1/search_by_date"))
    # The 429 was waited out (Retry-After: 1) and retried.
    assert times["田中 美咲"][1] - times["田中 美咲"][0] >= 0.9
    assert summary["stats"]["mamori/retry_after/waits"] == 1
    # Three malformed answers and one bad hit: four clear errors, the other posts kept.
    assert summary["stats"]["mamori/source_errors"] == 4
    assert summary["stats"]["mamori/hackernews/bad_responses"] == 3
    assert summary["stats"]["mamori/hackernews/bad_items"] == 1
    # The user reads the last one in `mamori sources`.
    (row,) = json.loads(mamori("sources", "--config", str(config), "--json").stdout)
    assert row["name"] == "hn" and row["items_seen"] == 3
    assert row["last_error"] == summary["stats"]["mamori/last_source_error"]
    assert row["last_error"].startswith(("The Hacker News search for", "A Hacker News hit at"))

    # Second crawl: the cursor (newest created_at_i per term) is sent back; nothing new.
    from crawler.config import load_config
    from crawler.state import State

    cursors = State.from_config(load_config(config)).get_value("hn", "cursors")
    assert cursors["Minato Tsushin"] == 1403235346  # the story on page 1 is the newest
    replay.requests.clear()
    times.clear()
    again = crawl(config, "hn")
    assert again["items"] == 0 and scraped_items(tmp_path) == []
    sent = [r for r in replay.hits("/api/v1/search_by_date") if r.query["query"] == "Minato Tsushin"]
    assert sent[0].query["numericFilters"] == f"created_at_i>{cursors['Minato Tsushin']}"


def test_malformed_answer_messages_are_sentences(algolia: Recordings) -> None:
    """The wording of each malformed-answer error (the crawl above counts them), on real
    Scrapy responses built in memory, without another crawl."""
    from scrapy.http import Response

    from spiders.api_common import decode_json

    def R(body: bytes, ct: str = "application/json; charset=utf-8", status: int = 200) -> Response:
        return Response("http://127.0.0.1/x", status=status, headers={"Content-Type": ct}, body=body)

    from crawler.exceptions import ParseError

    body = algolia.find("/api/v1/search_by_date", tags="(comment)", query="apple").body
    with pytest.raises(ParseError, match=r"ends early, so the response was probably truncated"):
        decode_json(R(body[:100]), "The search")
    with pytest.raises(ParseError, match=r"HTML where JSON was expected.*check the address"):
        decode_json(R(b"<html><body>login</body></html>", "text/html"), "The search")
    with pytest.raises(ParseError, match=r"not valid UTF-8: byte 0x83 .*Shift_JIS"):
        decode_json(R('{"a": "ミナト"}'.encode("cp932")), "The search")
    assert decode_json(
        R('{"a": "ミナト"}'.encode("cp932"), "application/json; charset=shift_jis"), "The search"
    ) == {"a": "ミナト"}
    with pytest.raises(ParseError, match=r"answered HTTP 401.*credentials were refused"):
        decode_json(R(b'{"error": "unauthorized"}', status=401), "The search")
