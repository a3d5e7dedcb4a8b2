"""Any forum, review site or blog by configuration: a new site is a ``[[sources]]`` entry.

The start URLs are *list pages*. ``post_selector`` picks each post on a page; relative to it,
``text_selector``, ``title_selector``, ``author_selector``, ``date_selector``, ``id_selector``,
``link_selector`` and ``media_selector`` pick the fields. ``thread_link_selector`` (optional)
picks links from list pages to thread or post pages, whose posts are then read with the same
selectors; ``next_selector`` follows pagination on both (up to ``max_pages`` per chain).
Selectors are CSS, or XPath when they start with ``/``, ``./`` or ``(`` or are prefixed with
``xpath:`` (``css:`` forces CSS). An element's text is taken with its line breaks; a selector
that ends in ``::attr(x)``/``@x``/``::text`` gives that string.

Dates are parsed with ``date_formats`` (``strptime`` formats, tried in order) in ``timezone``;
without formats ISO 8601 is tried. Incremental: posts already seen unchanged are dropped by
the pipeline, and with ``newest_first = true`` pagination stops at the first page whose posts
are all older than the newest post of the previous crawl. ``render = "playwright"`` renders
pages in headless Chromium (see :mod:`spiders.js_page`).

.. code-block:: toml

    [[sources]]
    type = "forum"
    name = "kuchikomi"
    url = "https://reviews.example.jp/company/123/"
    schedule = "1h"
    post_selector = "div.review"
    text_selector = ".review-body"
    author_selector = ".reviewer::text"
    date_selector = "time::attr(datetime)"
    id_selector = "::attr(id)"
    next_selector = "a.next::attr(href)"
    timezone = "Asia/Tokyo"
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import scrapy
from parsel import Selector
from pydantic import Field, field_validator

from crawler.frontier import FrontierOptions, FrontierSpiderMixin
from crawler.items import Author, MediaRef, Post
from spiders.base import SourceSpider
from spiders.text import guess_lang, html_to_text

_VIDEO = (".mp4", ".webm", ".mov", ".m3u8")
_AUDIO = (".mp3", ".m4a", ".ogg", ".wav", ".flac")


def _utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC, so that times written with different offsets compare as strings."""
    return value.astimezone(UTC).isoformat()


def _is_xpath(expr: str) -> bool:
    return expr.startswith(("/", "./", "(", "xpath:"))


def select(node: Any, expr: str) -> Any:
    """Apply a CSS or XPath selector (see the module docstring) to a parsel node."""
    if expr.startswith("css:"):
        return node.css(expr[4:])
    if _is_xpath(expr):
        return node.xpath(expr.removeprefix("xpath:"))
    return node.css(expr)


def check_selector(expr: str) -> str:
    try:
        select(Selector(text="<html></html>"), expr)
    except Exception as exc:
        kind = "XPath" if _is_xpath(expr) and not expr.startswith("css:") else "CSS"
        raise ValueError(f"{expr!r} is not a valid {kind} selector ({exc})") from None
    return expr


class ForumOptions(FrontierOptions):
    post_selector: str
    text_selector: str = ""
    """Relative to a post; empty: the whole post element."""
    title_selector: str = ""
    author_selector: str = ""
    date_selector: str = ""
    id_selector: str = ""
    link_selector: str = ""
    """The post's permalink (an href)."""
    media_selector: str = "img::attr(src)"
    thread_link_selector: str = ""
    next_selector: str = ""
    max_pages: int = Field(default=20, ge=1, le=10_000)
    date_formats: list[str] = []
    timezone: str = "UTC"
    newest_first: bool = False
    render: Literal["http", "playwright"] = "http"
    wait_for: str = ""
    """With playwright: a CSS selector to wait for before reading the page (default: post_selector)."""
    render_timeout: float = Field(default=30, gt=0)
    block_resources: list[Literal["image", "font", "media", "stylesheet"]] = ["image", "font", "media"]
    pages_per_context: int = Field(default=50, ge=1, le=10_000)
    chromium_path: str = "/usr/bin/chromium"

    @field_validator(
        "post_selector", "text_selector", "title_selector", "author_selector", "date_selector", "id_selector",
        "link_selector", "media_selector", "thread_link_selector", "next_selector",
    )  # fmt: skip
    @classmethod
    def _selector(cls, value: str) -> str:
        return check_selector(value) if value else value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'{value!r} is not a time zone name; use one such as "Asia/Tokyo" or "UTC"'
            ) from None
        return value


class ForumSpider(FrontierSpiderMixin, SourceSpider):
    name = "forum"
    platform = "forum"
    options_model = ForumOptions
    custom_settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2}

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        from crawler.frontier import _source

        source = _source(settings)
        if source is None:
            return
        options = cls.options_model.model_validate(
            {**source.options, "url": source.url, "urls": list(source.urls), "terms": list(source.terms)}
        )
        if options.render == "playwright":
            from spiders.js_page import playwright_settings

            extra = playwright_settings(options)
            # Add to the project's downloader middlewares instead of replacing them.
            middlewares = {
                **settings.getdict("DOWNLOADER_MIDDLEWARES"),
                **extra.pop("DOWNLOADER_MIDDLEWARES"),
            }
            settings.setdict({**extra, "DOWNLOADER_MIDDLEWARES": middlewares}, priority="spider")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recycler: Any = None
        self._newest_seen = ""

    # -- requests --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        urls = list(self.source.start_urls)
        if not urls:
            raise self.fail(
                f"Source {self.source.name!r} has no url or urls; add the address of a list page."
            )
        self._previous_newest = str(self.get_cursor("newest", "") or "")
        for url in urls:
            yield self.page_request(url, self.parse_list, page=1, wait=not self.options.thread_link_selector)

    def page_request(self, url: str, callback: Any, page: int, *, wait: bool = True) -> scrapy.Request:
        meta: dict[str, Any] = {}
        if self.options.render == "playwright":
            from scrapy_playwright.page import PageMethod

            from spiders.js_page import ContextRecycler

            if self._recycler is None:
                self._recycler = ContextRecycler(self.options.pages_per_context)
            # List pages that only link to threads hold no posts to wait for.
            wait_for = ""
            if wait:
                default = "" if _is_xpath(self.options.post_selector) else self.options.post_selector
                wait_for = self.options.wait_for or default
            methods = (
                [PageMethod("wait_for_selector", wait_for, timeout=self.options.render_timeout * 1000)]
                if wait_for
                else []
            )
            meta = {
                "playwright": True,
                "playwright_include_page": True,
                "playwright_page_methods": methods,
            }
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, meta=meta, cb_kwargs={"page": page}
        )

    async def on_error(self, failure: Any) -> None:
        if self._recycler is not None:
            await self._recycler.release(failure.request.meta)
        self.source_error(f"Fetching {failure.request.url} failed: {failure.getErrorMessage()}")

    async def _done_with(self, response: Any) -> None:
        if self._recycler is not None:
            await self._recycler.release(response.meta)
            self.crawler.stats.set_value("mamori/js/contexts_closed", self._recycler.closed_contexts)

    # -- parsing ---------------------------------------------------------------------------
    async def parse_list(self, response: Any, page: int) -> AsyncIterator[Any]:
        await self._done_with(response)
        if not hasattr(response, "css"):
            self.source_error(
                f"{response.url} is not an HTML page ({response.headers.get('Content-Type')!r})."
            )
            return
        posts = list(self.extract(response))
        if self.options.thread_link_selector:
            for href in select(response, self.options.thread_link_selector).getall():
                yield self.page_request(response.urljoin(href.strip()), self.parse_thread, page=1)
        elif not posts:
            self.source_error(
                f"No post matched post_selector {self.options.post_selector!r} on {response.url}; "
                'check the selector against the page (with render = "playwright" if JavaScript writes the posts).'
            )
        for post in posts:
            yield post
        if self.options.newest_first and self._previous_newest and posts:
            dates = [_utc_iso(p.published_at) for p in posts if p.published_at]
            if dates and max(dates) <= self._previous_newest:
                self.crawler.stats.inc_value("mamori/forum/stopped_at_seen")
                return
        for request in self.next_page(
            response, self.parse_list, page, wait=not self.options.thread_link_selector
        ):
            yield request

    async def parse_thread(self, response: Any, page: int) -> AsyncIterator[Any]:
        await self._done_with(response)
        posts = list(self.extract(response)) if hasattr(response, "css") else []
        if not posts:
            self.source_error(
                f"No post matched post_selector {self.options.post_selector!r} on thread page {response.url}."
            )
        for post in posts:
            yield post
        for request in self.next_page(response, self.parse_thread, page):
            yield request

    def next_page(
        self, response: Any, callback: Any, page: int, *, wait: bool = True
    ) -> Iterator[scrapy.Request]:
        if not self.options.next_selector or page >= self.options.max_pages:
            return
        href = select(response, self.options.next_selector).get()
        if href:
            yield self.page_request(response.urljoin(href.strip()), callback, page=page + 1, wait=wait)

    def _field(self, node: Any, expr: str) -> str:
        if not expr:
            return ""
        return html_to_text(" ".join(v for v in select(node, expr).getall()).strip())

    def extract(self, response: Any) -> Iterator[Post]:
        o = self.options
        host = urlsplit(response.url).netloc
        for index, node in enumerate(select(response, o.post_selector)):
            try:
                yield self.to_post(response, node, index, host)
            except ValueError as exc:
                self.crawler.stats.inc_value("mamori/forum/unreadable_posts")
                self.source_error(f"Post {index + 1} on {response.url} was skipped: {exc}")

    def to_post(self, response: Any, node: Any, index: int, host: str) -> Post:
        o = self.options
        text = self._field(node, o.text_selector) if o.text_selector else html_to_text(node.get())
        title = self._field(node, o.title_selector)
        author = self._field(node, o.author_selector)
        link = select(node, o.link_selector).get() if o.link_selector else None
        url = response.urljoin(link.strip()) if link else response.url
        raw_date = self._field(node, o.date_selector)
        published = None
        if raw_date:
            try:
                published = self.parse_date(raw_date)
            except ValueError as exc:  # keep the post: its text matters more than its date
                self.crawler.stats.inc_value("mamori/forum/unreadable_dates")
                self.source_error(f"Post {index + 1} on {response.url} has no usable date: {exc}.")
        key = self._field(node, o.id_selector) if o.id_selector else ""
        if not key:
            key = (
                link.strip()
                if link
                else hashlib.sha1(f"{response.url}\x00{author}\x00{raw_date}\x00{text}".encode()).hexdigest()[
                    :20
                ]
            )
        media: dict[str, MediaRef] = {}
        if o.media_selector:
            for src in select(node, o.media_selector).getall():
                full = response.urljoin(src.strip())
                path = urlsplit(full).path.lower()
                kind = "video" if path.endswith(_VIDEO) else "audio" if path.endswith(_AUDIO) else "image"
                media.setdefault(full, MediaRef(url=full, kind=kind))  # type: ignore[arg-type]
        if published and _utc_iso(published) > self._newest_seen:
            self._newest_seen = _utc_iso(published)
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"{self.platform}:{host}:{key}",
            url=url,
            title=title,
            text=text,
            author=Author(handle=author, display_name=author),
            published_at=published,
            lang=guess_lang(f"{title} {text}"),
            media=list(media.values()),
            thread_url=response.url,
            raw_ref=response.url,
            raw={"html": node.get()[:20_000], "date": raw_date, "page": response.url, "index": index},
        )

    def parse_date(self, value: str) -> datetime:
        tz = ZoneInfo(self.options.timezone)
        value = " ".join(value.split())
        for fmt in self.options.date_formats:
            try:
                parsed = datetime.strptime(value, fmt)
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
        if not self.options.date_formats:
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
            except ValueError:
                pass
        formats = ", ".join(repr(f) for f in self.options.date_formats) or "ISO 8601"
        raise ValueError(
            f"its date {value!r} matches none of the date_formats ({formats}); add a strptime format that fits"
        )

    def closed(self, reason: str) -> None:
        if self._newest_seen and self._newest_seen > str(self.get_cursor("newest", "") or ""):
            self.set_cursor(self._newest_seen, "newest")
        if self._recycler is not None:
            self.crawler.stats.set_value("mamori/js/contexts_closed", self._recycler.closed_contexts)


__all__ = ["ForumOptions", "ForumSpider", "select"]
