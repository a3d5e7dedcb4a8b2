"""Downloader middlewares shared by every spider."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, *, cap: float) -> float | None:
    """Parse a ``Retry-After`` header (seconds or an HTTP date); None if absent or invalid."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, min(seconds, cap))


class RetryAfterMiddleware:
    """On 429/503 with ``Retry-After``, wait that long (capped) before Scrapy's retry.

    The wait pauses only this request's slot (an asyncio sleep), not the whole crawl.
    """

    def __init__(self, cap: float, stats: Any) -> None:
        self.cap = cap
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler.settings.getfloat("MAMORI_RETRY_AFTER_MAX", 300.0), crawler.stats)

    async def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if response.status in (429, 503):
            delay = retry_after_seconds(response.headers.get(b"Retry-After"), cap=self.cap)
            if delay:
                self.stats.inc_value("mamori/retry_after/waits")
                logger.info(
                    "%s answered %d with Retry-After; waiting %.1f s.", request.url, response.status, delay
                )
                await asyncio.sleep(delay)
        return response


class RateHeadersMiddleware:
    """Let a spider read rate-limit headers (``spider.observe_limits(response)``) the moment a
    response is downloaded, next to the downloader, so a pause it sets on the download slot
    applies to the very next request of that slot."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RateHeadersMiddleware:
        return cls(crawler)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        observe = getattr(spider or self.crawler.spider, "observe_limits", None)
        if observe is not None:
            observe(response)
        return response
