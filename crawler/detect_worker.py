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
from collections import deque
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from crawler.items import Finding, Post
from detectors.base import DetectorSet

logger = logging.getLogger(__name__)

_DETECTORS: DetectorSet | None = None
"""The detectors of the process that forked the worker (inherited by the fork)."""

IN_FLIGHT = 2
"""Batches sent to the worker and not yet answered (one being detected, one waiting)."""

Batch = list[tuple[Post, "asyncio.Future[list[Finding]]"]]


def _serve(conn: Connection) -> None:
    """The worker: detect each batch it receives and send back the new findings per post."""
    detectors = _DETECTORS
    if detectors is None:  # pragma: no cover - only when the start method is not fork
        raise RuntimeError("The detector worker was not forked from a crawl with detectors.")
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        batch_id, posts = message
        before = detectors.errors
        results = [detectors.run(post) for post in posts]
        conn.send((batch_id, results, detectors.errors - before))


class DetectorWorker:
    """Batches posts to one forked worker process; falls back to in-process detection.

    The crawl process talks to the worker over a socket pair watched by the event loop: no
    threads, so nothing competes with Scrapy for the interpreter lock."""

    def __init__(self, detectors: DetectorSet, *, batch_size: int = 100, start_after: int = 500) -> None:
        self.detectors = detectors
        self.batch_size = max(1, batch_size)
        self.start_after = max(0, start_after)
        self.seen = 0
        self.errors = 0
        self._broken = "fork" not in multiprocessing.get_all_start_methods()
        self._pending: Batch = []
        self._timer: asyncio.TimerHandle | None = None
        self._process: Any = None
        self._conn: Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_id = 0
        self._in_flight: dict[int, Batch] = {}
        self._waiting: deque[Batch] = deque()

    @property
    def started(self) -> bool:
        return self._process is not None

    async def detect(self, post: Post) -> list[Finding]:
        """Run the detectors on ``post`` (appending to ``post.findings``); the new findings."""
        self.seen += 1
        if self._broken or self.seen <= self.start_after:
            return self._inline(post)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Finding]] = loop.create_future()
        self._pending.append((post, future))
        if len(self._pending) >= self.batch_size:
            self._flush_pending()
        elif self._timer is None:
            # Items of one response arrive within a few loop turns: wait for them briefly.
            self._timer = loop.call_later(0.005, self._flush_pending)
        return await future

    def _inline(self, post: Post) -> list[Finding]:
        before = self.detectors.errors
        found = self.detectors.run(post)
        self.errors += self.detectors.errors - before
        return found

    def _flush_pending(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            self._waiting.append(batch)
            self._pump()

    def _start(self) -> None:
        global _DETECTORS
        _DETECTORS = self.detectors
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(child,), name="mamori-detect", daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(parent.fileno(), self._receive)

    def _pump(self) -> None:
        """Send waiting batches while fewer than ``IN_FLIGHT`` are with the worker."""
        while self._waiting and len(self._in_flight) < IN_FLIGHT:
            if self._broken:
                self._fall_back(self._waiting.popleft(), None)
                continue
            batch = self._waiting.popleft()
            try:
                if self._conn is None:
                    self._start()
                assert self._conn is not None
                self._next_id += 1
                # The raw payload stays here: detectors read the normalized fields only.
                self._conn.send((self._next_id, [replace(post, raw=None) for post, _ in batch]))
            except Exception as exc:
                self._fall_back(batch, exc)
                continue
            self._in_flight[self._next_id] = batch

    def _receive(self) -> None:
        assert self._conn is not None
        try:
            batch_id, results, errors = self._conn.recv()
        except Exception as exc:  # EOFError or a broken pipe: the worker died
            self._stop_reading()
            lost = list(self._in_flight.values())
            self._in_flight.clear()
            for batch in lost:
                self._fall_back(batch, exc if not isinstance(exc, EOFError) else "it exited")
            self._pump()
            return
        self.errors += errors
        for (post, future), found in zip(self._in_flight.pop(batch_id), results, strict=True):
            post.findings.extend(found)
            if not future.done():
                future.set_result(found)
        self._pump()

    def _stop_reading(self) -> None:
        if self._conn is not None and self._loop is not None:
            self._loop.remove_reader(self._conn.fileno())

    def _fall_back(self, batch: Batch, reason: Any) -> None:
        if not self._broken:
            logger.error(
                "The detector worker process failed (%s); detecting the rest of this crawl in the crawl process.",
                reason if isinstance(reason, str) else repr(reason),
            )
        self._broken = True
        for post, future in batch:
            if not future.done():
                future.set_result(self._inline(post))

    def close(self) -> None:
        """Stop the worker (the crawl has finished, so nothing is waiting for it)."""
        if self._pending or self._waiting or self._in_flight:  # pragma: no cover - Scrapy waits for items
            logger.warning("The detector worker was closed with posts still waiting; they are detected here.")
            for batch in [self._pending, *self._waiting, *self._in_flight.values()]:
                self._fall_back(batch, "the crawl closed")
        self._stop_reading()
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
            self._process = None
