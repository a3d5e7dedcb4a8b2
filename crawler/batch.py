"""Batched writes of a crawl to the state database.

Per-item transactions cost more than the crawl itself, so a crawl buffers its writes and
commits them together, in one transaction, every ``MAMORI_BATCH_SIZE`` posts, at least every
``MAMORI_BATCH_SECONDS`` seconds (so alerts are not held back on a slow crawl) and when the
spider closes:

* hit documents for the index hand-off queue (:mod:`crawler.handoff`),
* rows of later stages, each kind written by its stage's writer in one statement where it
  can: the alert outbox (:mod:`crawler.pipelines.alerts`) and the evidence capture queue
  (:mod:`crawler.pipelines.evidence`), and
* the "seen" marks of posts every pipeline stage accepted (:mod:`crawler.pipelines.dedupe`).

Because all of them land in the same transaction, a post is never marked seen without its
hit, alerts and capture being queued; a crash loses only uncommitted work, which the next
crawl yields again (every stage is idempotent). A failed flush keeps the rows for the next
one; a failure when the spider closes raises a :class:`StateError` that names the number of
posts the next crawl yields again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from scrapy import signals
from sqlalchemy.engine import Connection

from crawler.exceptions import StateError
from crawler.state import State, dialect_insert, index_queue, now, seen_posts

BatchWriter = Callable[[Connection, list[Any]], None]
"""Writes the rows a stage collected since the last flush, in the flush's transaction."""


def _upsert_seen(dialect: str) -> Any:
    stmt = dialect_insert(dialect, seen_posts)
    return stmt.on_conflict_do_update(
        index_elements=[seen_posts.c.source, seen_posts.c.post_id],
        set_={"content_hash": stmt.excluded.content_hash, "last_seen": stmt.excluded.last_seen},
    )


class CrawlBatch:
    def __init__(self, state: State, size: int = 500, seconds: float = 2.0) -> None:
        self.state = state
        self.size = size
        self.seconds = seconds
        self._last_flush = time.monotonic()
        self.queue_rows: list[dict[str, Any]] = []
        self.pending: dict[BatchWriter, list[Any]] = {}
        self.digests: dict[str, str] = {}
        """Content hashes of posts still in the pipeline (made once, by the dedupe stage)."""
        self.documents: dict[str, str] = {}
        """JSON of the hit documents of posts still in the pipeline (made once, by the index stage)."""
        self.seen_rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.edited: set[str] = set()
        """Ids of posts seen before with other content in this crawl (new posts have no case)."""
        self._upsert = _upsert_seen(state.engine.dialect.name)

    @classmethod
    def for_crawler(cls, crawler: Any, state: State) -> CrawlBatch:
        """The one batch of this crawler (created on first use, flushed when the spider closes)."""
        batch = getattr(crawler, "_mamori_batch", None)
        if batch is None:
            batch = cls(
                state,
                crawler.settings.getint("MAMORI_BATCH_SIZE", 500),
                crawler.settings.getfloat("MAMORI_BATCH_SECONDS", 2.0),
            )
            crawler._mamori_batch = batch
            crawler.signals.connect(batch.spider_closed, signal=signals.spider_closed)
        return batch

    def queue_hit(self, doc: dict[str, Any]) -> str:
        """Queue a hit document for the index writer; returns its JSON."""
        text = json.dumps(doc, ensure_ascii=False, default=str)
        self.queue_rows.append({"post_id": doc["id"], "doc": text, "enqueued_at": now(), "attempts": 0})
        self.documents[doc["id"]] = text
        return text

    def add(self, writer: BatchWriter, row: Any) -> None:
        """Have ``writer(conn, rows)`` write ``row`` with the others of its kind at the next
        flush, in the flush's transaction (it must not commit)."""
        self.pending.setdefault(writer, []).append(row)

    def mark_seen(self, source: str, post_id: str, digest: str) -> None:
        ts = now()
        self.documents.pop(post_id, None)
        self.seen_rows[(source, post_id)] = {
            "source": source,
            "post_id": post_id,
            "content_hash": digest,
            "first_seen": ts,
            "last_seen": ts,
        }
        if len(self.seen_rows) >= self.size or time.monotonic() - self._last_flush >= self.seconds:
            self.flush()

    def flush(self) -> None:
        self._last_flush = time.monotonic()
        if not self.queue_rows and not self.seen_rows and not self.pending:
            return
        with self.state.begin() as conn:
            if self.queue_rows:
                conn.execute(index_queue.insert(), self.queue_rows)
            for writer, rows in self.pending.items():
                writer(conn, rows)
            if self.seen_rows:
                conn.execute(self._upsert, list(self.seen_rows.values()))
        self.queue_rows.clear()
        self.pending.clear()
        self.seen_rows.clear()

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        try:
            self.flush()
        except Exception as exc:
            raise StateError(
                f"The last {len(self.seen_rows)} posts of this crawl could not be saved to the state "
                f"database ({exc}); they are not marked seen and the next crawl yields them again."
            ) from exc
