"""Reddit's "continue this thread", crawled for real from 127.0.0.1.

The recorded tree of r/funny 3hahrw (PRAW's TestMore cassette) holds six real
"continue this thread" objects (``count`` 0, no children, id ``_``) at depth 10. Reddit
answers ``/r/funny/comments/3hahrw/_/<parent>.json`` with the submission and a one-comment
Listing: the parent (its recorded data) with the replies the tree left out. Those replies
are not in any recording, so they are made from the parent's own recorded fields (new ids,
bodies and times); one of them is cut again by a further "continue this thread"."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer
from tests.spiders.captures import Recordings, feed_setting, load_capture, scraped_items

LINK = "t3_3hahrw"


@pytest.fixture
def tree(shared_data: Path) -> list[dict[str, Any]]:
    recs: Recordings = load_capture(shared_data / "captures" / "reddit" / "TestMore.test_comments.json")
    data: list[dict[str, Any]] = recs.json("/comments/3hahrw/")
    return data


def _comments(listing: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for child in listing["data"]["children"] if isinstance(listing, dict) else []:
        if child["kind"] == "t1":
            out.append(child)
            out.extend(_comments(child["data"].get("replies")))
    return out


def _continue(parent: str) -> dict[str, Any]:
    """Reddit's "continue this thread" object below the comment ``parent`` (a fullname)."""
    return {
        "kind": "more",
        "data": {"count": 0, "parent_id": parent, "children": [], "name": "t1__", "id": "_"},
    }


def _reply(parent: dict[str, Any], new_id: str, body: str) -> dict[str, Any]:
    d = copy.deepcopy(parent)
    d.update(
        id=new_id,
        name=f"t1_{new_id}",
        parent_id=parent["name"],
        body=body,
        body_html=f'&lt;div class="md"&gt;&lt;p&gt;{body}&lt;/p&gt;\n&lt;/div&gt;',
        created=parent["created"] + 60,
        created_utc=parent["created_utc"] + 60,
        replies="",
    )
    return {"kind": "t1", "data": d}


def _page(submission: dict[str, Any], focus: dict[str, Any], replies: list[dict[str, Any]]) -> str:
    """The answer to ``/comments/<link>/_/<focus>``: [submission, Listing[focus + replies]]."""
    top = copy.deepcopy(focus)
    top["data"]["replies"] = {
        "kind": "Listing",
        "data": {"modhash": "", "children": replies, "after": None, "before": None},
    }
    listing = {"kind": "Listing", "data": {"modhash": "", "children": [top], "after": None, "before": None}}
    return json.dumps([submission, listing])


def test_reddit_continue_this_thread_yields_deep_replies_once_with_parent_links(
    make_config: Any, replay: ReplayServer, tree: list[dict[str, Any]], shared_data: Path, tmp_path: Path
) -> None:
    comments = {c["data"]["id"]: c for c in _comments(tree[1])}
    parents = [
        child["data"]["parent_id"]
        for c in comments.values()
        if isinstance(c["data"].get("replies"), dict)
        for child in c["data"]["replies"]["data"]["children"]
        if child["kind"] == "more" and child["data"]["count"] == 0 and child["data"]["children"] == []
    ]
    assert len(parents) == 6  # the recording's real "continue this thread" objects

    replay.add("/www/r/funny/new.json", json.dumps(tree[0]))
    replay.add("/www/comments/3hahrw.json", json.dumps(tree))
    deep: dict[str, dict[str, Any]] = {}  # new comment id -> its data
    pages: dict[str, str] = {}  # path -> the answer Reddit gives there
    for n, parent in enumerate(parents):
        focus = comments[parent[3:]]
        replies = [
            _reply(focus["data"], f"zz{n}a", f"deeper reply {n}a"),
            _reply(focus["data"], f"zz{n}b", "x"),
        ]
        replies[1]["data"]["body"] = "[deleted]"  # a deleted deep reply: counted, not yielded
        if n == 0:  # cut again: the reply zz0a has replies of its own below another "continue"
            replies[0]["data"]["replies"] = {"kind": "Listing", "data": {"children": [_continue("t1_zz0a")]}}
            deeper = _reply(replies[0]["data"], "zz0c", "deepest reply")
            pages["/r/funny/comments/3hahrw/_/zz0a"] = _page(
                tree[0], {"kind": "t1", "data": replies[0]["data"]}, [deeper]
            )
            deep["zz0c"] = deeper["data"]
        deep[f"zz{n}a"] = replies[0]["data"]
        pages[f"/r/funny/comments/3hahrw/_/{parent[3:]}"] = _page(tree[0], focus, replies)
    for path, body in pages.items():
        replay.add(f"/www{path}.json", body)  # anonymous
        replay.add(f"/oauth{path}", body)  # OAuth: the same path on oauth.reddit.com

    source = f"""
        [[sources]]
        type = "reddit"
        name = "deep"
        schedule = "30m"
        api_url = "{replay.url("/www")}"
        subreddits = ["funny"]
        listings = ["new"]
        search = false
        max_more = 0
        requests_per_minute_anonymous = 6000
        """
    config = make_config(feed_setting(tmp_path) + source)
    summary = crawl(config, "deep")
    items = scraped_items(tmp_path)
    ids = [i["id"] for i in items]
    by_id = {i["id"]: i for i in items}

    # Every cut was followed once, at /r/<sub>/comments/<link>/_/<parent>.json, anonymously.
    continued = [r for r in replay.requests if "/_/" in r.path]
    assert sorted(r.path.rsplit("/", 1)[1] for r in continued) == sorted(
        [f"{p[3:]}.json" for p in parents] + ["zz0a.json"]
    )
    assert all(r.query["raw_json"] == "1" and "authorization" not in r.headers for r in continued)
    assert summary["stats"]["mamori/reddit/continued"] == 7
    assert summary["stats"]["mamori/reddit/continue_threads"] == 7

    # The deep replies, with their parent links; no post twice (the parents came back too).
    assert len(ids) == len(set(ids))
    for new_id, d in deep.items():
        post = by_id[f"reddit:t1_{new_id}"]
        assert post["parent_id"] == f"reddit:{d['parent_id']}" and post["thread_id"] == f"reddit:{LINK}"
        assert post["text"] == d["body"]
    assert by_id["reddit:t1_zz0c"]["parent_id"] == "reddit:t1_zz0a"
    assert by_id["reddit:t1_zz0a"]["parent_id"] == parents[0].replace("t1_", "reddit:t1_")
    assert not any(i["text"] == "[deleted]" for i in items)
    assert summary["stats"]["mamori/reddit/deleted"] == 6 + sum(
        1 for c in comments.values() if c["data"]["body"] == "[deleted]"
    )
    # Everything of the recorded tree that is not deleted, plus the submission and the deep replies.
    kept = {f"reddit:t1_{i}" for i, c in comments.items() if c["data"]["body"] != "[deleted]"}
    assert set(ids) == kept | {f"reddit:{LINK}"} | {f"reddit:t1_{i}" for i in deep}
    assert summary["items"] == len(ids)

    # With max_continue = 1 only the first cut is followed per tree; the others are counted.
    replay.requests.clear()
    config = make_config(
        feed_setting(tmp_path)
        + source.replace('name = "deep"', 'name = "shallow"')
        + "        max_continue = 1\n"
    )
    summary = crawl(config, "shallow")
    scraped_items(tmp_path)
    assert [r.path for r in replay.requests if "/_/" in r.path] == [
        f"/www/r/funny/comments/3hahrw/_/{parents[0][3:]}.json"
    ]
    assert summary["stats"]["mamori/reddit/continue_skipped"] == 5 + 1  # and the cut below zz0a

    # Over OAuth: the same paths on oauth_api_url (no .json), with the bearer token.
    token = load_capture(shared_data / "captures" / "reddit" / "TestMore.test_comments.json")
    replay.add("/api/v1/access_token", token.find("/api/v1/access_token").reply())
    replay.add("/oauth/r/funny/new", json.dumps(tree[0]))
    replay.add("/oauth/comments/3hahrw", json.dumps(tree))
    replay.requests.clear()
    oauth = f"""
        auth_url = "{replay.url("/api/v1/access_token")}"
        oauth_api_url = "{replay.url("/oauth")}"
        client_id = "my-client"
        client_secret = "my-secret"
        """
    config = make_config(
        feed_setting(tmp_path) + source.replace('name = "deep"', 'name = "deep-oauth"') + oauth
    )
    summary = crawl(config, "deep-oauth")
    assert {i["id"] for i in scraped_items(tmp_path)} == set(ids)
    continued = [r for r in replay.requests if "/_/" in r.path]
    assert sorted(r.path for r in continued) == sorted(f"/oauth{path}" for path in pages)
    assert all(r.headers["authorization"] == "bearer <ACCESS_TOKEN>" for r in continued)
    assert summary["stats"]["mamori/reddit/continued"] == 7
