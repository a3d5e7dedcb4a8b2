"""Reddit: search and subreddit listings through the public JSON API or OAuth, with comment
trees including "load more" (``/api/morechildren``) and "continue this thread" expansion
(:mod:`spiders.reddit_tree`).

* **Anonymous** (no client id): ``https://www.reddit.com/....json``, 10 requests per minute.
* **OAuth** (``client_id`` + ``client_secret``, an app of type "script" or "web" at
  reddit.com/prefs/apps; use ``${ENV}`` placeholders): an application-only token from
  ``auth_url`` (client-credentials grant), then ``https://oauth.reddit.com``, 100 per minute.
  If the token request fails the error is recorded and the crawl goes on anonymously. The
  token is renewed within the crawl before it expires and when a request is refused with
  401 (that request is sent once more): :mod:`spiders.reddit_auth`.

The query terms are OR-ed into as few searches as fit Reddit's 512-character limit.
Incremental: the newest ``created_utc`` per search and listing is the cursor; paging (newest
first, ``after``) stops at it. Comment trees of new submissions are fetched; those of
submissions younger than ``thread_refresh_days`` are fetched again so new and edited
comments are seen (the dedupe pipeline drops unchanged ones).

Deleted and removed content is recognized, never reported as the text "[removed]": a
comment or submission whose body is ``[removed]``/``[deleted]`` is not yielded (counted in
``mamori/reddit/removed`` / ``deleted``, ids kept in the source state under ``removed``), so an
earlier copy in the index is not overwritten; a comment whose author deleted the account
keeps its text with an empty handle and the display name "[deleted account]".

.. code-block:: toml

    [[sources]]
    type = "reddit"
    name = "reddit"
    schedule = "30m"
    subreddits = ["japan", "newsokur"]
    client_id = "${REDDIT_CLIENT_ID}"
    client_secret = "${REDDIT_CLIENT_SECRET}"
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from pydantic import Field, ValidationInfo, field_validator
from scrapy.settings import SETTINGS_PRIORITIES

from spiders.api_common import ApiOptions
from spiders.reddit_auth import OAUTH, ClientCredentials
from spiders.reddit_parse import WWW, children_of, created_utc, or_queries
from spiders.reddit_tree import RedditThreadsSpider


class RedditOptions(ApiOptions):
    api_url: str = WWW
    oauth_api_url: str = "https://oauth.reddit.com"
    auth_url: str = "https://www.reddit.com/api/v1/access_token"
    client_id: str = ""
    client_secret: str = ""
    subreddits: list[str] = []
    listings: list[str] = ["new", "comments"]
    """Per subreddit: ``new`` (submissions) and/or ``comments`` (latest comments)."""
    search: bool = True
    restrict_search: bool = False
    """Search only in ``subreddits`` instead of all of Reddit."""
    comments: bool = True
    """Fetch the comment tree of every new submission."""
    max_more: int = Field(default=5, ge=0)
    """"load more" (morechildren) calls per comment tree."""
    max_continue: int = Field(default=10, ge=0)
    """"continue this thread" pages (replies below Reddit's depth limit) per comment tree."""
    thread_refresh_days: float = Field(default=2.0, ge=0)
    max_threads: int = Field(default=50, ge=0)
    limit: int = Field(default=100, ge=1, le=100)
    requests_per_minute_anonymous: float = Field(default=10, gt=0)
    requests_per_minute_oauth: float = Field(default=100, gt=0)
    token_refresh_margin: float = Field(default=60, ge=0)
    """Renew the OAuth token this many seconds before it expires (at most half its lifetime)."""

    @field_validator("max_continue", "token_refresh_margin", mode="before")
    @classmethod
    def _not_negative(cls, value: Any, info: ValidationInfo) -> Any:
        hint = {
            "max_continue": 'give a whole number of "continue this thread" pages per comment tree, '
            "0 (off) or more, e.g. max_continue = 10",
            "token_refresh_margin": "give the seconds before the OAuth token expires at which it is "
            "renewed, 0 or more, e.g. token_refresh_margin = 60",
        }[str(info.field_name)]
        whole = info.field_name == "max_continue"
        number = isinstance(value, int) if whole else isinstance(value, (int, float))
        if isinstance(value, bool) or not number or value < 0:
            raise ValueError(hint)
        return value


class RedditSpider(RedditThreadsSpider):
    name = "reddit"
    platform = "reddit"
    options_model = RedditOptions
    auth: ClientCredentials | None = None

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Switch on the token middleware for this spider, keeping the configured middlewares."""
        super().update_settings(settings)
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares.setdefault("spiders.reddit_auth.RedditAuthMiddleware", 600)
        priority = max(settings.getpriority("DOWNLOADER_MIDDLEWARES") or 0, SETTINGS_PRIORITIES["spider"])
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=priority)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._new_threads: dict[str, float] = {}

    def closed(self, reason: str) -> None:
        """Remember the submissions seen (for thread refreshes) and the removed ids."""
        if self._new_threads:
            threads = self.get_cursor("threads", {}) or {}
            threads.update(self._new_threads)
            self.set_cursor(dict(sorted(threads.items(), key=lambda kv: -kv[1])[:1000]), "threads")
        if self._removed:
            earlier = self.get_cursor("removed", []) or []
            self.set_cursor(list(dict.fromkeys([*earlier, *self._removed]))[-1000:], "removed")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.requests_per_minute = spider.options.requests_per_minute_anonymous
        return spider

    # -- requests ------------------------------------------------------------------------
    @property
    def oauth(self) -> bool:
        return self.auth is not None and bool(self.auth.token)

    def url(self, path: str, params: dict[str, Any]) -> str:
        params = {**params, "raw_json": 1}
        if self.oauth:
            return f"{self.options.oauth_api_url.rstrip('/')}{path}?{urlencode(params)}"
        return f"{self.options.api_url.rstrip('/')}{path}.json?{urlencode(params)}"

    def request(self, path: str, params: dict[str, Any], callback: Any, cb_kwargs: dict[str, Any]) -> Any:
        """An API request; OAuth ones get the current token when sent (:mod:`spiders.reddit_auth`)."""
        return self.api_request(
            self.url(path, params), callback, cb_kwargs=cb_kwargs, meta={OAUTH: True} if self.oauth else {}
        )

    async def start(self) -> AsyncIterator[Any]:
        o = self.options
        if o.client_id and o.client_secret:
            self.auth = ClientCredentials(
                self,
                auth_url=o.auth_url,
                client_id=o.client_id,
                client_secret=o.client_secret,
                margin=o.token_refresh_margin,
            )
            if await self.auth.renew(0):
                self.set_rate(o.requests_per_minute_oauth)
        elif o.client_id or o.client_secret:
            self.source_error(
                f"Source {self.source.name!r} sets only one of client_id and client_secret; give both for "
                "OAuth (100 requests/min) or neither. Crawling anonymously (10 requests/min)."
            )
        for request in self.crawl_requests():
            yield request

    def crawl_requests(self) -> Iterator[Any]:
        o = self.options
        cursors = self.cursors()
        if o.search:
            where = "+".join(o.subreddits) if (o.restrict_search and o.subreddits) else "all"
            for query in or_queries(self.query_terms()):
                key = f"search:{where}:{query}"
                params = {
                    "q": query,
                    "sort": "new",
                    "t": "all",
                    "limit": o.limit,
                    "restrict_sr": int(where != "all"),
                }
                yield self.listing(f"/r/{where}/search", params, key, cursors.get(key))
        for sub in o.subreddits:
            for listing in o.listings:
                key = f"r/{sub}/{listing}"
                yield self.listing(f"/r/{sub}/{listing}", {"limit": o.limit}, key, cursors.get(key))
        if o.comments and o.thread_refresh_days > 0:
            threads = self.get_cursor("threads", {}) or {}
            horizon = time.time() - o.thread_refresh_days * 86400
            recent = sorted((t for t, ts in threads.items() if ts >= horizon), key=lambda t: -threads[t])
            for link_id in recent[: o.max_threads]:
                yield from self.tree_request(link_id)

    def listing(
        self,
        path: str,
        params: dict[str, Any],
        key: str,
        since: float | None,
        page: int = 0,
        newest: float | None = None,
    ) -> Any:
        return self.request(
            path,
            params,
            self.parse_listing,
            {
                "path": path,
                "params": params,
                "key": key,
                "since": since,
                "page": page,
                "newest": newest or since,
            },
        )

    # -- responses -----------------------------------------------------------------------
    def observe_limits(self, response: Any) -> None:
        """Honour Reddit's ``X-Ratelimit-Remaining``/``-Reset``: when the budget of the current
        window is used up, the next request waits for the reset; then the normal rate resumes.

        Called by :class:`crawler.middlewares.RateHeadersMiddleware` as soon as the response is
        downloaded — before the slot releases the next request, which a spider callback would
        be too late for."""
        try:
            remaining = float(response.headers.get(b"X-Ratelimit-Remaining", b"").decode() or "nan")
            reset = float(response.headers.get(b"X-Ratelimit-Reset", b"").decode() or "nan")
        except ValueError:
            return
        if remaining != remaining or reset != reset:  # NaN: headers absent
            return
        if remaining < 1:
            self.crawler.stats.inc_value("mamori/reddit/ratelimit_pauses")
            self.pause_for(min(reset + 0.5, 600.0))
        else:
            self.set_rate(self.requests_per_minute)

    def parse_listing(
        self,
        response: Any,
        path: str,
        params: dict[str, Any],
        key: str,
        since: float | None,
        page: int,
        newest: float | None,
    ) -> Iterator[Any]:
        data = self.read_json(response, f"The Reddit listing {path}")
        if data is None:
            return
        if not (isinstance(data, dict) and isinstance(data.get("data"), dict)):
            self.source_error(f"The Reddit listing {path} at {response.url} is not a Listing; check api_url.")
            return
        children = children_of(data)
        after = data["data"].get("after")
        reached_cursor = False
        new_threads: dict[str, float] = {}
        for child in children:
            d: dict[str, Any] = child["data"] if isinstance(child.get("data"), dict) else {}
            created = created_utc(d)
            if since and created <= since:
                reached_cursor = True
                continue
            newest = max(newest or 0, created)
            yield from self.emit(child)
            if child.get("kind") == "t3" and d.get("name"):
                new_threads[d["name"]] = created
                yield from self.tree_request(d["name"])
        self._new_threads.update(new_threads)
        if after and children and not reached_cursor and page + 1 < self.options.max_pages:
            yield self.listing(path, {**params, "after": after}, key, since, page + 1, newest)
        elif newest and newest != since:
            self.save_cursor(key, newest)
