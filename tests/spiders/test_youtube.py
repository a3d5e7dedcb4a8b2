"""The YouTube spider, crawled for real (Scrapy in a child process) against the real recorded
YouTube Data API v3 responses served from 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply, Request

KEY = "test-key-not-secret"


def _items(tmp_path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(tmp_path.glob("items-*.jsonl")):
        items.extend(
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        )
        path.unlink()
    return items


@pytest.fixture
def youtube(replay: ReplayServer, shared_data: Path) -> ReplayServer:
    folder = shared_data / "captures/youtube"

    def file(name: str) -> Reply:
        return Reply((folder / f"{name}.json").read_bytes())

    def keyed(handler: Any) -> Any:
        def check(req: Request) -> Reply:
            if req.headers.get("x-goog-api-key") != KEY:
                return Reply('{"error": {"code": 400, "message": "API key not valid."}}', status=400)
            return handler(req)

        return check

    def search(req: Request) -> Reply:
        return file(
            "search__search_by_keywords_p2"
            if req.query.get("pageToken") == "CBkQAA"
            else "search__search_by_keywords_p1"
        )

    def threads(req: Request) -> Reply:
        if req.query.get("videoId") == "brokenVideo":
            return Reply('{"kind": "youtube#commentThreadListResponse", "items": [{"id": "x", "snip')
        if req.query.get("videoId") == "noComments":
            return Reply(
                '{"error": {"code": 403, "message": "disabled", "errors": [{"reason": "commentsDisabled"}]}}',
                status=403,
            )
        page = 2 if req.query.get("pageToken") else 1
        return file(f"comment_threads__comment_threads_by_video_paged_{page}")

    def comments(req: Request) -> Reply:
        page = 2 if req.query.get("pageToken") else 1
        return file(f"comments__comments_by_parent_paged_{page}")

    replay.add("/youtube/v3/search", keyed(search))
    replay.add("/youtube/v3/commentThreads", keyed(threads))
    replay.add("/youtube/v3/comments", keyed(comments))
    return replay


def _config(make_config: Any, tmp_path: Path, replay: ReplayServer, **options: Any) -> Path:
    out = tmp_path / "items-%(batch_time)s.jsonl"
    extra = "\n".join(f"{k} = {json.dumps(v)}" for k, v in options.items())
    return make_config(
        f"""
[crawler.settings]
FEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}

[[sources]]
type = "youtube"
name = "yt"
api_key = "${{MAMORI_TEST_YT_KEY}}"
api_base = "{replay.url("/youtube/v3")}"
schedule = "1h"
{extra}
"""
    )


def test_search_comments_replies_paging_and_incremental_recrawl(
    make_config: Any, youtube: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAMORI_TEST_YT_KEY", KEY)
    # One query term keeps the search calls countable; the roster is empty here.
    config = _config(
        make_config,
        tmp_path,
        youtube,
        max_search_pages=2,
        max_watched_videos=1,
        video_ids=["brokenVideo", "noComments"],
    )
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'aliases = ["ミナト通信", "みなと通信", "Minato Tsushin", "ミナト"]', "aliases = []"
        ),
        encoding="utf-8",
    )
    (tmp_path / "roster.csv").write_text("employee_id,name,reading,romaji,aliases\n", encoding="utf-8")

    summary = crawl(config, "yt")
    items = _items(tmp_path)
    stats = summary["stats"]
    assert stats["finish_reason"] == "finished"
    searches = youtube.hits("/youtube/v3/search")
    assert [r.query.get("pageToken") for r in searches] == [None, "CBkQAA"]
    assert searches[0].query["q"] == "ミナト通信" and searches[0].query["order"] == "date"
    assert "key" not in searches[0].query, "the API key must not be in the URL"

    videos = [i for i in items if i["id"].startswith("youtube:video:")]
    assert len(videos) == 49  # 25 per recorded page; one video is on both pages and is yielded once
    surf = next(v for v in videos if v["id"] == "youtube:video:gQ_1zX-F_No")
    assert surf["title"] == "SURFING HAWAII’S BEST WAVE WITH MY GIRLFRIEND (PIPELINE)"
    assert surf["author"]["handle"] == "Jamie O'Brien"
    assert surf["author"]["account_id"] == "UCo_q6aOlvPH7M-j_XGWVgXg"
    assert surf["published_at"] == "2019-12-05T19:00:10+00:00"
    assert {"url": "https://www.youtube.com/watch?v=gQ_1zX-F_No", "kind": "video"}.items() <= surf["media"][
        0
    ].items()
    assert surf["media"][1]["url"] == "https://i.ytimg.com/vi/gQ_1zX-F_No/hqdefault.jpg"
    assert (
        next(v for v in videos if v["id"] == "youtube:video:i2hewkFijuY")["title"]
        == "SURFING PERFECT PIPE & BACKDOOR || SUNRISE SHACK!"
    )

    # The newest video (ddYARvl4PgE, 2019-12-06T08:25:39Z) is watched: both recorded commentThreads pages, then the replies (2 pages).
    threads = youtube.hits("/youtube/v3/commentThreads")
    watched = [r for r in threads if r.query["videoId"] == "ddYARvl4PgE"]
    assert [r.query.get("pageToken", "")[:8] for r in watched] == ["", "QURTSl9p"]
    replies = youtube.hits("/youtube/v3/comments")
    assert [r.query["parentId"] for r in replies] == ["UgwI_ylXVnzPS8Q-oAV4AaABAg"] * 2
    comments = {i["id"]: i for i in items if i["id"].startswith("youtube:comment:")}
    assert len(comments) == 5 + 3  # the two recorded thread pages repeat the same 5 threads
    top = comments["youtube:comment:Ugy4OzAuz5uJuFt3FH54AaABAg"]
    assert top["text"] == "Please use CLS on your own search results page.."
    assert top["author"] == {
        "handle": "el bojo loco",
        "display_name": "el bojo loco",
        "account_id": "UCGBUkig1Ala-Z2gF73WSTdw",
        "url": "http://www.youtube.com/channel/UCGBUkig1Ala-Z2gF73WSTdw",
    }
    assert top["parent_id"] == "youtube:video:F1UP7wRCPH8" == top["thread_id"]
    assert top["published_at"] == "2019-11-21T19:18:39+00:00"
    assert top["url"] == "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=Ugy4OzAuz5uJuFt3FH54AaABAg"
    reply = comments["youtube:comment:Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh"]
    assert reply["text"] == "this is the third reply!"
    assert reply["parent_id"] == "youtube:comment:Ugw5zYU6n9pmIgAZWvN4AaABAg"

    # Truncated JSON for one video: a clear error; comments disabled on another: counted, no error.
    assert (
        "commentThreads.list answered 200 with something that is not JSON"
        in stats["mamori/last_source_error"]
    )
    assert stats["mamori/youtube/comments_disabled"] == 1
    assert (
        stats["mamori/youtube/quota_units"] == 200 + 2 + 2 + 2
    )  # 2 searches, 4 threads calls, 2 replies pages

    # Re-crawl: search only after the newest video seen; no comment is yielded twice.
    summary = crawl(config, "yt")
    assert _items(tmp_path) == []
    assert youtube.hits("/youtube/v3/search")[-1].query["publishedAfter"] == "2019-12-06T08:25:39.000Z"
    # 2nd crawl: 2 searches and 3 threads calls; the reply count did not change, so no replies call.
    assert summary["stats"]["mamori/youtube/quota_used_today"] == 206 + 203
    assert len(youtube.hits("/youtube/v3/comments")) == 2


def test_daily_quota_stops_the_crawl_cleanly(
    make_config: Any, youtube: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAMORI_TEST_YT_KEY", KEY)
    config = _config(make_config, tmp_path, youtube, daily_quota=150, max_watched_videos=0)
    summary = crawl(config, "yt")
    stats = summary["stats"]
    assert stats["finish_reason"] == "finished"
    assert len(youtube.hits("/youtube/v3/search")) == 1  # 100 units; a second search would pass 150
    assert len(_items(tmp_path)) == 25, "what was fetched before the budget ran out is kept"
    error = stats["mamori/last_source_error"]
    assert "daily quota of source 'yt' is used up: 100 of 150 units" in error and "daily_quota" in error

    summary = crawl(config, "yt")
    assert len(youtube.hits("/youtube/v3/search")) == 1, "an exhausted budget makes no call the same day"
    assert summary["stats"]["mamori/youtube/quota_used_today"] == 100


def test_quota_exceeded_answer_and_html_instead_of_json(
    make_config: Any, replay: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAMORI_TEST_YT_KEY", KEY)
    refusal = '{"error": {"code": 403, "message": "quota", "errors": [{"reason": "quotaExceeded"}]}}'
    replay.add("/youtube/v3/search", Reply(refusal, status=403))
    replay.add(
        "/youtube/v3/commentThreads", Reply("<html><body>Sign in</body></html>", content_type="text/html")
    )
    config = _config(make_config, tmp_path, replay, video_ids=["abc"])
    summary = crawl(config, "yt")
    stats = summary["stats"]
    assert stats["finish_reason"] == "finished"
    assert _items(tmp_path) == []
    # The API's own quota refusal stops the search after the first term; the HTML page is reported.
    assert len(replay.hits("/youtube/v3/search")) == 1
    assert stats["mamori/source_errors"] == 2
    assert stats["mamori/youtube/quota_units"] == 100 + 1
    assert (
        "commentThreads.list answered 200 with something that is not JSON"
        in json.dumps(stats, ensure_ascii=False)
        or "quotaExceeded" in stats["mamori/last_source_error"]
    )
