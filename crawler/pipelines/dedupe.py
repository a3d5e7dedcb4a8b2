"""Drop posts already seen unchanged; remember a post only once every stage accepted it.

A post is *new* when its id was never seen for the source, or *edited* when its content hash
changed. The source's known hashes are loaded once when the spider opens. A post is marked seen
on Scrapy's ``item_scraped`` signal — after the index hand-off and the alert outbox accepted
it — through :class:`crawler.batch.CrawlBatch`, in the same transaction as its queued hit.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.batch import CrawlBatch
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for
from crawler.state import State, seen_posts

logger = logging.getLogger(__name__)


class DedupePipeline:
    def __init__(self, state: State, stats: Any, batch: CrawlBatch) -> None:
        self.state = state
        self.stats = stats
        self.batch = batch
        self.known: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        config = config_from_settings(crawler.settings)
        state = state_for(config)
        pipeline = cls(state, crawler.stats, CrawlBatch.for_crawler(crawler, state))
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        return pipeline

    def _known(self, source: str) -> dict[str, str]:
        known = self.known.get(source)
        if known is None:
            with self.state.engine.connect() as conn:
                rows = conn.execute(
                    select(seen_posts.c.post_id, seen_posts.c.content_hash).where(
                        seen_posts.c.source == source
                    )
                )
                known = {post_id: digest for post_id, digest in rows}
            self.known[source] = known
        return known

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post):
            return item
        known = self._known(item.source)
        previous = known.get(item.id)
        digest = item.content_hash()
        if previous is None:
            self.stats.inc_value("mamori/posts/new")
        elif previous != digest:
            self.stats.inc_value("mamori/posts/edited")
            self.batch.edited.add(item.id)
        else:
            self.stats.inc_value("mamori/posts/seen")
            raise DropItem(f"Post {item.id} was already seen unchanged.")
        # Two copies of one post in one crawl: the second is a duplicate.
        known[item.id] = digest
        return item

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, Post):
            self.batch.mark_seen(item.source, item.id, item.content_hash())
