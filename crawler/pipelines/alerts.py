"""Put an alert in the outbox for every ``[[alerts.routes]]`` entry a hit matches.

The outbox has one row per (hit, route): a hit is never alerted twice on a route, even when
it is crawled again or edited. Rows are written in the crawl's batch transaction
(:mod:`crawler.batch`); delivery happens in the daemon (:mod:`alerts.dispatch`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from alerts.outbox import Outbox, PreparedAlert
from alerts.routes import matching_routes
from crawler.batch import CrawlBatch
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for


class AlertOutboxPipeline:
    def __init__(self, config: Any, outbox: Outbox, batch: CrawlBatch, stats: Any) -> None:
        self.config = config
        self.outbox = outbox
        self.batch = batch
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> AlertOutboxPipeline:
        config = config_from_settings(crawler.settings)
        state = state_for(config)
        return cls(config, Outbox(state), CrawlBatch.for_crawler(crawler, state), crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post) or not item.is_hit:
            return item
        portal_url = self.config.alerts.portal_url
        for route, findings in matching_routes(self.config.alerts.routes, item):
            self.batch.add(self._write, self.outbox.prepare(item, route, findings, portal_url=portal_url))
        return item

    def _write(self, conn: Connection, alerts: list[PreparedAlert]) -> None:
        self.stats.inc_value("mamori/alerts/queued", self.outbox.write_many(alerts, conn))
