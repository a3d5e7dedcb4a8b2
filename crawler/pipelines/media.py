"""Fetch posts' media and run the media detectors (faces, voices, known photos/recordings).

Runs before the detect stage (priority 150). For a post without media it does nothing, and
nothing heavy is imported until the first post with media arrives. Media are downloaded
through Scrapy's own downloader (``engine.download_async``), so robots.txt, the user agent,
delays and concurrency limits are the same as for pages; ``download_maxsize`` caps the
size. Each file is sniffed and checked (type, bytes, pixels, duration) before decoding; a
refused file is logged with its reason and counted in ``mamori/media/rejected``, and the
crawl goes on. The bytes live only while the post's media detectors run.

Media detectors are registered by dotted path in ``MAMORI_MEDIA_DETECTORS``; each is built
with ``from_config(config)`` and may raise ``DetectorUnavailable`` (logged once, disabled).

A later stage that needs the same bytes (the re-upload check) asks for them through
:func:`media_handoff` instead of downloading the file again: the bytes of the last few posts
are kept in memory until that stage takes them, never written anywhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from crawler.items import Post
from crawler.runtime import config_from_settings

logger = logging.getLogger(__name__)

DEFAULT_MEDIA_DETECTORS = {
    "media.face_detector.FaceMatchDetector": 100,
    "media.face_detector.KnownPhotoDetector": 110,
    "media.voice_detector.VoiceMatchDetector": 200,
    "media.voice_detector.KnownRecordingDetector": 210,
}

_FETCHABLE = ("image", "audio", "video")


class MediaHandoff:
    """Fetched media bytes of the last ``limit`` posts, in memory, for a later stage to take."""

    def __init__(self, limit: int = 32) -> None:
        self.limit = limit
        self.wanted = False
        """Set by a later stage that will :meth:`take` the bytes; nothing is kept otherwise."""
        self._posts: OrderedDict[str, dict[str, bytes]] = OrderedDict()

    def put(self, post_id: str, url: str, data: bytes) -> None:
        if not self.wanted:
            return
        self._posts.setdefault(post_id, {})[url] = data
        self._posts.move_to_end(post_id)
        while len(self._posts) > self.limit:  # a post dropped before the taking stage
            self._posts.popitem(last=False)

    def take(self, post_id: str) -> dict[str, bytes]:
        """The bytes fetched for ``post_id`` by URL, forgotten here."""
        return self._posts.pop(post_id, {})


def media_request(url: str, max_bytes: int) -> Any:
    """A request for a post's media file through Scrapy's downloader (the media and re-upload
    stages): size-capped, never deduplicated, marked ``mamori_media`` in its meta."""
    from scrapy import Request

    return Request(
        url,
        meta={"download_maxsize": max_bytes, "download_warnsize": 0, "mamori_media": True},
        dont_filter=True,
    )


def media_handoff(crawler: Any) -> MediaHandoff:
    """The crawl's one :class:`MediaHandoff` (created on first use)."""
    handoff = getattr(crawler, "_mamori_media_handoff", None)
    if handoff is None:
        handoff = crawler._mamori_media_handoff = MediaHandoff()
    return handoff


class MediaPipeline:
    def __init__(self, crawler: Any, config: Any) -> None:
        self.crawler = crawler
        self.config = config
        self.stats = crawler.stats
        self.detectors: list[Any] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self.handoff = media_handoff(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> MediaPipeline:
        return cls(crawler, config_from_settings(crawler.settings))

    def _load_detectors(self) -> list[Any]:
        if self.detectors is not None:
            return self.detectors
        from crawler.exceptions import DetectorUnavailable, MamoriError
        from detectors.base import load_object

        paths = self.crawler.settings.getdict("MAMORI_MEDIA_DETECTORS") or DEFAULT_MEDIA_DETECTORS
        off = set(self.config.detectors.disabled)
        loaded: list[Any] = []
        for path, _prio in sorted(((p, v) for p, v in paths.items() if v is not None), key=lambda x: x[1]):
            det_cls = load_object(path)
            if path in off or getattr(det_cls, "name", "") in off:
                continue
            try:
                loaded.append(det_cls.from_config(self.config))
            except DetectorUnavailable as exc:
                logger.info("Media detector %s is disabled: %s", path, exc)
                self.stats.set_value(f"mamori/detectors/disabled/{path}", str(exc))
            except MamoriError as exc:  # e.g. an unreadable or exposed biometrics key
                logger.error("Media detector %s cannot start and is disabled: %s", path, exc)
                self.stats.set_value(f"mamori/detectors/disabled/{path}", str(exc))
        self.detectors = loaded
        return loaded

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post) or not self.config.media.enabled:
            return item
        refs = [m for m in item.media if m.kind in _FETCHABLE and m.url.startswith(("http://", "https://"))]
        if not refs or not self._load_detectors():
            return item
        from media.errors import MediaRejected
        from media.fetched import FetchedMedia, Limits, attach

        limits = Limits.from_config(self.config)
        fetched: list[FetchedMedia] = []
        for ref in refs:
            data, declared = await self._download(ref.url, limits.max_bytes, item.id)
            if data is None:
                continue
            media = FetchedMedia(ref, data, limits, declared)
            try:
                await self._run(media.validate)
            except MediaRejected as exc:
                self._reject(item.id, str(exc))
                media.close()
                continue
            self.stats.inc_value(f"mamori/media/{media.kind}")
            self.handoff.put(item.id, ref.url, data)
            fetched.append(media)
        if not fetched:
            return item

        def detect() -> list[Any]:
            found: list[Any] = []
            with attach(item, fetched):
                for detector in self.detectors or ():
                    try:
                        new = detector.detect(item)
                    except Exception as exc:
                        logger.exception(
                            "Media detector %s failed on post %s: %r", detector.name, item.id, exc
                        )
                        self.stats.inc_value("mamori/detectors/errors")
                        continue
                    item.findings.extend(new)
                    found.extend(new)
            return found

        for finding in await self._run(detect):
            self.stats.inc_value(f"mamori/findings/{finding.label}")
        return item

    async def _run(self, fn: Any) -> Any:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mamori-media")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    def _reject(self, post_id: str, reason: str) -> None:
        logger.warning("Media of post %s refused: %s", post_id, reason)
        self.stats.inc_value("mamori/media/rejected")

    async def _download(self, url: str, max_bytes: int, post_id: str) -> tuple[bytes | None, str]:
        try:
            response = await self.crawler.engine.download_async(media_request(url, max_bytes))
        except Exception as exc:
            reason = str(exc) or type(exc).__name__
            if "maxsize" in reason.lower() or "cancel" in type(exc).__name__.lower():
                reason = f"larger than the limit of {max_bytes:,} bytes ([media] max_bytes)"
            self._reject(post_id, f"{url} could not be fetched: {reason}.")
            return None, ""
        if response.status != 200:
            self._reject(post_id, f"{url} answered HTTP {response.status}; skipped.")
            return None, ""
        self.stats.inc_value("mamori/media/fetched")
        declared = response.headers.get(b"Content-Type", b"").decode("latin-1")
        return bytes(response.body), declared

    def close_spider(self, spider: Any = None) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
