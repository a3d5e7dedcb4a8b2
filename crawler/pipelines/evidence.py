"""Queue hits at or above ``[evidence] min_severity`` for court-ready capture.

Capturing takes seconds per page, so it never runs in the crawl: this pipeline only writes a
row to the durable capture queue (:mod:`evidence.queue`), in the crawl's batch transaction
(:mod:`crawler.batch`), and the daemon's capture worker does the rest. Switched off
(``NotConfigured``) with ``[evidence] enabled = false``.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured
from sqlalchemy.engine import Connection

from crawler.batch import CrawlBatch
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for
from evidence import db
from evidence.queue import queue_row, should_capture, write_queue_rows


class EvidenceQueuePipeline:
    def __init__(self, batch: CrawlBatch, min_severity: str, stats: Any) -> None:
        self.batch = batch
        self.min_severity = min_severity
        self.stats = stats
        db.ensure(batch.state)

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidenceQueuePipeline:
        config = config_from_settings(crawler.settings)
        if not config.evidence.enabled:
            raise NotConfigured("Evidence capture is off ([evidence] enabled = false).")
        batch = CrawlBatch.for_crawler(crawler, state_for(config))
        return cls(batch, config.evidence.min_severity, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post) or not should_capture(item, self.min_severity):
            return item
        row = queue_row(item, self.batch.documents.get(item.id), self.batch.digests.get(item.id))
        self.batch.add(self._write, row)
        return item

    def _write(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        self.stats.inc_value("mamori/evidence/queued", write_queue_rows(conn, rows))
