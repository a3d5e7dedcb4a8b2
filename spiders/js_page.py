"""JavaScript pages through scrapy-playwright and Debian's headless Chromium.

A source opts in with ``render = "playwright"`` on a ``forum`` source (or ``type = "js_page"``,
the same spider with rendering on by default). Only that crawl's downloads go through the
browser. Memory stays flat over thousands of pages because every page is closed in the
callback and a browser context is retired after ``pages_per_context`` pages and closed as soon
as its last page is done (scrapy-playwright issues #126, #183, #240 describe the growth
without this). Images, fonts and media are blocked unless the source lists fewer types in
``block_resources``.

.. code-block:: toml

    [[sources]]
    type = "js_page"
    name = "reviews"
    url = "https://reviews.example.com/company/minato"
    schedule = "6h"
    post_selector = "div.review"
    text_selector = ".body"
    wait_for = "div.review"          # CSS selector the page's JavaScript inserts
    pages_per_context = 50
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field

from crawler.browser import CHROMIUM_ARGS as BASE_CHROMIUM_ARGS
from crawler.browser import CHROMIUM_PATH
from spiders.forum import ForumOptions, ForumSpider

logger = logging.getLogger(__name__)

CHROMIUM = CHROMIUM_PATH
CHROMIUM_ARGS = [*BASE_CHROMIUM_ARGS, "--disable-dev-shm-usage"]
BLOCKABLE = ("image", "font", "media", "stylesheet")


class ResourceBlocker:
    """``PLAYWRIGHT_ABORT_REQUEST``: abort the browser's sub-requests of the given resource types."""

    def __init__(self, types: Iterable[str]) -> None:
        self.types = frozenset(types)

    def __call__(self, request: Any) -> bool:
        return request.resource_type in self.types


def playwright_settings(options: Any) -> dict[str, Any]:
    """Scrapy settings that send this crawl's downloads through headless Chromium."""
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    settings: dict[str, Any] = {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": options.chromium_path,
            "headless": True,
            "args": list(CHROMIUM_ARGS),
        },
        # Contexts are named when a request reaches the downloader, not when it is created:
        # the scheduler's order must not keep a retired context open.
        "DOWNLOADER_MIDDLEWARES": {"spiders.js_page.ContextRecyclerMiddleware": 10},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": options.pages_per_context,
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": options.render_timeout * 1000,
    }
    if options.block_resources:
        settings["PLAYWRIGHT_ABORT_REQUEST"] = ResourceBlocker(options.block_resources)
    return settings


class ContextRecycler:
    """Hands out browser-context names so that each context serves at most ``size`` pages,
    and closes a retired context once all of its pages are closed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.generation = 0
        self.assigned: dict[int, int] = {0: 0}
        self.done: dict[int, int] = {}
        self.closed_contexts = 0

    def context_for_next_page(self) -> str:
        if self.assigned[self.generation] >= self.size:
            self.generation += 1
            self.assigned[self.generation] = 0
        self.assigned[self.generation] += 1
        return f"mamori-{self.generation}"

    async def release(self, meta: dict[str, Any]) -> None:
        """Close the request's page; close its context when it is retired and now empty."""
        page = meta.pop("playwright_page", None)
        name = str(meta.get("playwright_context") or "")
        if page is None:
            return
        context = page.context
        try:
            await page.close()
        except Exception as exc:
            logger.debug("Closing a page failed: %s", exc)
        if not name.startswith("mamori-"):
            return
        generation = int(name.rsplit("-", 1)[1])
        self.done[generation] = self.done.get(generation, 0) + 1
        retired = generation < self.generation or self.assigned[generation] >= self.size
        if retired and self.done[generation] >= self.assigned[generation]:
            try:
                await context.close()
                self.closed_contexts += 1
            except Exception as exc:
                logger.debug("Closing browser context %s failed: %s", name, exc)


class ContextRecyclerMiddleware:
    """Names the browser context of each rendered request as it is about to be downloaded."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ContextRecyclerMiddleware:
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        recycler = getattr(spider or self.crawler.spider, "_recycler", None)
        if (
            recycler is not None
            and request.meta.get("playwright")
            and "playwright_context" not in request.meta
        ):
            request.meta["playwright_context"] = recycler.context_for_next_page()


class JsPageOptions(ForumOptions):
    render: Literal["http", "playwright"] = "playwright"
    pages_per_context: int = Field(default=50, ge=1, le=10_000)


class JsPageSpider(ForumSpider):
    """A forum source rendered in the browser by default."""

    name = "js_page"
    platform = "js_page"
    options_model = JsPageOptions
