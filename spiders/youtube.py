"""YouTube through the Data API v3: videos found by search, their comment threads and replies.

For every query term (company aliases, roster names, the source's ``terms``) the spider calls
``search.list`` (newest first, ``publishedAfter`` the newest video seen before), yields each
video as a post (the watch URL and thumbnail as media) and keeps the newest
``max_watched_videos`` videos, plus ``video_ids``, *watched*: their ``commentThreads`` are read
every crawl (newest first, stopping at comments already seen) and replies beyond the ones
inlined are fetched with ``comments.list``. Page tokens are followed up to the page limits.

Quota: search.list costs 100 units, every other call 1. Units are counted per UTC day in the
state database; when the next call would pass ``daily_quota`` the crawl stops asking and the
source's last error says so (a ``quotaExceeded`` answer from the API does the same). The
budget and the API calls are in :mod:`spiders.youtube_api`.

.. code-block:: toml

    [[sources]]
    type = "youtube"
    name = "youtube"
    api_key = "${YOUTUBE_API_KEY}"
    schedule = "1h"
    daily_quota = 10000
    video_ids = ["dQw4w9WgXcQ"]     # always watch these videos' comments
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import scrapy
from pydantic import Field, field_validator

from crawler.items import Author, MediaRef, Post
from spiders.base import SourceOptions
from spiders.text import guess_lang, html_to_text
from spiders.youtube_api import YouTubeApiSpider

WATCH = "https://www.youtube.com/watch?v="


class YouTubeOptions(SourceOptions):
    api_key: str = Field(min_length=1)
    api_base: str = "https://www.googleapis.com/youtube/v3"
    search: bool = True
    video_ids: list[str] = []
    daily_quota: int = Field(default=10_000, ge=1)
    max_search_pages: int = Field(default=1, ge=1, le=20)
    max_comment_pages: int = Field(default=5, ge=1, le=100)
    max_watched_videos: int = Field(default=20, ge=0, le=1000)
    region_code: str = ""
    relevance_language: str = ""

    @field_validator("api_base")
    @classmethod
    def _base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("give the API's base URL, such as https://www.googleapis.com/youtube/v3")
        return value.rstrip("/")


def _dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class YouTubeSpider(YouTubeApiSpider):
    name = "youtube"
    platform = "youtube"
    options_model = YouTubeOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._emitted: set[str] = set()
        self._newest_video: str = ""
        self._watch_started: set[str] = set()
        self._expanded: set[str] = set()
        self._terms: list[str] = []
        self._search_since: str | None = None

    # -- start -----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        watched = dict(self.get_cursor("watched", {}) or {})
        for video_id in [*self.options.video_ids, *watched]:
            request = self.watch(video_id)
            if request is not None:
                yield request
        if self.options.search:
            # One term after the other, so that a quota refusal stops the rest (100 units each).
            self._terms = self.query_terms()
            self._search_since = self.get_cursor("search_since")
            request = self.search_request(0)
            if request is not None:
                yield request

    def search_request(self, term: int, token: str = "", page: int = 1) -> scrapy.Request | None:
        """search.list for query term number ``term`` (None when all terms are done or the quota is spent)."""
        if term >= len(self._terms):
            return None
        params = {
            "part": "snippet", "type": "video", "order": "date", "maxResults": 50, "q": self._terms[term],
            "publishedAfter": self._search_since, "regionCode": self.options.region_code,
            "relevanceLanguage": self.options.relevance_language, "pageToken": token,
        }  # fmt: skip
        return self.api("search", params, self.on_search, page=page, term=term)

    def watch(self, video_id: str) -> scrapy.Request | None:
        if video_id in self._watch_started:
            return None
        self._watch_started.add(video_id)
        return self.api(
            "commentThreads",
            {
                "part": "snippet,replies",
                "videoId": video_id,
                "order": "time",
                "maxResults": 100,
                "textFormat": "html",
            },
            self.on_threads,
            video_id=video_id,
            page=1,
        )

    # -- search ----------------------------------------------------------------------------
    def on_search(self, data: dict[str, Any], params: dict[str, Any], page: int, term: int) -> Iterator[Any]:
        videos = [
            i for i in data.get("items", []) if isinstance(i, dict) and (i.get("id") or {}).get("videoId")
        ]
        for item in videos:
            post = self.video_post(item)
            if post is not None:
                yield post
        newest = max((i["snippet"].get("publishedAt", "") for i in videos), default="")
        if newest > (self.get_cursor("search_since") or ""):
            self.set_cursor(newest, "search_since")
        watched = dict(self.get_cursor("watched", {}) or {})
        for item in sorted(videos, key=lambda i: i["snippet"].get("publishedAt", ""), reverse=True):
            vid = item["id"]["videoId"]
            if vid not in watched and len(watched) < self.options.max_watched_videos:
                watched[vid] = item["snippet"].get("publishedAt", "")
                request = self.watch(vid)
                if request is not None:
                    yield request
        self.set_cursor(watched, "watched")
        token = data.get("nextPageToken")
        if token and page < self.options.max_search_pages:
            request = self.search_request(term, token, page + 1)
        else:
            request = self.search_request(term + 1)
        if request is not None:
            yield request

    def video_post(self, item: dict[str, Any]) -> Post | None:
        vid = item["id"]["videoId"]
        snippet = item.get("snippet") or {}
        if not self._first(f"youtube:video:{vid}"):
            return None
        thumbs = snippet.get("thumbnails") or {}
        best = next((thumbs[k]["url"] for k in ("maxres", "high", "medium", "default") if k in thumbs), "")
        media = [MediaRef(url=WATCH + vid, kind="video", mime_type="text/html")]
        if best:
            media.append(MediaRef(url=best, kind="image", description="thumbnail"))
        title = html_to_text(snippet.get("title", ""))
        text = html_to_text(snippet.get("description", ""))
        channel = snippet.get("channelId", "")
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"youtube:video:{vid}",
            url=WATCH + vid,
            title=title,
            text=text,
            author=Author(
                handle=snippet.get("channelTitle", ""),
                display_name=snippet.get("channelTitle", ""),
                account_id=channel,
                url=f"https://www.youtube.com/channel/{channel}" if channel else "",
            ),
            published_at=_dt(snippet.get("publishedAt")),
            lang=guess_lang(f"{title} {text}"),
            media=media,
            thread_id=f"youtube:video:{vid}",
            thread_url=WATCH + vid,
            raw_ref="search.list",
            raw=item,
        )

    def _first(self, post_id: str) -> bool:
        if post_id in self._emitted:
            return False
        self._emitted.add(post_id)
        return True

    # -- comments --------------------------------------------------------------------------
    def on_threads(
        self, data: dict[str, Any], params: dict[str, Any], video_id: str, page: int
    ) -> Iterator[Any]:
        cursors = dict(self.get_cursor("comments_since", {}) or {})
        since = cursors.get(video_id, "")
        newest = since
        reached_old = False
        for thread in data.get("items", []):
            snippet = (thread or {}).get("snippet") or {}
            top = snippet.get("topLevelComment") or {}
            top_at = (top.get("snippet") or {}).get("updatedAt", "")
            newest = max(newest, top_at)
            if since and top_at and top_at <= since:
                reached_old = True
            post = self.comment_post(top, since)
            if post is not None:
                yield post
            inline = (thread.get("replies") or {}).get("comments") or []
            for reply in inline:
                newest = max(newest, (reply.get("snippet") or {}).get("updatedAt", ""))
                post = self.comment_post(reply, since, video_id=snippet.get("videoId"))
                if post is not None:
                    yield post
            if self._replies_changed(
                thread.get("id") or "", int(snippet.get("totalReplyCount") or 0), len(inline)
            ):
                request = self.api(
                    "comments",
                    {
                        "part": "snippet",
                        "parentId": thread.get("id"),
                        "maxResults": 100,
                        "textFormat": "html",
                    },
                    self.on_replies,
                    video_id=snippet.get("videoId") or video_id,
                    since=since,
                    page=1,
                )
                if request is not None:
                    yield request
        if newest > since:
            cursors = dict(self.get_cursor("comments_since", {}) or {})
            cursors[video_id] = max(newest, cursors.get(video_id, ""))
            self.set_cursor(cursors, "comments_since")
        token = data.get("nextPageToken")
        if token and not reached_old and page < self.options.max_comment_pages:
            request = self.api(
                "commentThreads",
                {**params, "pageToken": token},
                self.on_threads,
                video_id=video_id,
                page=page + 1,
            )
            if request is not None:
                yield request

    def _replies_changed(self, thread_id: str, total: int, inline: int) -> bool:
        """True once per crawl for a thread whose reply count grew past the inlined replies."""
        if total <= inline or thread_id in self._expanded:
            return False
        self._expanded.add(thread_id)
        counts = dict(self.get_cursor("reply_counts", {}) or {})
        if counts.get(thread_id) == total:
            return False
        counts[thread_id] = total
        self.set_cursor(counts, "reply_counts")
        return True

    def on_replies(
        self, data: dict[str, Any], params: dict[str, Any], video_id: str, since: str, page: int
    ) -> Iterator[Any]:
        for reply in data.get("items", []):
            post = self.comment_post(reply, since, video_id=video_id)
            if post is not None:
                yield post
        token = data.get("nextPageToken")
        if token and page < self.options.max_comment_pages:
            request = self.api(
                "comments",
                {**params, "pageToken": token},
                self.on_replies,
                video_id=video_id,
                since=since,
                page=page + 1,
            )
            if request is not None:
                yield request

    def comment_post(self, comment: dict[str, Any], since: str, video_id: str | None = None) -> Post | None:
        cid = comment.get("id")
        snippet = comment.get("snippet") or {}
        if not cid or not snippet:
            self.crawler.stats.inc_value("mamori/youtube/unreadable_comments")
            return None
        updated = snippet.get("updatedAt") or snippet.get("publishedAt") or ""
        if since and updated and updated <= since:
            return None
        if not self._first(f"youtube:comment:{cid}"):
            return None
        vid = snippet.get("videoId") or video_id or ""
        text = snippet.get("textOriginal") or html_to_text(snippet.get("textDisplay", ""))
        parent = snippet.get("parentId")
        channel = (snippet.get("authorChannelId") or {}).get("value", "")
        url = f"{WATCH}{vid}&lc={cid}" if vid else f"https://www.youtube.com/comment?lc={cid}"
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"youtube:comment:{cid}",
            url=url,
            text=text,
            author=Author(
                handle=snippet.get("authorDisplayName", ""),
                display_name=snippet.get("authorDisplayName", ""),
                account_id=channel,
                url=snippet.get("authorChannelUrl", ""),
            ),
            published_at=_dt(snippet.get("publishedAt")),
            lang=guess_lang(text),
            parent_id=f"youtube:comment:{parent}" if parent else (f"youtube:video:{vid}" if vid else None),
            thread_id=f"youtube:video:{vid}" if vid else None,
            thread_url=WATCH + vid if vid else None,
            raw_ref="comments.list" if parent else "commentThreads.list",
            raw=comment,
        )
