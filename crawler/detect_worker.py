"""Text detection on the crawl machine's second core: posts go to a worker process in batches.

Scrapy runs parsing and every pipeline stage on one core. On a long crawl the detectors are
the largest share of that work, so :class:`DetectorWorker` moves them to a worker process
while the crawl process goes on downloading and parsing. The worker is a fork of the crawl
process made after the detectors were built there, so it starts in milliseconds with the
same detectors (roster, lexicons, morphological dictionary and registered names) and
nothing is loaded twice.

Posts travel in batches (``MAMORI_DETECT_BATCH``, default 100): one round trip per post
costs as much as the detection it saves. Small crawls never start a worker: the first
``MAMORI_DETECT_WORKER_AFTER`` posts are detected in the crawl process. If the worker dies,
its batch and every later post are detected in the crawl process, with the reason logged;
no post loses its findings.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from crawler.items import Finding, Post
from detectors.base import DetectorSet

logger = logging.getLogger(__name__)

_DETECTORS: DetectorSet | None = None
"""The detectors of the process that forked the worker (inherited by the fork)."""


def _detect_batch(posts: list[Post]) -> tuple[list[list[Finding]], int]:
    """In the worker: the new findings of each post and the number of detector errors."""
    detectors = _DETECTORS
    if detectors is None:  # pragma: no cover - only when the start method is not fork
        raise RuntimeError("The detector worker was not forked from a crawl with detectors.")
    before = detectors.errors
    return [detectors.run(post) for post in posts], detectors.errors - before


class DetectorWorker:
    """Batches posts to one forked worker process; falls back to in-process detection."""

    def __init__(self, detectors: DetectorSet, *, batch_size: int = 100, start_after: int = 500) -> None:
        self.detectors = detectors
        self.batch_size = max(1, batch_size)
        self.start_after = max(0, start_after)
        self.seen = 0
        self.errors = 0
        self._executor: ProcessPoolExecutor | None = None
        self._broken = "fork" not in multiprocessing.get_all_start_methods()
        self._pending: list[tuple[Post, asyncio.Future[list[Finding]]]] = []
        self._timer: asyncio.TimerHandle | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    async def detect(self, post: Post) -> list[Finding]:
        """Run the detectors on ``post`` (appending to ``post.findings``); the new findings."""
        self.seen += 1
        if self._broken or self.seen <= self.start_after:
            return self._inline(post)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Finding]] = loop.create_future()
        self._pending.append((post, future))
        if len(self._pending) >= self.batch_size:
            self._send()
        elif self._timer is None:
            # Items of one response arrive within a few loop turns: wait for them briefly.
            self._timer = loop.call_later(0.005, self._send)
        found = await future
        post.findings.extend(found)
        return found

    def _inline(self, post: Post) -> list[Finding]:
        before = self.detectors.errors
        found = self.detectors.run(post)
        self.errors += self.detectors.errors - before
        return found

    def _send(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            if self._executor is None:
                global _DETECTORS
                _DETECTORS = self.detectors
                self._executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            # The raw payload stays here: detectors read the normalized fields only.
            done = self._executor.submit(_detect_batch, [replace(post, raw=None) for post, _ in batch])
        except Exception as exc:
            self._fall_back(batch, exc)
            return
        asyncio.wrap_future(done).add_done_callback(lambda f: self._deliver(batch, f))

    def _deliver(self, batch: list[tuple[Post, asyncio.Future[list[Finding]]]], done: Any) -> None:
        exc = done.exception()
        if exc is not None:
            self._fall_back(batch, exc)
            return
        results, errors = done.result()
        self.errors += errors
        for (_post, future), found in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(found)

    def _fall_back(self, batch: list[tuple[Post, asyncio.Future[list[Finding]]]], exc: BaseException) -> None:
        if not self._broken:
            logger.error(
                "The detector worker process failed (%r); detecting the rest of this crawl in the crawl process.",
                exc,
            )
        self._broken = True
        for post, future in batch:
            if future.done():
                continue
            try:
                before = len(post.findings)
                self._inline(post)
                # ``detect`` adds the returned findings itself.
                found = post.findings[before:]
                del post.findings[before:]
                future.set_result(found)
            except BaseException as inner:  # pragma: no cover - DetectorSet.run catches errors
                future.set_exception(inner)

    def close(self) -> None:
        """Detect what is still waiting and stop the worker."""
        if self._pending:
            self._send()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
