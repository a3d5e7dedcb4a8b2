"""Queue hits at or above ``[evidence] min_severity`` for court-ready capture.

Capturing takes seconds per page, so it never runs in the crawl: this pipeline only writes a
row to the durable capture queue (:mod:`evidence.queue`) and the daemon's capture worker does
the rest. Switched off (``NotConfigured``) with ``[evidence] enabled = false``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured

from crawler.exceptions import StateError
from crawler.items import Post
from crawler.runtime import config_from_settings, state_for
from crawler.state import State
from evidence.queue import enqueue, should_capture

logger = logging.getLogger(__name__)


class EvidenceQueuePipeline:
    def __init__(self, state: State, min_severity: str, stats: Any) -> None:
        self.state = state
        self.min_severity = min_severity
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidenceQueuePipeline:
        config = config_from_settings(crawler.settings)
        if not config.evidence.enabled:
            raise NotConfigured("Evidence capture is off ([evidence] enabled = false).")
        return cls(state_for(config), config.evidence.min_severity, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post) or not should_capture(item, self.min_severity):
            return item
        try:
            if enqueue(self.state, item):
                self.stats.inc_value("mamori/evidence/queued")
        except StateError as exc:
            self.stats.inc_value("mamori/evidence/errors")
            logger.error("Could not queue %s for evidence capture: %s", item.id, exc)
        return item
