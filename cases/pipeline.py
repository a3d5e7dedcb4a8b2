"""Scrapy item pipeline (no Scrapy import at module level): open a linked case when a new hit
is a re-upload of the post of a watched case (see :mod:`cases.reupload`).

The watched originals are held by one :class:`cases.reupload.ReuploadMatcher` per crawl, so a
hit that is no re-upload costs microseconds and no query. Only when cases with media
fingerprints are watched, a hit's images (and audio/video, when recordings are watched) are
fingerprinted in memory and dropped: the bytes the media pipeline already fetched are taken
from it (:func:`crawler.pipelines.media.media_handoff`), the others fetched through Scrapy's
downloader (same politeness and ``[media]`` limits as the media pipeline). A failure is logged and counted; it never
stops the crawl.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from crawler.items import Post

logger = logging.getLogger(__name__)


class ReuploadCasePipeline:
    def __init__(self, config: Any, stats: Any, crawler: Any = None) -> None:
        self.config = config
        self.stats = stats
        self.crawler = crawler
        self._store: Any = None
        self._matcher: Any = None
        self.handoff: Any = None
        if crawler is not None:
            from crawler.pipelines.media import media_handoff

            self.handoff = media_handoff(crawler)
            self.handoff.wanted = True

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReuploadCasePipeline:
        from crawler.runtime import config_from_settings

        return cls(config_from_settings(crawler.settings), crawler.stats, crawler)

    def _ready(self) -> Any:
        if self._matcher is None:
            from cases.reupload import ReuploadMatcher
            from cases.store import CaseStore
            from crawler.runtime import state_for

            self._store = CaseStore(self.config, state_for(self.config))
            self._matcher = ReuploadMatcher.from_config(self.config, self._store.state)
        self._matcher.refresh()
        return self._matcher

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Post):
            return item
        fetched = self.handoff.take(item.id) if self.handoff is not None else {}
        if not item.is_hit:
            return item
        try:
            matcher = self._ready()
            if not matcher.watched:
                return item
            match = matcher.match_text(item.id, item.url, item.text)
            if match is None and (matcher.wants_images or matcher.wants_audio):
                prints = await self._media_prints(item, matcher, fetched)
                if prints:
                    match = matcher.match_media(item.id, item.url, prints)
            if match is not None:
                from cases.reupload import open_linked
                from index.base import hit_document

                if open_linked(self._store, hit_document(item), match) is not None:
                    self.stats.inc_value("mamori/cases/reuploads")
                    self.stats.inc_value(f"mamori/cases/reuploads/{match.how}")
        except Exception as exc:
            self.stats.inc_value("mamori/cases/reupload_errors")
            logger.error("Could not check %s for a re-upload: %s", item.id, exc)
        return item

    async def _media_prints(self, item: Post, matcher: Any, fetched: dict[str, bytes]) -> list[Any]:
        """Fingerprints of the hit's media the matcher can compare (held in memory only)."""
        if not self.config.media.enabled or self.crawler is None:
            return []
        kinds = {"image"} if not matcher.wants_audio else {"image", "audio", "video"}
        if not matcher.wants_images:
            kinds.discard("image")
        refs = [m for m in item.media if m.kind in kinds and m.url.startswith(("http://", "https://"))]
        if not refs:
            return []
        from cases.media_prints import print_of
        from media.errors import MediaRejected
        from media.fetched import Limits

        limits = Limits.from_config(self.config)
        prints = []
        for ref in refs:
            data = fetched.get(ref.url) or await self._download(ref.url, limits.max_bytes)
            if data is None:
                continue
            try:
                fp = await asyncio.get_running_loop().run_in_executor(
                    None, functools.partial(print_of, data, ref.url, limits, crops=False)
                )
            except MediaRejected as exc:
                logger.info("Media of hit %s not compared for re-uploads: %s", item.id, exc)
                continue
            if fp is not None:
                prints.append(fp)
        return prints

    async def _download(self, url: str, max_bytes: int) -> bytes | None:
        from crawler.pipelines.media import media_request

        try:
            response = await self.crawler.engine.download_async(media_request(url, max_bytes))
        except Exception as exc:
            logger.info("Media %s could not be fetched for the re-upload check: %s", url, exc)
            return None
        if response.status != 200:
            return None
        self.stats.inc_value("mamori/cases/reupload_media_fetched")
        return bytes(response.body)
