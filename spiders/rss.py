"""RSS and Atom feeds: blogs, news, Google Alerts feeds, any site with a feed.

Options (in addition to ``url``/``urls``): none required. Incremental twice over: the feed is
fetched with ``If-None-Match``/``If-Modified-Since`` from the last crawl (a 304 yields
nothing), and the dedupe pipeline drops entries already seen unchanged.

.. code-block:: toml

    [[sources]]
    type = "rss"
    name = "press"
    urls = ["https://example.com/feed.xml", "https://alerts.google.com/alerts/feeds/…"]
    schedule = "15m"
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import feedparser
import scrapy

from crawler.items import Author, MediaRef, Post
from spiders.base import SourceOptions, SourceSpider
from spiders.text import guess_lang, html_to_text, image_urls, struct_time_to_dt

_KIND_BY_TYPE = {"audio": "audio", "video": "video", "image": "image"}


class FeedOptions(SourceOptions):
    conditional_get: bool = True
    """Send If-None-Match/If-Modified-Since from the last crawl."""


class FeedSpider(SourceSpider):
    name = "rss"
    platform = "rss"
    options_model = FeedOptions
    custom_settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    handle_httpstatus_list = [304]

    def feed_urls(self) -> list[str]:
        urls = list(self.source.start_urls)
        if not urls:
            raise self.fail(f"Source {self.source.name!r} has no url or urls; add the feed's address.")
        return urls

    async def start(self) -> AsyncIterator[Any]:
        # Read once per crawl and kept here; written back only when a feed's validators change.
        self._validators: dict[str, list[str | None]] = self.get_cursor("http_validators", {}) or {}
        validators = self._validators
        for url in self.feed_urls():
            headers = {}
            if self.options.conditional_get and url in validators:
                etag, modified = validators[url]
                if etag:
                    headers["If-None-Match"] = etag
                if modified:
                    headers["If-Modified-Since"] = modified
            yield scrapy.Request(url, headers=headers, callback=self.parse_feed, errback=self.on_error)

    def on_error(self, failure: Any) -> None:
        self.source_error(f"Fetching {failure.request.url} failed: {failure.getErrorMessage()}")

    def parse_feed(self, response: Any) -> Any:
        if response.status == 304:
            self.crawler.stats.inc_value("mamori/feed/not_modified")
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        parsed = feedparser.parse(
            response.body, response_headers={"content-type": content_type, "content-location": response.url}
        )
        if parsed.bozo and not parsed.entries:
            self.source_error(
                f"{response.url} is not a readable RSS/Atom feed ({type(parsed.bozo_exception).__name__}: "
                f"{parsed.bozo_exception}); check the URL."
            )
            return
        if parsed.bozo:
            self.crawler.stats.inc_value("mamori/feed/malformed_but_read")
        feed_lang = (parsed.feed.get("language") or "")[:2].lower()
        for entry in parsed.entries:
            post = self.entry_to_post(entry, response.url, feed_lang, parsed.feed)
            if post is not None:
                yield post
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if etag or modified:
            if "_validators" not in self.__dict__:
                self._validators = self.get_cursor("http_validators", {}) or {}
            validators = self._validators
            current = [
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            ]
            if validators.get(response.url) != current:
                validators[response.url] = current
                self.set_cursor(validators, "http_validators")

    def entry_to_post(self, entry: Any, feed_url: str, feed_lang: str, feed: Any) -> Post | None:
        link = entry.get("link") or ""
        key = entry.get("id") or link or entry.get("title")
        if not key:
            self.crawler.stats.inc_value("mamori/feed/entries_without_id")
            return None
        content_html = ""
        if entry.get("content"):
            content_html = max((c.get("value", "") for c in entry.content), key=len)
        summary_html = entry.get("summary", "") or ""
        body_html = content_html if len(content_html) >= len(summary_html) else summary_html
        text = html_to_text(body_html)
        title = html_to_text(entry.get("title", "") or "")
        media: dict[str, MediaRef] = {}
        for enc in entry.get("enclosures", []):
            href = enc.get("href")
            if href:
                kind = _KIND_BY_TYPE.get((enc.get("type") or "").split("/")[0], "link")
                media.setdefault(href, MediaRef(url=href, kind=kind, mime_type=enc.get("type", "")))  # type: ignore[arg-type]
        for item in (*entry.get("media_content", []), *entry.get("media_thumbnail", [])):
            href = item.get("url")
            if href:
                medium = item.get("medium") or (item.get("type") or "image").split("/")[0]
                kind = _KIND_BY_TYPE.get(medium, "image")
                media.setdefault(href, MediaRef(url=href, kind=kind, mime_type=item.get("type", "")))  # type: ignore[arg-type]
        for src in image_urls(body_html):
            media.setdefault(src, MediaRef(url=src, kind="image"))
        author_name = entry.get("author", "") or (entry.get("author_detail") or {}).get("name", "")
        published = struct_time_to_dt(entry.get("published_parsed") or entry.get("updated_parsed"))
        digest = hashlib.sha1(f"{feed_url}\x00{key}".encode()).hexdigest()[:20]
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"rss:{digest}",
            url=link or feed_url,
            title=title,
            text=text,
            author=Author(handle=author_name, display_name=author_name),
            published_at=published,
            lang=guess_lang(f"{title} {text}", feed_lang),
            media=list(media.values()),
            thread_url=(feed.get("link") or feed_url),
            raw_ref=feed_url,
            raw={k: entry.get(k) for k in ("id", "link", "title", "published", "updated", "author")},
        )
