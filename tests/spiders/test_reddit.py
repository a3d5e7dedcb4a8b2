"""The Reddit spider, crawled for real against PRAW's recorded Betamax cassettes served from
127.0.0.1: OAuth token, search, subreddit listings with paging, comment trees with "load
more", deleted/removed comments, the cursor, malformed answers, and the anonymous rate limit."""

from __future__ import annotations

import base64
import copy
import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply, Request
from tests.spiders.captures import Recordings, feed_setting, load_all, scraped_items, serve

CASSETTES = (
    "TestMore.test_comments.json",
    "TestSubredditListings.test_new.json",
    "TestSubredditListings.test_comments.json",
)


@pytest.fixture
def recs(shared_data: Path) -> Recordings:
    return load_all(shared_data / "captures" / "reddit" / name for name in CASSETTES)


def _walk(listing: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for child in listing["data"]["children"]:
        out.append(child)
        replies = child["data"].get("replies") if child["kind"] == "t1" else None
        if isinstance(replies, dict):
            out.extend(_walk(replies))
    return out


def test_reddit_oauth_search_trees_more_removed_cursor_and_errors(
    make_config: Any, replay: ReplayServer, recs: Recordings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = recs.json("/comments/3hahrw/")
    # Reddit shows a moderator-removed comment as "[removed]": mark one recorded comment so.
    served_tree = copy.deepcopy(tree)
    removed = served_tree[1]["data"]["children"][0]["data"]
    removed["body"] = "[removed]"
    comments = [c for c in _walk(tree[1]) if c["kind"] == "t1"]
    deleted = {c["data"]["id"] for c in comments if c["data"]["body"] == "[deleted]"}
    gone_author = next(
        c["data"] for c in comments if c["data"]["author"] == "[deleted]" and c["data"]["body"] != "[deleted]"
    )
    more_things = recs.json("/api/morechildren/")["json"]["data"]["things"]

    replay.add("/api/v1/access_token", recs.find("/api/v1/access_token").reply())
    serve(replay, [recs.find("/api/morechildren/"), recs.find("/r/askreddit/comments/")], prefix="/oauth")
    replay.add("/oauth/comments/3hahrw", Reply(json.dumps(served_tree)))
    # The search answers with the recorded submission's own listing (one t3: 3hahrw), and
    # says the rate-limit window's budget is used up for one more second.
    replay.add(
        "/oauth/r/all/search",
        Reply(json.dumps(tree[0]), headers={"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "1"}),
    )
    replay.add(
        "/oauth/r/broken/comments",
        Reply("<html><body>Our CDN was unable to reach our servers</body></html>", content_type="text/html"),
    )
    replay.add("/oauth/r/cut/comments", Reply(recs.find("/r/askreddit/comments/").body[:3000]))
    arrivals: list[tuple[float, str]] = []

    def timed(handler: Any) -> Any:
        def wrapped(req: Request) -> Reply:
            arrivals.append((time.monotonic(), req.path))
            return handler(req) if callable(handler) else handler

        return wrapped

    for path, handler in list(replay.routes.items()):
        replay.routes[path] = timed(handler)
    monkeypatch.setenv("REDDIT_ID", "my-client")
    monkeypatch.setenv("REDDIT_SECRET", "s3cret")
    config = make_config(
        feed_setting(tmp_path)
        + f"""
        [[sources]]
        type = "reddit"
        name = "reddit"
        schedule = "30m"
        auth_url = "{replay.url("/api/v1/access_token")}"
        oauth_api_url = "{replay.url("/oauth")}"
        api_url = "{replay.url("/www")}"
        client_id = "${{REDDIT_ID}}"
        client_secret = "${{REDDIT_SECRET}}"
        subreddits = ["askreddit", "broken", "cut"]
        listings = ["comments"]
        max_more = 2
        max_continue = 0  # "continue this thread": tests/spiders/test_reddit_continue.py
        thread_refresh_days = 100000  # the recording is from 2015: keep refreshing its tree
        # 0.25 s between requests: the rate-limit pause set when a response arrives must hold
        # back the next request of the slot (a local response arrives well within 0.25 s).
        requests_per_minute_oauth = 240
        requests_per_minute_anonymous = 6000
        """
    )
    summary = crawl(config, "reddit")
    items = {i["id"]: i for i in scraped_items(tmp_path)}

    # The token: client credentials with HTTP Basic auth; then bearer on every API call.
    token_req = replay.hits("/api/v1/access_token")[0]
    assert token_req.method == "POST" and token_req.body == b"grant_type=client_credentials"
    assert token_req.headers["authorization"] == "Basic " + base64.b64encode(b"my-client:s3cret").decode()
    api = [r for r in replay.requests if r.path.startswith("/oauth/")]
    assert api and all(r.headers["authorization"] == "bearer <ACCESS_TOKEN>" for r in api)
    search = replay.hits("/oauth/r/all/search")[0]
    assert search.query["sort"] == "new" and search.query["raw_json"] == "1"
    assert (
        search.query["q"]
        == '"ミナト通信" OR "みなと通信" OR "Minato Tsushin" OR "ミナト" OR "田中 美咲" OR "佐藤 健太" OR "高橋 由美"'
    )

    # X-Ratelimit-Remaining 0 with Reset 1: the next request waited for the reset (+0.5 s).
    at = next(i for i, (_, path) in enumerate(arrivals) if path == "/oauth/r/all/search")
    assert arrivals[at + 1][0] - arrivals[at][0] >= 1.3
    assert summary["stats"]["mamori/reddit/ratelimit_pauses"] == 1

    # The submission, with its video media and no parent.
    sub = items["reddit:t3_3hahrw"]
    assert sub["title"] == "Ba Dum Tsss" and sub["author"]["handle"] == "your_local_librarian"
    assert sub["url"] == "https://www.reddit.com/r/funny/comments/3hahrw/ba_dum_tsss/"
    assert sub["published_at"] == "2015-08-17T07:44:40+00:00" and sub["parent_id"] is None
    assert {
        "url": "http://i.imgur.com/eoF76hj.gifv",
        "kind": "video",
        "mime_type": "",
        "description": "",
    } in sub["media"]

    # The comment tree: every comment except the deleted and removed ones, with parent links.
    tree_ids = {f"reddit:t1_{c['data']['id']}" for c in comments} - {
        f"reddit:t1_{i}" for i in deleted | {removed["id"]}
    }
    assert tree_ids <= set(items)
    assert f"reddit:t1_{removed['id']}" not in items
    assert not any(i["text"] in ("[removed]", "[deleted]") for i in items.values())
    assert summary["stats"]["mamori/reddit/removed"] == 1
    assert (
        summary["stats"]["mamori/reddit/request_interval"] == 0.25
    )  # the OAuth rate (240/min) once the token came
    assert summary["stats"]["mamori/reddit/deleted"] == len(deleted)
    first = comments[1]["data"]
    got = items[f"reddit:t1_{first['id']}"]
    assert got["parent_id"] == f"reddit:{first['parent_id']}" and got["thread_id"] == "reddit:t3_3hahrw"
    assert got["text"] == first["body"] and got["raw"]["id"] == first["id"]
    orphan = items[f"reddit:t1_{gone_author['id']}"]
    assert orphan["author"] == {
        "handle": "",
        "display_name": "[deleted account]",
        "account_id": "",
        "url": "",
    }

    # "load more": one morechildren call with the ids of the more nodes, its comments kept.
    more = replay.hits("/oauth/api/morechildren")
    assert len(more) == 1 and more[0].query["link_id"] == "t3_3hahrw"
    assert "cu5tt8h" in more[0].query["children"].split(",")
    assert {f"reddit:t1_{t['data']['id']}" for t in more_things} <= set(items)

    # The subreddit's latest comments (t1 listing), linked to their submissions.
    latest = recs.json("/r/askreddit/comments/")["data"]["children"]
    for child in latest[:5]:
        d = child["data"]
        assert items[f"reddit:t1_{d['id']}"]["thread_id"] == f"reddit:{d['link_id']}"
    # HTML and truncated JSON: two clear errors, nothing else lost.
    assert summary["stats"]["mamori/source_errors"] == 2
    assert len(items) == len(tree_ids | {f"reddit:t1_{t['data']['id']}" for t in more_things}) + 1 + len(
        {c["data"]["id"] for c in latest if c["data"]["body"] not in ("[deleted]", "[removed]")}
    )

    # Second crawl: cursors stop the listings at what was seen; the tree is refreshed and
    # only the comment edited since (Reddit keeps the id, changes body and edited) comes back.
    edited = served_tree[1]["data"]["children"][1]["data"]
    edited.update(body=edited["body"] + " (edit: see below)", edited=1439900000.0)
    replay.add("/oauth/comments/3hahrw", Reply(json.dumps(served_tree)))
    replay.requests.clear()
    again = crawl(config, "reddit")
    assert [i["id"] for i in scraped_items(tmp_path)] == [f"reddit:t1_{edited['id']}"]
    assert again["items"] == again["stats"]["mamori/posts/edited"] == 1
    assert len(replay.hits("/oauth/comments/3hahrw")) == 1
    cursor_sent = replay.hits("/oauth/r/all/search")[0]
    assert "after" not in cursor_sent.query  # the page held nothing newer than the cursor


def test_reddit_anonymous_json_paging_and_rate_limit(
    make_config: Any, replay: ReplayServer, recs: Recordings, tmp_path: Path
) -> None:
    new = recs.find("/r/askreddit/new")
    latest = recs.find("/r/askreddit/comments/")
    times: list[float] = []

    def listing(req: Request) -> Reply:
        times.append(time.monotonic())
        return new.reply()

    def listing_comments(req: Request) -> Reply:
        times.append(time.monotonic())
        return latest.reply()

    replay.add("/www/r/askreddit/new.json", listing)
    replay.add("/www/r/askreddit/comments.json", listing_comments)
    config = make_config(
        feed_setting(tmp_path)
        + f"""
        [[sources]]
        type = "reddit"
        name = "reddit-anon"
        schedule = "30m"
        api_url = "{replay.url("/www")}"
        subreddits = ["askreddit"]
        listings = ["new", "comments"]
        search = false
        comments = false
        max_pages = 3
        requests_per_minute_anonymous = 120
        """
    )
    summary = crawl(config, "reddit-anon")
    items = scraped_items(tmp_path)
    reqs = replay.hits("/www/r/askreddit/new.json")
    # Paging with after (the replayed page repeats, so 100 distinct posts), no token.
    assert [r.query.get("after") for r in reqs] == [None, "t3_48f6io"]  # page 3 = page 2: filtered
    assert all("authorization" not in r.headers for r in reqs)
    posts = [i for i in items if i["id"].startswith("reddit:t3_")]
    assert len(posts) == 100 and all(i["thread_id"] == i["id"] for i in posts)
    assert all(i["url"].startswith("https://www.reddit.com/r/AskReddit/comments/") for i in posts)
    assert [r.query.get("after") for r in replay.hits("/www/r/askreddit/comments.json")] == [
        None,
        "t1_d4y8a9e",
    ]
    assert len(items) == summary["items"] > 150
    # 120 requests per minute: at least ~0.5 s between requests.
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Sends are spaced by the downloader; arrival times jitter with the machine's load.
    assert len(gaps) == 3 and min(gaps) >= 0.3 and times[-1] - times[0] >= 1.35, gaps
    assert summary["stats"]["mamori/reddit/request_interval"] == 0.5


def test_search_terms_are_or_batched_within_reddits_query_limit() -> None:
    from spiders.reddit_parse import or_queries

    assert or_queries(["ミナト通信", 'say "hi"']) == ['"ミナト通信" OR "say hi"']
    terms = [f"employee name {i:03d}" for i in range(60)]
    batches = or_queries(terms)
    assert len(batches) > 1 and all(len(b) <= 500 for b in batches)
    assert [t for b in batches for t in b.split(" OR ")] == [f'"{t}"' for t in terms]
