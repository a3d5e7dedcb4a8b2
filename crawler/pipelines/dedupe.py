"""Drop posts already seen unchanged; remember a post only once every stage accepted it.

A post is *new* when its id was never seen for the source, or *edited* when its content hash
changed. It is marked seen on Scrapy's ``item_scraped`` signal, i.e. after the index hand-off
and the alert outbox have committed it: a crash in between makes the next crawl yield it
again, and the later stages are idempotent.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.items import Post
from crawler.runtime import config_from_settings, state_for
from crawler.state import State, now, seen_posts

logger = logging.getLogger(__name__)


class DedupePipeline:
    def __init__(self, state: State, stats: Any) -> None:
        self.state = state
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        config = config_from_settings(crawler.settings)
        pipeline = cls(state_for(config), crawler.stats)
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        return pipeline

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post):
            return item
        with self.state.engine.connect() as conn:
            row = conn.execute(
                select(seen_posts.c.content_hash).where(
                    seen_posts.c.source == item.source, seen_posts.c.post_id == item.id
                )
            ).first()
        digest = item.content_hash()
        if row is None:
            self.stats.inc_value("mamori/posts/new")
        elif row[0] != digest:
            self.stats.inc_value("mamori/posts/edited")
        else:
            self.stats.inc_value("mamori/posts/seen")
            raise DropItem(f"Post {item.id} was already seen unchanged.")
        return item

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if not isinstance(item, Post):
            return
        digest = item.content_hash()
        ts = now()
        with self.state.begin() as conn:
            updated = conn.execute(
                seen_posts.update()
                .where(seen_posts.c.source == item.source, seen_posts.c.post_id == item.id)
                .values(content_hash=digest, last_seen=ts)
            ).rowcount
            if not updated:
                conn.execute(
                    seen_posts.insert().values(
                        source=item.source, post_id=item.id, content_hash=digest, first_seen=ts, last_seen=ts
                    )
                )
