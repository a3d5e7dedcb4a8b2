"""Run one source's crawl in this process (``mamori crawl``; the daemon runs it as a child).

Scrapy's reactor cannot be restarted in one process, so every scheduled crawl is a fresh
child process. The result (stats, errors) is recorded in the state database as a run and as
the source's ``last_success``/``last_error``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import update

from crawler import settings as default_settings
from crawler.config import MamoriConfig, SourceConfig, load_config
from crawler.exceptions import SourceError
from crawler.sources import spider_class
from crawler.state import State, now, runs

logger = logging.getLogger(__name__)


def build_settings(config: MamoriConfig, source: SourceConfig) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    c = config.crawler
    settings.setdict(
        {
            "USER_AGENT": c.user_agent,
            "ROBOTSTXT_OBEY": c.obey_robots,
            "CONCURRENT_REQUESTS": c.concurrent_requests,
            "DOWNLOAD_DELAY": c.download_delay,
            "AUTOTHROTTLE_ENABLED": c.autothrottle,
            "DOWNLOAD_TIMEOUT": c.timeout,
            "LOG_LEVEL": c.log_level,
            "MAMORI_CONFIG": str(config.config_path),
            "MAMORI_SOURCE": source.name,
            # The spider class is passed directly: do not import every spider module.
            "SPIDER_MODULES": [],
        },
        priority="project",
    )
    settings.setdict(with_defaults(c.settings), priority="cmdline")
    settings.setdict(with_defaults(source.settings, settings), priority="cmdline")
    return settings


def with_defaults(overrides: Any, current: Any = None) -> dict[str, Any]:
    """Settings from the configuration, with component dictionaries merged into mamori's.

    ``ITEM_PIPELINES = { "my.Pipeline" = 800 }`` adds a stage instead of replacing every
    stage, and ``false`` switches a component off (TOML has no ``None``, Scrapy's way)."""
    merged: dict[str, Any] = {}
    for name, value in dict(overrides).items():
        if isinstance(value, dict):
            base = current.getdict(name) if current is not None else getattr(default_settings, name, None)
            base = dict(base) if isinstance(base, dict) else {}
            value = {**base, **{k: (None if v is False else v) for k, v in value.items()}}
        merged[name] = value
    return merged


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": int(stats.get("item_scraped_count", 0)),
        "new_posts": int(stats.get("mamori/posts/new", 0)) + int(stats.get("mamori/posts/edited", 0)),
        "hits": int(stats.get("mamori/hits", 0)),
        "errors": int(stats.get("log_count/ERROR", 0)),
    }


def record_source_result(state: State, source: str, stats: dict[str, Any]) -> None:
    summary = summarize(stats)
    error = stats.get("mamori/last_source_error")
    interrupted = stats.get("finish_reason") == "shutdown"  # stopped by a signal, e.g. with the daemon
    if not error and not interrupted and stats.get("finish_reason") not in (None, "finished"):
        error = f"The crawl ended early: {stats.get('finish_reason')}."
    if not error and summary["errors"]:
        error = f"{summary['errors']} error(s) were logged during the crawl; see the crawl log."
    ts = now().isoformat()
    state.set_value(source, "last_run", ts)
    if error:
        state.set_value(source, "last_error", {"at": ts, "message": str(error)})
    elif not interrupted:
        state.set_value(source, "last_success", ts)
    state.set_value(source, "items_seen", int(state.get_value(source, "items_seen", 0)) + summary["items"])


def _tune_gc(threshold: list[int] | None) -> Callable[[], None]:
    def tune() -> None:
        # Detectors, lexicons and dictionaries built at start-up live for the whole crawl: keep
        # them out of every collection. Parsing makes masses of short-lived objects, so collect
        # the young generation less often (MAMORI_GC_THRESHOLD; see crawler/settings.py).
        gc.collect()
        gc.freeze()
        if threshold:
            gc.set_threshold(*threshold)

    return tune


def crawl(config: MamoriConfig, source_name: str) -> dict[str, Any]:
    """Crawl one source to completion in this process; return Scrapy's stats."""
    source = config.source(source_name)
    spider_cls = spider_class(source.type)
    settings = build_settings(config, source)
    root = logging.getLogger()
    configured = bool(root.handlers)
    if configured:
        root.setLevel(settings.get("LOG_LEVEL"))
    settings.set("LOG_INSTALL_ROOT_HANDLER", not configured, priority="cmdline")
    process = CrawlerProcess(settings)
    if configured:
        # Scrapy's logging set-up gives the ``scrapy`` logger level DEBUG, which the root
        # level does not filter: without this, every scraped item would be logged.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    crawler = process.create_crawler(spider_cls)
    threshold = [int(n) for n in settings.getlist("MAMORI_GC_THRESHOLD")] or None
    crawler.signals.connect(_tune_gc(threshold), signal=signals.spider_opened, weak=False)
    process.crawl(crawler, source_name=source.name)
    process.start()
    stats = dict(crawler.stats.get_stats() if crawler.stats else {})
    if "finish_reason" not in stats:
        raise SourceError(
            f"The crawl of source {source.name!r} did not start or did not finish; the log above says why "
            "(often a component path in [crawler.settings] or the source's settings that cannot be imported)."
        )
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in stats.items()}


def run_crawl(config_path: str | Path, source_name: str, *, run_id: int | None = None) -> dict[str, Any]:
    """Crawl, then record the run and the source's health; return the stats."""
    config = load_config(config_path)
    state = State.from_config(config)
    try:
        stats = crawl(config, source_name)
    except SourceError as exc:
        state.set_value(source_name, "last_error", {"at": now().isoformat(), "message": str(exc)})
        raise
    record_source_result(state, source_name, stats)
    if run_id is not None:
        summary = summarize(stats)
        with state.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(stats=json.dumps(stats, default=str), pid=os.getpid(), **summary)
            )
    return stats
