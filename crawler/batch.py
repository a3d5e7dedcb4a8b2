"""Batched writes of a crawl to the state database.

Per-item transactions cost more than the crawl itself, so a crawl buffers two kinds of rows
and commits them together, in one transaction, every ``MAMORI_BATCH_SIZE`` posts and when the
spider closes:

* hit documents for the index hand-off queue (:mod:`crawler.handoff`), and
* the "seen" marks of posts every pipeline stage accepted (:mod:`crawler.pipelines.dedupe`).

Because both land in the same transaction, a post is never marked seen without its hit being
queued; a crash loses only uncommitted work, which the next crawl yields again (every later
stage is idempotent).
"""

from __future__ import annotations

import json
from typing import Any

from scrapy import signals
from sqlalchemy.dialects import postgresql, sqlite

from crawler.state import State, index_queue, now, seen_posts


def _upsert_seen(dialect: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(seen_posts)
    return stmt.on_conflict_do_update(
        index_elements=[seen_posts.c.source, seen_posts.c.post_id],
        set_={"content_hash": stmt.excluded.content_hash, "last_seen": stmt.excluded.last_seen},
    )


class CrawlBatch:
    def __init__(self, state: State, size: int = 500) -> None:
        self.state = state
        self.size = size
        self.queue_rows: list[dict[str, Any]] = []
        self.seen_rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.edited: set[str] = set()
        """Ids of posts seen before with other content in this crawl (new posts have no case)."""
        self._upsert = _upsert_seen(state.engine.dialect.name)

    @classmethod
    def for_crawler(cls, crawler: Any, state: State) -> CrawlBatch:
        """The one batch of this crawler (created on first use, flushed when the spider closes)."""
        batch = getattr(crawler, "_mamori_batch", None)
        if batch is None:
            batch = cls(state, crawler.settings.getint("MAMORI_BATCH_SIZE", 500))
            crawler._mamori_batch = batch
            crawler.signals.connect(batch.spider_closed, signal=signals.spider_closed)
        return batch

    def queue_hit(self, doc: dict[str, Any]) -> None:
        self.queue_rows.append(
            {
                "post_id": doc["id"],
                "doc": json.dumps(doc, ensure_ascii=False, default=str),
                "enqueued_at": now(),
                "attempts": 0,
            }
        )

    def mark_seen(self, source: str, post_id: str, digest: str) -> None:
        ts = now()
        self.seen_rows[(source, post_id)] = {
            "source": source,
            "post_id": post_id,
            "content_hash": digest,
            "first_seen": ts,
            "last_seen": ts,
        }
        if len(self.seen_rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.queue_rows and not self.seen_rows:
            return
        with self.state.begin() as conn:
            if self.queue_rows:
                conn.execute(index_queue.insert(), self.queue_rows)
            if self.seen_rows:
                conn.execute(self._upsert, list(self.seen_rows.values()))
        self.queue_rows.clear()
        self.seen_rows.clear()

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        self.flush()
