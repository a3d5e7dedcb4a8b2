"""Thumbnails of a hit's media, made from mamori's own evidence captures.

The hit page never points the browser at the third-party host (that would leak the viewer's
address to the harasser's server, and the image may be gone): each image is taken from the
newest evidence capture of the hit (:mod:`evidence.capture`) — the raw HTTP response in the
capture's WARC, else the media artifact stored next to it — and, for the legal team only,
the capture's page screenshot when the capture holds no copy of the image. It is decoded
with Pillow under strict limits (bytes, pixels: decompression bombs are refused before
decoding), scaled to at most :data:`THUMB_PX` pixels and re-encoded as JPEG, so no byte of
the original reaches the browser. Thumbnails are cached under ``<data_dir>/portal/thumbs``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from crawler.exceptions import MamoriError

logger = logging.getLogger(__name__)

THUMB_PX = 320
MAX_SOURCE_BYTES = 25_000_000
MAX_PIXELS = 40_000_000
"""At most 40 Mpx are decoded (Pillow itself warns at 89.5 Mpx and refuses at 179 Mpx)."""
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")


class ThumbnailError(MamoriError):
    """No thumbnail can be made; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class MediaItem:
    """One media reference of a hit and what mamori holds of it."""

    index: int
    kind: str
    url: str
    description: str
    state: str
    """``captured`` (a copy is in the capture), ``screenshot`` (only the page screenshot),
    ``pending`` (no capture yet), ``missing`` (captured without it), ``no_preview``
    (not an image) or ``withheld`` (it concerns another employee)."""


def _manifests(config: Any, state: Any, hit_id: str) -> list[Any]:
    """The hit's capture manifests, newest first (empty when there is none or evidence is off)."""
    try:
        from evidence.db import captures
        from evidence.manifest import Manifest
        from evidence.store import open_store

        rows = captures(state, hit_id)
        if not rows:
            return []
        store = open_store(config)
        return [
            Manifest.from_bytes(store.read(r["manifest_key"]), key=r["manifest_key"]) for r in reversed(rows)
        ]
    except (ImportError, OSError, MamoriError) as exc:
        logger.warning("The evidence captures of %s cannot be read: %s", hit_id, exc)
        return []


def _fetched(manifest: Any, url: str) -> bool:
    raw = (manifest.body.get("http") or {}).get("raw") or []
    return any(x.get("url") == url and x.get("status") == 200 and x.get("complete") for x in raw) or any(
        a.get("url") == url for a in manifest.artifacts
    )


def _has(manifest: Any, name: str) -> bool:
    return any(a.get("name") == name for a in manifest.artifacts)


def withheld(doc: dict[str, Any], employee_id: str | None, url: str | None) -> bool:
    """True if a finding about *another* employee points at this media (a face, a voice)."""
    for f in doc.get("findings") or ():
        other = (f or {}).get("employee_id")
        if other and other != employee_id and ((f.get("extra") or {}).get("media_url") == url):
            return True
    return False


def media_items(
    config: Any, state: Any, doc: dict[str, Any], *, staff: bool, employee_id: str | None
) -> list[MediaItem]:
    """What the hit page shows for each media reference of ``doc`` (the stored document)."""
    if not doc.get("media"):
        return []
    manifests = _manifests(config, state, str(doc.get("id")))
    items = []
    for i, m in enumerate(doc.get("media") or ()):
        url, kind = str(m.get("url") or ""), str(m.get("kind") or "image")
        if not staff and withheld(doc, employee_id, url):
            state_ = "withheld"
        elif kind != "image":
            state_ = "no_preview"
        elif not manifests:
            state_ = "pending"
        elif any(_fetched(man, url) for man in manifests):
            state_ = "captured"
        elif staff and any(_has(man, "page.png") for man in manifests):
            state_ = "screenshot"
        else:
            state_ = "missing"
        items.append(MediaItem(i, kind, url, str(m.get("description") or ""), state_))
    return items


def _from_warc(data: bytes, url: str) -> bytes | None:
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type != "response" or record.rec_headers.get_header("WARC-Target-URI") != url:
            continue
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            continue
        if record.rec_headers.get_header("WARC-Truncated"):
            continue
        body = record.content_stream().read(MAX_SOURCE_BYTES + 1)
        return bytes(body)
    return None


def locate(config: Any, state: Any, item: MediaItem, hit_id: str) -> tuple[str, str, Callable[[], bytes]]:
    """``(cache key, where from, reader of the image bytes)`` from the newest capture holding it."""
    from evidence.store import open_store

    manifests = _manifests(config, state, hit_id)
    if not manifests:
        raise ThumbnailError(
            "The evidence capture of this hit is pending; the thumbnail appears once it is captured.", 404
        )
    store = open_store(config)

    def warc(sha: str) -> bytes:
        data = _from_warc(store.get(sha), item.url)
        if data is None:
            raise ThumbnailError("The capture's WARC holds no complete response for this image.", 404)
        return data

    for man in manifests:
        for art in man.artifacts:
            if art.get("name") == "capture.warc.gz" and _fetched(man, item.url):
                sha = str(art["sha256"])
                return f"{man.capture_id}|warc|{item.url}", "warc", partial(warc, sha)
        for art in man.artifacts:
            if art.get("url") == item.url and str(art.get("name", "")).startswith("media/"):
                sha = str(art["sha256"])
                return f"{man.capture_id}|{sha}", "artifact", partial(store.get, sha)
    if item.state == "screenshot":
        for man in manifests:
            for art in man.artifacts:
                if art.get("name") == "page.png":
                    sha = str(art["sha256"])
                    return f"{man.capture_id}|page.png", "screenshot", partial(store.get, sha)
    raise ThumbnailError("The evidence capture of this hit holds no copy of this image.", 404)


def make_thumbnail(data: bytes, px: int = THUMB_PX) -> bytes:
    """Decode ``data`` under the limits and return a JPEG of at most ``px`` × ``px`` pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_SOURCE_BYTES:
        raise ThumbnailError(
            f"The image is larger than {MAX_SOURCE_BYTES // 1_000_000} MB; no thumbnail is made of it. "
            "Open the evidence export to see it."
        )
    limit = min(MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=FORMATS)
            w, h = opened.size
            if w * h > limit:
                raise ThumbnailError(
                    f"The image is {w}×{h} pixels ({w * h / 1e6:.0f} Mpx), above the limit of "
                    f"{limit / 1e6:.0f} Mpx for thumbnails; it was not decoded (it may be a decompression bomb)."
                )
            opened.draft("RGB", (px * 2, px * 2))
            opened.seek(0)
            img: Image.Image = ImageOps.exif_transpose(opened)
            img.thumbnail((px, px))
            if img.mode in ("RGBA", "LA", "P", "PA"):
                rgba = img.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                img = flat
            else:
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, "JPEG", quality=80, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ThumbnailError(
            f"The image was refused before decoding as a possible decompression bomb ({exc}); "
            "no thumbnail is made. Open the evidence export to examine it."
        ) from exc
    except UnidentifiedImageError as exc:
        raise ThumbnailError(
            f"The captured file is not an image Pillow can read as {', '.join(FORMATS)}; no thumbnail is made.",
            415,
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ThumbnailError(
            f"The captured image is damaged or truncated ({exc}); no thumbnail is made."
        ) from exc
    return out.getvalue()


class ThumbCache:
    """Thumbnails on disk, keyed by the capture and the media (a new capture makes a new key)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str, px: int) -> Path:
        return self.folder / f"{hashlib.sha256(f'{key}|{px}'.encode()).hexdigest()}.jpg"

    def get(self, key: str, px: int) -> bytes | None:
        try:
            return self.path(key, px).read_bytes()
        except OSError:
            return None

    def put(self, key: str, px: int, data: bytes) -> None:
        path = self.path(key, px)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:  # a cache that cannot be written only costs time
            logger.warning("The thumbnail cache %s cannot be written: %s", self.folder, exc)


def thumbnail(
    config: Any, state: Any, item: MediaItem, hit_id: str, px: int = THUMB_PX
) -> tuple[bytes, str, str]:
    """``(JPEG, source, etag)`` of a media item: from the cache, else made from the capture."""
    if item.state not in ("captured", "screenshot"):
        reasons = {
            "pending": "The evidence capture of this hit is pending; the thumbnail appears once it is captured.",
            "missing": "The evidence capture of this hit holds no copy of this image.",
            "no_preview": f"This media item is a {item.kind}, not an image; there is no thumbnail of it.",
            "withheld": "There is no such media item, or it does not concern you.",
        }
        raise ThumbnailError(reasons.get(item.state, "There is no thumbnail of this media item."), 404)
    key, source, read = locate(config, state, item, hit_id)
    cache = ThumbCache(Path(config.data_dir) / "portal" / "thumbs")
    etag = hashlib.sha256(f"{key}|{px}".encode()).hexdigest()[:32]
    cached = cache.get(key, px)
    if cached is not None:
        return cached, source, etag
    thumb = make_thumbnail(read(), px)
    cache.put(key, px, thumb)
    return thumb, source, etag
