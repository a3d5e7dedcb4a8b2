"""Run the registered detectors (``MAMORI_DETECTORS``) on every post."""

from __future__ import annotations

from typing import Any

from crawler.items import Post
from crawler.registered_names import with_registered_names
from crawler.runtime import config_from_settings, state_for
from detectors.base import DetectorContext, DetectorSet


class DetectPipeline:
    def __init__(self, detectors: DetectorSet, stats: Any) -> None:
        self.detectors = detectors
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> DetectPipeline:
        config = config_from_settings(crawler.settings)
        context = with_registered_names(DetectorContext.from_config(config), state_for(config).engine)
        detectors = DetectorSet.from_paths(
            crawler.settings.getdict("MAMORI_DETECTORS"),
            context,
            disabled=config.detectors.disabled,
        )
        for path, reason in detectors.disabled.items():
            crawler.stats.set_value(f"mamori/detectors/disabled/{path}", reason)
        return cls(detectors, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post):
            return item
        errors_before = self.detectors.errors
        found = self.detectors.run(item)
        if self.detectors.errors != errors_before:
            self.stats.inc_value("mamori/detectors/errors", self.detectors.errors - errors_before)
        for finding in found:
            self.stats.inc_value(f"mamori/findings/{finding.label}")
        if item.is_hit:
            self.stats.inc_value("mamori/hits")
        return item
