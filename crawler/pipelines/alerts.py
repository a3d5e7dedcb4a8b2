"""Put an alert in the outbox for every ``[[alerts.routes]]`` entry a hit matches.

The outbox has one row per (hit, route): a hit is never alerted twice on a route, even when
it is crawled again or edited. Delivery happens in the daemon (:mod:`alerts.dispatch`).
"""

from __future__ import annotations

from typing import Any

from alerts.outbox import Outbox
from alerts.routes import matching_routes
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for


class AlertOutboxPipeline:
    def __init__(self, config: Any, outbox: Outbox, stats: Any) -> None:
        self.config = config
        self.outbox = outbox
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> AlertOutboxPipeline:
        config = config_from_settings(crawler.settings)
        return cls(config, Outbox(state_for(config)), crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post) or not item.is_hit:
            return item
        for route, findings in matching_routes(self.config.alerts.routes, item):
            if self.outbox.enqueue(item, route, findings, portal_url=self.config.alerts.portal_url):
                self.stats.inc_value("mamori/alerts/queued")
        return item
