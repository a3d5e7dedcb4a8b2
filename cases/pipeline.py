"""Scrapy item pipeline (no Scrapy import needed): open a linked case when a new hit is a
re-upload of a post under takedown (see :mod:`cases.reupload`). A failure is logged and
counted; it never stops the crawl."""

from __future__ import annotations

import logging
from typing import Any

from crawler.items import Post

logger = logging.getLogger(__name__)


class ReuploadCasePipeline:
    def __init__(self, config: Any, stats: Any) -> None:
        self.config = config
        self.stats = stats
        self._store: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReuploadCasePipeline:
        from crawler.runtime import config_from_settings

        return cls(config_from_settings(crawler.settings), crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post) or not item.is_hit:
            return item
        from cases.reupload import link_reupload
        from cases.store import CaseStore
        from crawler.runtime import state_for
        from index.base import hit_document

        try:
            if self._store is None:
                self._store = CaseStore(self.config, state_for(self.config))
            if link_reupload(self.config, hit_document(item), self._store) is not None:
                self.stats.inc_value("mamori/cases/reuploads")
        except Exception as exc:
            self.stats.inc_value("mamori/cases/reupload_errors")
            logger.error("Could not check %s for a re-upload: %s", item.id, exc)
        return item
