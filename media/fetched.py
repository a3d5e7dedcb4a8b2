"""Fetched media held in memory for the length of one post's detection, then dropped.

The media pipeline downloads a post's media, wraps each in :class:`FetchedMedia`, and
*attaches* them to the post with :func:`attach` while the media detectors run; afterwards the
bytes, decoded pixels and samples are released. Nothing is written to disk except a private
temporary file that ffmpeg/fpcalc read, deleted when the post is done.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from crawler.items import MediaRef, Post
from media.errors import MediaRejected
from media.sniff import kind_of, sniff

_ATTACHED: dict[int, list[FetchedMedia]] = {}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25_000_000
    max_pixels: int = 40_000_000
    max_duration: float = 1800
    max_side: int = 800
    video_fps: float = 1.0
    video_max_frames: int = 60

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        m = config.media
        return cls(
            m.max_bytes, m.max_pixels, m.max_duration, m.face_max_side, m.video_fps, m.video_max_frames
        )


@dataclass
class FetchedMedia:
    """One downloaded media file of a post, decoded lazily and at most once."""

    ref: MediaRef
    data: bytes
    limits: Limits = field(default_factory=Limits)
    declared_type: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return self.ref.url

    @property
    def mime(self) -> str:
        return sniff(self.data)

    @property
    def kind(self) -> str:
        return kind_of(self.mime)

    @property
    def sha256(self) -> str:
        if "sha" not in self._cache:
            self._cache["sha"] = hashlib.sha256(self.data).hexdigest()
        return str(self._cache["sha"])

    def _memo(self, key: str, make: Any) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = make()
            except MediaRejected as exc:
                self._cache[key] = exc
        value = self._cache[key]
        if isinstance(value, MediaRejected):
            raise value
        return value

    def path(self) -> Path:
        def make() -> Path:
            fd, name = tempfile.mkstemp(prefix="mamori-media-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(self.data)
            return Path(name)

        return Path(self._memo("path", make))

    def validate(self) -> str:
        """Check type and limits; return the kind (image/audio/video) or raise MediaRejected."""
        name = self.url
        if len(self.data) > self.limits.max_bytes:
            raise MediaRejected(
                f"{name} is {len(self.data):,} bytes, over the limit of {self.limits.max_bytes:,}; skipped."
            )
        kind = self.kind
        if not kind:
            claimed = f" although it was served as {self.declared_type}" if self.declared_type else ""
            raise MediaRejected(
                f"{name} is not an image, audio or video file{claimed} (first bytes {self.data[:16]!r}); skipped."
            )
        if kind == "image":
            self.image()
            return kind
        from media.audio import check_declared, has_video

        check_declared(self.data, self.limits.max_duration, name=name)
        info = self.info()

        return "video" if has_video(info) else "audio"

    def info(self) -> dict[str, Any]:
        from media.audio import check_duration

        return dict(
            self._memo("info", lambda: check_duration(self.path(), self.limits.max_duration, name=self.url))
        )

    def image(self) -> Any:
        from media.images import open_image

        return self._memo(
            "image",
            lambda: open_image(
                self.data, name=self.url, max_bytes=self.limits.max_bytes, max_pixels=self.limits.max_pixels
            ),
        )

    def audio(self) -> np.ndarray:
        from media.audio import has_audio, load_audio

        def make() -> np.ndarray:
            if not has_audio(self.info()):
                return np.zeros(0, dtype=np.float32)
            return load_audio(self.path(), max_duration=self.limits.max_duration, name=self.url)

        return np.asarray(self._memo("audio", make))

    def frames(self) -> list[tuple[float, Any]]:
        from media.video import sample_frames

        return list(
            self._memo("frames", lambda: sample_frames(self.path(), self.info(), self.limits, name=self.url))
        )

    def close(self) -> None:
        path = self._cache.get("path")
        if isinstance(path, Path):
            path.unlink(missing_ok=True)
        self._cache.clear()
        self.data = b""


@contextmanager
def attach(post: Post, media: list[FetchedMedia]) -> Iterator[None]:
    """Make ``media`` visible to media detectors for ``post``; release them on exit."""
    _ATTACHED[id(post)] = media
    try:
        yield
    finally:
        _ATTACHED.pop(id(post), None)
        for m in media:
            m.close()


def attached(post: Post) -> list[FetchedMedia]:
    return _ATTACHED.get(id(post), [])
