"""Run the registered detectors (``MAMORI_DETECTORS``) on every post.

With ``MAMORI_DETECT_WORKERS = 1`` (the default) a long crawl detects in a worker process
(:mod:`crawler.detect_worker`) while this one goes on parsing; ``0`` keeps detection here."""

from __future__ import annotations

from typing import Any

from crawler.detect_worker import DetectorWorker
from crawler.items import Finding, Post
from crawler.registered_names import with_registered_names
from crawler.runtime import config_from_settings, state_for
from detectors.base import DetectorContext, DetectorSet


class DetectPipeline:
    def __init__(self, detectors: DetectorSet, stats: Any, worker: DetectorWorker | None = None) -> None:
        self.detectors = detectors
        self.stats = stats
        self.worker = worker

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
        worker = None
        if crawler.settings.getint("MAMORI_DETECT_WORKERS", 1) > 0:
            worker = DetectorWorker(
                detectors,
                batch_size=crawler.settings.getint("MAMORI_DETECT_BATCH", 100),
                start_after=crawler.settings.getint("MAMORI_DETECT_WORKER_AFTER", 500),
            )
        return cls(detectors, crawler.stats, worker)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post):
            return item
        if self.worker is None:
            errors_before = self.detectors.errors
            found = self.detectors.run(item)
            if self.detectors.errors != errors_before:
                self.stats.inc_value("mamori/detectors/errors", self.detectors.errors - errors_before)
        else:
            # The worker's errors arrive per batch, not per post: counted once, at the end.
            found = await self.worker.detect(item)
        self._count(item, found)
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self.worker is not None:
            if self.worker.started:
                self.stats.set_value(
                    "mamori/detectors/worker_posts", self.worker.seen - self.worker.start_after
                )
            if self.worker.errors:
                self.stats.inc_value("mamori/detectors/errors", self.worker.errors)
            self.worker.close()

    def _count(self, item: Post, found: list[Finding]) -> None:
        for finding in found:
            self.stats.inc_value(f"mamori/findings/{finding.label}")
        if item.is_hit:
            self.stats.inc_value("mamori/hits")
