"""Drop posts already seen unchanged; remember a post only once every stage accepted it.

A post is *new* when its id was never seen for the source, or *edited* when its content hash
changed. The source's known hashes are loaded once when the spider opens. A post is marked seen
by :class:`MarkSeenPipeline`, the last stage — after the index hand-off, the evidence queue and
the alert outbox accepted it — through :class:`crawler.batch.CrawlBatch`, in the same
transaction as its queued hit, alerts and capture. (A stage rather than a handler of Scrapy's
``item_scraped`` signal: each signal handler costs an asyncio task per item.)
"""

from __future__ import annotations

import logging
from typing import Any

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
        return cls(state, crawler.stats, CrawlBatch.for_crawler(crawler, state))

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
            # Normal on every re-crawl: not worth a warning per post.
            raise DropItem(f"Post {item.id} was already seen unchanged.", log_level="DEBUG")
        # Two copies of one post in one crawl: the second is a duplicate.
        known[item.id] = digest
        self.batch.digests[item.id] = digest
        return item


class MarkSeenPipeline:
    """The last stage: remember a post every earlier stage accepted (see the module's doc)."""

    def __init__(self, batch: CrawlBatch) -> None:
        self.batch = batch

    @classmethod
    def from_crawler(cls, crawler: Any) -> MarkSeenPipeline:
        return cls(CrawlBatch.for_crawler(crawler, state_for(config_from_settings(crawler.settings))))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Post):
            digest = self.batch.digests.pop(item.id, None) or item.content_hash()
            self.batch.mark_seen(item.source, item.id, digest)
        return item
