"""YouTube Data API v3 plumbing: the daily quota budget and the calls themselves.

search.list costs 100 units, every other call 1. Units are counted per UTC day in the state
database (``quota``: ``{"day", "used"}``); when the next call would pass ``daily_quota`` the
crawl stops asking and the source's last error says so (a ``quotaExceeded`` answer from the
API does the same). The API key travels in the ``X-Goog-Api-Key`` header, never in a URL, and
is masked in every message. The crawling itself is :class:`spiders.youtube.YouTubeSpider`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy

from crawler.items import utcnow
from spiders.base import SourceSpider

COSTS = {"search": 100, "commentThreads": 1, "comments": 1, "videos": 1}


class YouTubeApiSpider(SourceSpider):
    """Quota-budgeted Data API calls; subclasses implement the handlers and ``search_request``."""

    custom_settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2, "ROBOTSTXT_OBEY": False}
    handle_httpstatus_list = [400, 403, 404]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quota_exhausted = False

    def search_request(self, term: int, token: str = "", page: int = 1) -> scrapy.Request | None:
        raise NotImplementedError(
            f"{type(self).__name__} must define search_request() to search term {term}."
        )

    # -- quota -----------------------------------------------------------------------------
    def charge(self, endpoint: str) -> bool:
        """Count the units of one call against today's budget; False (and stop) when spent."""
        if self.quota_exhausted:
            return False
        cost = COSTS[endpoint]
        today = utcnow().date().isoformat()
        quota = self.get_cursor("quota", {}) or {}
        used = int(quota.get("used", 0)) if quota.get("day") == today else 0
        if used + cost > self.options.daily_quota:
            self.exhausted(
                f"The YouTube daily quota of source {self.source.name!r} is used up: {used} of "
                f"{self.options.daily_quota} units spent today (UTC) and {endpoint}.list costs {cost}. "
                "The crawl stopped asking; it resumes tomorrow, or raise daily_quota if the API key allows more."
            )
            return False
        self.set_cursor({"day": today, "used": used + cost}, "quota")
        self.crawler.stats.inc_value("mamori/youtube/quota_units", cost)
        return True

    def exhausted(self, message: str) -> None:
        if not self.quota_exhausted:
            self.quota_exhausted = True
            self.source_error(message)

    def api(
        self, endpoint: str, params: dict[str, Any], callback: Any, **cb_kwargs: Any
    ) -> scrapy.Request | None:
        if not self.charge(endpoint):
            return None
        query = {k: v for k, v in params.items() if v not in ("", None)}
        url = f"{self.options.api_base}/{endpoint}?{urlencode(query)}"
        # The key goes in a header, not the URL, so that it never appears in logs.
        return scrapy.Request(
            url,
            headers={"X-Goog-Api-Key": self.options.api_key},
            callback=self.parse_api,
            errback=self.on_error,
            dont_filter=True,
            cb_kwargs={"handler": callback.__name__, "endpoint": endpoint, "params": query, **cb_kwargs},
        )

    def on_error(self, failure: Any) -> Iterator[Any]:
        self.source_error(f"Calling {self._safe(failure.request.url)} failed: {failure.getErrorMessage()}")
        yield from self._after_failed(failure.request.cb_kwargs)

    def _after_failed(self, cb_kwargs: dict[str, Any]) -> Iterator[Any]:
        """A failed search page moves on to the next query term (unless the quota is spent)."""
        if cb_kwargs.get("endpoint") == "search":
            request = self.search_request(int(cb_kwargs.get("term", 0)) + 1)
            if request is not None:
                yield request

    def _safe(self, url: str) -> str:
        """The URL without the API key (never log secrets)."""
        return url.replace(self.options.api_key, "…") if self.options.api_key else url

    def parse_api(
        self, response: Any, handler: str, endpoint: str, params: dict[str, Any], **kwargs: Any
    ) -> Iterator[Any]:
        try:
            data = json.loads(response.body)
            if not isinstance(data, dict):
                raise ValueError("the top level is not an object")
        except ValueError as exc:
            self.source_error(
                f"{endpoint}.list answered {response.status} with something that is not JSON ({exc}) "
                f"at {self._safe(response.url)}; that page was skipped. Check api_base."
            )
            yield from self._after_failed({"endpoint": endpoint, **kwargs})
            return
        if response.status >= 400 or "error" in data:
            error = data.get("error") or {}
            reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
            if reasons & {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"}:
                self.exhausted(
                    f"The YouTube API refused {endpoint}.list: the API key's quota is used up ({', '.join(sorted(r for r in reasons if r))})."
                )
            elif "commentsDisabled" in reasons:
                self.crawler.stats.inc_value("mamori/youtube/comments_disabled")
            else:
                self.source_error(
                    f"{endpoint}.list answered {response.status}: {error.get('message', 'no message')} "
                    f"({self._safe(response.url)}). Check api_key and the source's options."
                )
            yield from self._after_failed({"endpoint": endpoint, **kwargs})
            return
        yield from getattr(self, handler)(data, params, **kwargs)

    def closed(self, reason: str) -> None:
        quota = self.get_cursor("quota", {}) or {}
        self.crawler.stats.set_value("mamori/youtube/quota_used_today", int(quota.get("used", 0)))
