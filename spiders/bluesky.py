"""Bluesky (AT Protocol): ``app.bsky.feed.searchPosts`` for every query term, and the replies
of each post that has some through ``app.bsky.feed.getPostThread``.

Search parameters: ``q``, ``sort=latest``, ``since`` (the cursor: the newest post time seen
for the term), ``lang`` (optional), ``limit`` and the page ``cursor``. Embedded images,
videos, external links and quoted posts become media; parent and root links come from the
post record itself. Post ids are ``bluesky:<at:// uri>``; URLs point at bsky.app.

The public AppView (``https://public.api.bsky.app``) answers without login; when a provider
requires authentication give ``identifier`` and an ``app_password`` (Settings → App
passwords, never the account password): a session is created at
``<pds_url>/xrpc/com.atproto.server.createSession`` and the API is then called on the PDS.

.. code-block:: toml

    [[sources]]
    type = "bluesky"
    name = "bsky"
    schedule = "15m"
    lang = "ja"                              # optional
    identifier = "legal-monitor.bsky.social" # optional, with app_password
    app_password = "${BSKY_APP_PASSWORD}"
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import Field

from crawler.items import Author, MediaRef, Post
from spiders.api_common import ApiOptions, ApiSpider, decode_json, parse_time
from spiders.text import guess_lang

BSKY_APP = "https://bsky.app"


class BlueskyOptions(ApiOptions):
    api_url: str = "https://public.api.bsky.app"
    pds_url: str = "https://bsky.social"
    """Where sessions are created and, once logged in, the API is called."""
    identifier: str = ""
    app_password: str = ""
    lang: str = ""
    since: str = ""
    """Oldest post time searched on the first crawl (ISO 8601); later crawls use the cursor."""
    until: str = ""
    """Newest post time searched (ISO 8601, exclusive), for a fixed backfill window."""
    limit: int = Field(default=100, ge=1, le=100)
    threads: bool = True
    """Fetch the replies of posts that have some (getPostThread)."""
    thread_depth: int = Field(default=6, ge=1, le=1000)
    requests_per_minute: float = Field(default=300, gt=0)
    """The AppView allows 3,000 requests per 5 minutes per IP."""


def post_url(uri: str, handle: str) -> str:
    """``at://did/app.bsky.feed.post/rkey`` → ``https://bsky.app/profile/<handle>/post/<rkey>``."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3:
        return f"{BSKY_APP}/profile/{handle or parts[0]}/post/{parts[2]}"
    return uri


def embed_media(embed: dict[str, Any] | None) -> list[MediaRef]:
    """Media of a post's embed view (images, video, external link, quoted post, or both)."""
    if not embed:
        return []
    kind = embed.get("$type", "")
    if kind.startswith("app.bsky.embed.images"):
        return [
            MediaRef(
                url=img.get("fullsize") or img.get("thumb"), kind="image", description=img.get("alt") or ""
            )
            for img in embed.get("images") or []
            if img.get("fullsize") or img.get("thumb")
        ]
    if kind.startswith("app.bsky.embed.video"):
        url = embed.get("playlist") or ""
        return (
            [
                MediaRef(
                    url=url,
                    kind="video",
                    mime_type="application/x-mpegURL",
                    description=embed.get("alt") or "",
                )
            ]
            if url
            else []
        )
    if kind.startswith("app.bsky.embed.external"):
        ext = embed.get("external") or {}
        out = (
            [MediaRef(url=ext["uri"], kind="link", description=ext.get("title") or "")]
            if ext.get("uri")
            else []
        )
        if ext.get("thumb"):
            out.append(MediaRef(url=ext["thumb"], kind="image", description=ext.get("title") or ""))
        return out
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return embed_media(embed.get("media")) + _quoted(embed.get("record"))
    if kind.startswith("app.bsky.embed.record"):
        return _quoted(embed)
    return []


def _quoted(view: Any) -> list[MediaRef]:
    """A quoted post (``embed.record#view``, possibly nested one level) as a link."""
    rec = view.get("record") if isinstance(view, dict) else None
    if isinstance(rec, dict) and isinstance(rec.get("record"), dict):
        rec = rec["record"]
    if not isinstance(rec, dict) or not rec.get("uri"):
        return []
    uri = str(rec["uri"])
    handle = (rec.get("author") or {}).get("handle", "")
    return [MediaRef(url=post_url(uri, handle), kind="link", description="quoted post")]


class BlueskySpider(ApiSpider):
    name = "bluesky"
    platform = "bluesky"
    options_model = BlueskyOptions
    _token = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._yielded: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        if self.options.identifier and self.options.app_password:
            yield self.api_request(
                f"{self.options.pds_url.rstrip('/')}/xrpc/com.atproto.server.createSession",
                self.parse_session,
                method="POST",
                body=json.dumps(
                    {"identifier": self.options.identifier, "password": self.options.app_password}
                ),
                headers={"Content-Type": "application/json"},
                dont_filter=True,
            )
            return
        if self.options.identifier or self.options.app_password:
            self.source_error(
                f"Source {self.source.name!r} sets only one of identifier and app_password; give both "
                "to log in, or neither to use the public API. Continuing without login."
            )
        for request in self.search_requests():
            yield request

    def parse_session(self, response: Any) -> Iterator[Any]:
        try:
            data = decode_json(response, f"Logging in to Bluesky as {self.options.identifier!r}")
            self._token = str(data["accessJwt"])
        except Exception as exc:
            message = (
                str(exc) if not isinstance(exc, (KeyError, TypeError)) else "the answer has no accessJwt"
            )
            self.source_error(
                f"Logging in to Bluesky as {self.options.identifier!r} failed: {message}. Check identifier "
                "and app_password (an app password from Settings → App passwords). Continuing without login."
            )
        yield from self.search_requests()

    @property
    def base(self) -> str:
        return (self.options.pds_url if self._token else self.options.api_url).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def search_requests(self) -> Iterator[Any]:
        cursors = self.cursors()
        for term in self.query_terms():
            since = cursors.get(term) or self.options.since or None
            yield self.search_request(term, since, None, 0, since)

    def search_request(
        self, term: str, since: str | None, page_cursor: str | None, page: int, newest: str | None
    ) -> Any:
        params: dict[str, Any] = {"q": term, "sort": "latest", "limit": self.options.limit}
        if since:
            params["since"] = since
        if self.options.until:
            params["until"] = self.options.until
        if self.options.lang:
            params["lang"] = self.options.lang
        if page_cursor:
            params["cursor"] = page_cursor
        return self.api_request(
            f"{self.base}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}",
            self.parse_search,
            headers=self.headers(),
            cb_kwargs={
                "term": term,
                "since": since,
                "sent_cursor": page_cursor,
                "page": page,
                "newest": newest,
            },
        )

    def parse_search(
        self,
        response: Any,
        term: str,
        since: str | None,
        sent_cursor: str | None,
        page: int,
        newest: str | None,
    ) -> Iterator[Any]:
        data = self.read_json(response, f"The Bluesky search for {term!r}")
        if data is None:
            return
        posts = data.get("posts") if isinstance(data, dict) else None
        if not isinstance(posts, list):
            self.source_error(
                f"The Bluesky search for {term!r} at {response.url} has no 'posts' list; check api_url."
            )
            return
        since_dt = parse_time(since)
        for view in posts:
            sort_at = self.sort_at(view)
            if since_dt and sort_at and sort_at <= since_dt:
                continue
            if sort_at and (newest is None or sort_at > (parse_time(newest) or sort_at)):
                newest = sort_at.isoformat().replace("+00:00", "Z")
            yield from self.emit(view)
            if self.options.threads and isinstance(view, dict) and int(view.get("replyCount") or 0) > 0:
                yield self.api_request(
                    f"{self.base}/xrpc/app.bsky.feed.getPostThread?"
                    + urlencode({"uri": view["uri"], "depth": self.options.thread_depth, "parentHeight": 0}),
                    self.parse_thread,
                    headers=self.headers(),
                    cb_kwargs={"uri": view["uri"]},
                )
        next_cursor = data.get("cursor")
        if posts and next_cursor and next_cursor != sent_cursor and page + 1 < self.options.max_pages:
            yield self.search_request(term, since, next_cursor, page + 1, newest)
        elif newest and newest != since:
            self.save_cursor(term, newest)

    @staticmethod
    def sort_at(view: Any) -> datetime | None:
        if not isinstance(view, dict):
            return None
        times = [
            t
            for t in (
                parse_time((view.get("record") or {}).get("createdAt")),
                parse_time(view.get("indexedAt")),
            )
            if t
        ]
        return min(times) if times else None

    def parse_thread(self, response: Any, uri: str) -> Iterator[Post]:
        if response.status == 400 and b"NotFound" in response.body:
            self.crawler.stats.inc_value("mamori/bluesky/threads_not_found")  # deleted since it was indexed
            return
        data = self.read_json(response, f"The Bluesky thread of {uri}")
        if not isinstance(data, dict) or not isinstance(data.get("thread"), dict):
            return
        stack = [data["thread"]]
        while stack:
            node = stack.pop()
            kind = node.get("$type", "")
            if kind.endswith("#notFoundPost") or kind.endswith("#blockedPost"):
                self.crawler.stats.inc_value("mamori/bluesky/replies_unavailable")
                continue
            if isinstance(node.get("post"), dict):
                yield from self.emit(node["post"])
            stack.extend(r for r in node.get("replies") or [] if isinstance(r, dict))

    def emit(self, view: Any) -> Iterator[Post]:
        try:
            post = self.view_to_post(view)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.crawler.stats.inc_value("mamori/bluesky/bad_items")
            self.source_error(f"A Bluesky post could not be read ({exc!r}); skipped.")
            return
        if post.id not in self._yielded:
            self._yielded.add(post.id)
            yield post

    def view_to_post(self, view: dict[str, Any]) -> Post:
        uri = view["uri"]
        record = view.get("record") or {}
        author = view.get("author") or {}
        handle = author.get("handle") or ""
        reply = record.get("reply") or {}
        parent = (reply.get("parent") or {}).get("uri")
        root = (reply.get("root") or {}).get("uri") or uri
        root_author = root.removeprefix("at://").split("/")[0]
        text = record.get("text") or ""
        langs = record.get("langs") or []
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"bluesky:{uri}",
            url=post_url(uri, handle),
            text=text,
            author=Author(
                handle=handle,
                display_name=author.get("displayName") or handle,
                account_id=author.get("did") or "",
                url=f"{BSKY_APP}/profile/{handle}" if handle else "",
            ),
            published_at=parse_time(record.get("createdAt")) or parse_time(view.get("indexedAt")),
            lang=(langs[0] if langs else "") or guess_lang(text),
            media=embed_media(view.get("embed")),
            parent_id=f"bluesky:{parent}" if parent else None,
            thread_id=f"bluesky:{root}",
            thread_url=post_url(root, handle if root == uri else root_author),
            raw_ref=uri,
            raw=view,
        )
