"""Reddit's OAuth token renewed within one crawl, crawled for real from 127.0.0.1.

A local token endpoint grants tokens shaped like the recorded one (PRAW's cassettes:
``access_token``, ``token_type``, ``expires_in``, ``scope``), and a local API that answers
the recorded r/askreddit listings only to a token it still holds valid, else 401 with
Reddit's body. The crawl's own log records come back to ``caplog``
(tests/spiders/logged_crawl.py): neither the secret nor any token may appear in them."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.replay import ReplayServer, Reply, Request
from tests.spiders.captures import Recordings, feed_setting, load_all, scraped_items
from tests.spiders.logged_crawl import crawl_logged

SECRET = "s3cret-Zq9"
BASIC = "Basic " + base64.b64encode(f"my-client:{SECRET}".encode()).decode()
UNAUTHORIZED = json.dumps({"message": "Unauthorized", "error": 401})


@dataclass
class TokenServer:
    """Grants ``tok-1``, ``tok-2``, … living ``lifetimes[n]`` seconds; the API checks them."""

    lifetimes: list[float]
    revoke_after: int | None = None
    """Refuse ``tok-1`` once this many API calls were answered with it (a server-side revocation)."""
    issued: dict[str, float] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)
    refused: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self, req: Request) -> Reply:
        if req.headers.get("authorization") != BASIC or req.body != b"grant_type=client_credentials":
            return Reply(UNAUTHORIZED, status=401)
        with self.lock:
            n = len(self.issued)
            token = f"tok-{n + 1}"
            self.issued[token] = time.monotonic()
        body = {"access_token": token, "token_type": "bearer", "expires_in": self.lifetimes[n], "scope": "*"}
        return Reply(json.dumps(body))

    def api(self, answer: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
        def handle(req: Request) -> Reply:
            token = req.headers.get("authorization", "").removeprefix("bearer ")
            with self.lock:
                born = self.issued.get(token)
                lifetime = self.lifetimes[int(token[4:]) - 1] if born is not None else 0
                revoked = (
                    token == "tok-1"
                    and self.revoke_after is not None
                    and self.used.get(token, 0) >= self.revoke_after
                )
                if born is None or time.monotonic() > born + lifetime or revoked:
                    self.refused.append(req)
                    return Reply(UNAUTHORIZED, status=401)
                self.used[token] = self.used.get(token, 0) + 1
            return answer(req)

        return handle


@pytest.fixture
def recs(shared_data: Path) -> Recordings:
    return load_all(
        shared_data / "captures" / "reddit" / name
        for name in ("TestSubredditListings.test_new.json", "TestSubredditListings.test_comments.json")
    )


def _setup(replay: ReplayServer, recs: Recordings, tokens: TokenServer, subs: list[str]) -> None:
    replay.add("/api/v1/access_token", tokens.token)
    new, latest = recs.find("/r/askreddit/new"), recs.find("/r/askreddit/comments/")
    for sub in subs:
        replay.add(f"/oauth/r/{sub}/new", tokens.api(lambda req: new.reply()))
        replay.add(f"/oauth/r/{sub}/comments", tokens.api(lambda req: latest.reply()))


def _config(make_config: Any, tmp_path: Path, replay: ReplayServer, name: str, subs: list[str]) -> Path:
    path: Path = make_config(
        feed_setting(tmp_path)
        + f"""
        [[sources]]
        type = "reddit"
        name = "{name}"
        schedule = "30m"
        auth_url = "{replay.url("/api/v1/access_token")}"
        oauth_api_url = "{replay.url("/oauth")}"
        api_url = "{replay.url("/www")}"
        client_id = "${{REDDIT_ID}}"
        client_secret = "${{REDDIT_SECRET}}"
        subreddits = {json.dumps(subs)}
        search = false
        comments = false
        max_pages = 2
        requests_per_minute_anonymous = 6000
        requests_per_minute_oauth = 120
        settings = {{ CONCURRENT_REQUESTS = 1 }}
        """
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("[crawler]\n", '[crawler]\nlog_level = "DEBUG"\n')
    )
    return path


def _expected_ids(recs: Recordings) -> set[str]:
    out = set()
    for path in ("/r/askreddit/new", "/r/askreddit/comments/"):
        for child in recs.json(path)["data"]["children"]:
            d = child["data"]
            if (d.get("body") or d.get("selftext") or "").strip() not in ("[deleted]", "[removed]"):
                out.add(f"reddit:{child['kind']}_{d['id']}")
    return out


def _assert_no_secrets(caplog: pytest.LogCaptureFixture, tokens: TokenServer) -> None:
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Crawled (200)" in text  # the DEBUG records did come back
    for secret in (SECRET, BASIC.split()[1], *tokens.issued):
        assert secret not in text


def test_reddit_token_renewed_before_it_expires(
    make_config: Any,
    replay: ReplayServer,
    recs: Recordings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("REDDIT_ID", "my-client")
    monkeypatch.setenv("REDDIT_SECRET", SECRET)
    # The first token lives 6 s (renewed 3 s before); 12 API calls 0.5 s apart outlast it.
    tokens = TokenServer(lifetimes=[6, 3600])
    subs = ["askreddit", "funny", "japan"]
    _setup(replay, recs, tokens, subs)
    config = _config(make_config, tmp_path, replay, "oauth", subs)
    with caplog.at_level(logging.DEBUG):
        stats = crawl_logged(config, "oauth")

    assert stats["finish_reason"] == "finished" and "mamori/source_errors" not in stats
    assert len(replay.hits("/api/v1/access_token")) == 2 == stats["mamori/reddit/tokens"]
    api = [r for r in replay.requests if r.path.startswith("/oauth/")]
    used = [r.headers["authorization"] for r in api]
    assert used[0] == "bearer tok-1" and used[-1] == "bearer tok-2"
    assert used == sorted(used)  # renewed once, then only the new token
    assert tokens.refused == []  # renewed before the server would have refused the old one
    assert {i["id"] for i in scraped_items(tmp_path)} == _expected_ids(recs)
    assert any("renewed the Reddit OAuth token" in r.getMessage() for r in caplog.records)
    _assert_no_secrets(caplog, tokens)


def test_reddit_token_refused_with_401_is_renewed_and_the_request_sent_once_more(
    make_config: Any,
    replay: ReplayServer,
    recs: Recordings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("REDDIT_ID", "my-client")
    monkeypatch.setenv("REDDIT_SECRET", SECRET)
    # The server drops tok-1 after two answers although it was granted for an hour.
    tokens = TokenServer(lifetimes=[3600, 3600], revoke_after=2)
    _setup(replay, recs, tokens, ["askreddit"])
    config = _config(make_config, tmp_path, replay, "revoked", ["askreddit"])
    with caplog.at_level(logging.DEBUG):
        stats = crawl_logged(config, "revoked")

    assert stats["finish_reason"] == "finished" and "mamori/source_errors" not in stats
    assert len(replay.hits("/api/v1/access_token")) == 2
    assert len(tokens.refused) == 1 and stats["mamori/reddit/token_retries"] == 1
    refused = tokens.refused[0]
    again = [r for r in replay.requests if r.path == refused.path and r.query == refused.query]
    assert [r.headers["authorization"] for r in again] == ["bearer tok-1", "bearer tok-2"]
    assert {i["id"] for i in scraped_items(tmp_path)} == _expected_ids(recs)
    _assert_no_secrets(caplog, tokens)

    # An endpoint that refuses every token: renewed once, sent once more, then a clear error.
    caplog.clear()
    replay.requests.clear()
    tokens = TokenServer(lifetimes=[3600, 3600])
    replay.add("/api/v1/access_token", tokens.token)
    replay.add("/oauth/r/locked/new", Reply(UNAUTHORIZED, status=401))
    config = _config(make_config, tmp_path, replay, "locked", ["locked"])
    config.write_text(config.read_text(encoding="utf-8").replace("max_pages = 2", 'listings = ["new"]'))
    with caplog.at_level(logging.DEBUG):
        stats = crawl_logged(config, "locked")
    assert len(replay.hits("/api/v1/access_token")) == 2
    assert [r.headers["authorization"] for r in replay.hits("/oauth/r/locked/new")] == [
        "bearer tok-1",
        "bearer tok-2",
    ]
    assert stats["mamori/reddit/token_refused"] == 1 and stats["mamori/source_errors"] == 1
    assert "answered HTTP 401" in stats["mamori/last_source_error"]
    assert "credentials were refused" in stats["mamori/last_source_error"]
    _assert_no_secrets(caplog, tokens)


@pytest.mark.parametrize(
    ("option", "value", "shown", "fix"),
    [
        ("token_refresh_margin", "-5", "-5", "e.g. token_refresh_margin = 60"),
        ("token_refresh_margin", '"soon"', "'soon'", "e.g. token_refresh_margin = 60"),
        ("max_continue", "-1", "-1", "e.g. max_continue = 10"),
        ("max_continue", "2.5", "2.5", "e.g. max_continue = 10"),
    ],
)
def test_reddit_new_options_are_validated_with_the_fix(
    make_config: Any, option: str, value: str, shown: str, fix: str
) -> None:
    from crawler.config import load_config
    from crawler.exceptions import ConfigError

    config = make_config(f'[[sources]]\ntype = "reddit"\nname = "r"\nschedule = "30m"\n{option} = {value}\n')
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert str(err.value).startswith(
        f"{config}: sources[1].{option} = {shown} is invalid for source 'r': give "
    )
    assert fix in str(err.value)
