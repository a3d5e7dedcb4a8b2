"""The crawl frontier: in memory (Scrapy's own scheduler, the default) or shared in Redis.

With ``frontier = "redis"`` on a source, the request queue and the duplicate filter live in
Redis (scrapy-redis), so several crawler processes or machines started for the same run of
that source share one queue and no page is fetched twice::

    [[sources]]
    type = "forum"
    name = "bigforum"
    url = "https://forum.example.com/"
    schedule = "30m"
    frontier = "redis"
    redis_url = "redis://10.0.0.5:6379/0"     # or "${MAMORI_REDIS_URL}"

The keys are ``mamori:<source>:<run>:requests`` and ``…:dupefilter``. ``<run>`` names one
crawl run: processes started for the same run must agree on it, so it is ``frontier_run``
when set, else the environment variable ``MAMORI_FRONTIER_RUN``, else the number of the
current ``frontier_window``-second window (one hour by default). A later run gets fresh keys
(list pages are fetched again); keys expire after two windows.

A source opts in through its spider: a spider class that mixes in :class:`FrontierSpiderMixin`
and whose options model derives from :class:`FrontierOptions` accepts these options.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Literal

from pydantic import Field, model_validator
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from spiders.base import SourceOptions

logger = logging.getLogger(__name__)


class FrontierOptions(SourceOptions):
    """Options of sources that can share their frontier through Redis."""

    frontier: Literal["memory", "redis"] = "memory"
    redis_url: str = ""
    """``redis://host:port/db``; required with ``frontier = "redis"``."""
    frontier_run: str = ""
    """Name of the crawl run shared by all processes (default: env MAMORI_FRONTIER_RUN or the time window)."""
    frontier_window: int = Field(default=3600, ge=60)
    """Seconds; processes started in the same window share one queue when no run name is given."""
    frontier_idle_seconds: float = Field(default=0.0, ge=0, le=3600)
    """Keep an idle process waiting this long for requests other processes may still add."""

    @model_validator(mode="after")
    def _redis_needs_url(self) -> FrontierOptions:
        if self.frontier == "redis" and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f'frontier = "redis" needs redis_url = "redis://host:port/db" (got {self.redis_url!r}); '
                "set it, or remove frontier to crawl with the in-memory queue"
            )
        return self


def run_name(options: Any, now: float | None = None) -> str:
    """The name of the current crawl run (see the module docstring)."""
    if options.frontier_run:
        return str(options.frontier_run)
    env = os.environ.get("MAMORI_FRONTIER_RUN", "").strip()
    if env:
        return env
    return f"w{int((time.time() if now is None else now) // options.frontier_window)}"


def redis_keys(source: str, run: str) -> tuple[str, str]:
    """The queue key and the duplicate-filter key of one source's run."""
    prefix = f"mamori:{source}:{run}".replace("%", "")
    return f"{prefix}:requests", f"{prefix}:dupefilter"


def redis_settings(source: str, options: Any) -> dict[str, Any]:
    """Scrapy settings that put ``source``'s frontier in Redis."""
    queue_key, dupefilter_key = redis_keys(source, run_name(options))
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # Several processes share the keys: never flush them when one process ends.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_QUEUE_KEY": queue_key,
        "SCHEDULER_DUPEFILTER_KEY": dupefilter_key,
        "REDIS_URL": options.redis_url,
        "MAMORI_FRONTIER_KEYS": [queue_key, dupefilter_key],
        "MAMORI_FRONTIER_TTL": 2 * int(options.frontier_window),
        "MAMORI_FRONTIER_IDLE": float(options.frontier_idle_seconds),
    }


class FrontierSpiderMixin:
    """Applies a source's ``frontier`` option to the crawl's settings before it starts."""

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)  # type: ignore[misc]
        source = _source(settings)
        if source is None:
            return
        options = cls.options_model.model_validate(  # type: ignore[attr-defined]
            {**source.options, "url": source.url, "urls": list(source.urls), "terms": list(source.terms)}
        )
        if getattr(options, "frontier", "memory") == "redis":
            settings.setdict(redis_settings(source.name, options), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        if crawler.settings.get("MAMORI_FRONTIER_KEYS"):
            spider._frontier_last_active = time.monotonic()
            crawler.signals.connect(spider._frontier_idle, signal=signals.spider_idle)
            crawler.signals.connect(spider._frontier_active, signal=signals.response_received)
            crawler.signals.connect(spider._frontier_closed, signal=signals.spider_closed)
        return spider

    def _frontier_active(self, *args: Any, **kwargs: Any) -> None:
        self._frontier_last_active = time.monotonic()

    def _frontier_idle(self, *args: Any, **kwargs: Any) -> None:
        grace = self.crawler.settings.getfloat("MAMORI_FRONTIER_IDLE")  # type: ignore[attr-defined]
        if time.monotonic() - self._frontier_last_active < grace:
            raise DontCloseSpider

    def _frontier_closed(self, *args: Any, **kwargs: Any) -> None:
        import redis

        settings = self.crawler.settings  # type: ignore[attr-defined]
        try:
            client = redis.Redis.from_url(settings.get("REDIS_URL"))
            for key in settings.getlist("MAMORI_FRONTIER_KEYS"):
                client.expire(key, settings.getint("MAMORI_FRONTIER_TTL"))
            client.close()
        except redis.RedisError as exc:
            logger.warning("Could not set the expiry of the Redis frontier keys: %s", exc)


def _source(settings: Any) -> Any:
    """The ``[[sources]]`` entry this crawl runs, or None outside ``mamori crawl``."""
    from crawler.runtime import config_from_settings

    name = settings.get("MAMORI_SOURCE")
    if not name or not settings.get("MAMORI_CONFIG"):
        return None
    return config_from_settings(settings).source(name)
