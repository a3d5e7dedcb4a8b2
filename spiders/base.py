"""The base of every platform spider.

A spider is built for one ``[[sources]]`` entry: ``mamori crawl NAME`` passes the source
name, the spider reads its validated options (``options_model``), the company aliases and
roster names (query terms), and a persistent per-source cursor (``self.cursor``) kept in the
state database. Subclasses set ``name`` (= module name = ``platform``), implement
``async def start()`` (Scrapy 2.13+ ignores ``start_requests``) and yield
:class:`crawler.items.Post` items; politeness goes in ``custom_settings``.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import scrapy
from pydantic import BaseModel, ConfigDict

from crawler.config import MamoriConfig, SourceConfig
from crawler.exceptions import SourceError
from crawler.runtime import config_from_settings, state_for
from crawler.state import State

logger = logging.getLogger(__name__)


class SourceOptions(BaseModel):
    """Options every source type accepts; subclasses add their own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = ""
    urls: list[str] = []
    terms: list[str] = []


class SourceSpider(scrapy.Spider):
    platform: ClassVar[str] = ""
    options_model: ClassVar[type[SourceOptions]] = SourceOptions

    source: SourceConfig
    config: MamoriConfig
    options: Any
    state: State

    def __init__(self, *args: Any, source_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_name = source_name

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = config_from_settings(crawler.settings)
        spider.config = config
        spider.source = config.source(spider.source_name)
        spider.options = cls.options_model.model_validate(
            {
                **spider.source.options,
                "url": spider.source.url,
                "urls": list(spider.source.urls),
                "terms": list(spider.source.terms),
            }
        )
        spider.state = state_for(config)
        return spider

    # -- persistent cursor -----------------------------------------------------------------
    def get_cursor(self, key: str = "cursor", default: Any = None) -> Any:
        return self.state.get_value(self.source.name, key, default)

    def set_cursor(self, value: Any, key: str = "cursor") -> None:
        self.state.set_value(self.source.name, key, value)

    # -- query terms -------------------------------------------------------------------------
    def query_terms(self) -> list[str]:
        """Company aliases, roster names and the source's own terms, without duplicates."""
        terms: dict[str, None] = {}
        for t in (
            *self.config.company.all_names,
            *(e.name for e in self.config.employees),
            *self.options.terms,
        ):
            if t.strip():
                terms.setdefault(t.strip(), None)
        return list(terms)

    def source_error(self, message: str) -> None:
        """Record a problem the user should read (shown by ``mamori sources``); the crawl goes on."""
        logger.error("Source %s: %s", self.source.name, message)
        self.crawler.stats.inc_value("mamori/source_errors")
        self.crawler.stats.set_value("mamori/last_source_error", message)

    def fail(self, message: str) -> SourceError:
        self.source_error(message)
        return SourceError(message)
