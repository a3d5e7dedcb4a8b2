"""Hand hits to the single index writer through the durable queue (see :mod:`crawler.handoff`)."""

from __future__ import annotations

from typing import Any

from crawler.handoff import enqueue
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for
from crawler.state import State
from index.base import hit_document


class IndexHandoffPipeline:
    def __init__(self, state: State, stats: Any, index_all: bool) -> None:
        self.state = state
        self.stats = stats
        self.index_all = index_all

    @classmethod
    def from_crawler(cls, crawler: Any) -> IndexHandoffPipeline:
        config = config_from_settings(crawler.settings)
        return cls(state_for(config), crawler.stats, crawler.settings.getbool("MAMORI_INDEX_ALL_POSTS"))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Post) and (item.is_hit or self.index_all):
            enqueue(self.state, hit_document(item))
            self.stats.inc_value("mamori/index/queued")
        return item
