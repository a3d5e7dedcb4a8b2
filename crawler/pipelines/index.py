"""Hand hits to the single index writer through the durable queue (see :mod:`crawler.handoff`).

Rows are committed with the post's seen mark by :class:`crawler.batch.CrawlBatch`."""

from __future__ import annotations

from typing import Any

from cases.store import case_fields
from crawler.batch import CrawlBatch
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for
from index.base import hit_document


class IndexHandoffPipeline:
    def __init__(self, batch: CrawlBatch, stats: Any, index_all: bool) -> None:
        self.batch = batch
        self.state = batch.state
        self.stats = stats
        self.index_all = index_all

    @classmethod
    def from_crawler(cls, crawler: Any) -> IndexHandoffPipeline:
        config = config_from_settings(crawler.settings)
        batch = CrawlBatch.for_crawler(crawler, state_for(config))
        return cls(batch, crawler.stats, crawler.settings.getbool("MAMORI_INDEX_ALL_POSTS"))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Post) and (item.is_hit or self.index_all):
            # An edited post keeps the status and assignee of its case (a new post has none).
            fields = case_fields(self.state, item.id) if item.id in self.batch.edited else None
            self.batch.queue_hit(hit_document(item, **(fields or {})))  # later stages reuse its JSON
            self.stats.inc_value("mamori/index/queued")
        return item
