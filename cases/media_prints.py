"""Fingerprints of the media of posts under a case, for finding re-uploads of those media.

When a case is watched for re-uploads (a takedown is requested, or the post was removed,
refused or escalated), the images, audio and video of its post are fingerprinted and the
fingerprints are kept in the state database (table ``case_media``). The media themselves are
not kept here: they come from the case's evidence capture (the legal team's own copy, made
by :mod:`evidence.capture` when the hit was found) or, if there is none, are fetched once
from the post's media URLs and dropped as soon as they are hashed. Media of posts without a
case are never fingerprinted into the database.

* Images: 64-bit perceptual hashes (pHash, as for known photos in :mod:`media.known`) of the
  whole image and of a few slightly cropped versions, so that a copy that was resized,
  re-encoded or trimmed by a few percent at an edge still lands within
  ``[media] known_photo_distance`` bits of one of them.
* Audio and video: the raw chromaprint (``fpcalc``) of the first :data:`AUDIO_SECONDS`
  seconds, matched with :func:`media.known.align` as known recordings are.

When a case is closed its fingerprints are deleted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from cases.db import case_events, case_media
from cases.model import Case
from crawler.items import MediaRef
from crawler.state import State, now

logger = logging.getLogger(__name__)

AUDIO_SECONDS = 300.0
"""Length of audio fingerprinted per file (originals and new hits)."""

CROPS: tuple[tuple[float, float, float, float], ...] = (
    (0.03, 0.03, 0.97, 0.97),
    (0.06, 0.06, 0.94, 0.94),
    (0.0, 0.0, 0.95, 0.95),
    (0.05, 0.05, 1.0, 1.0),
    (0.0, 0.05, 0.95, 1.0),
    (0.05, 0.0, 1.0, 0.95),
)
"""Crops (left, top, right, bottom as shares of the size) hashed besides the whole image."""

_MEDIA_KINDS = ("image", "audio", "video")


@dataclass(frozen=True)
class MediaPrint:
    """The fingerprint of one media file: ``phashes`` for an image, ``chromaprint`` for sound."""

    kind: str  # image, audio
    sha256: str
    url: str
    phashes: tuple[int, ...] = ()
    chromaprint: tuple[int, ...] = ()


def image_hashes(image: Any, *, crops: bool = True) -> tuple[int, ...]:
    """pHashes of a decoded RGB image (and of :data:`CROPS` of it when ``crops``)."""
    import imagehash

    out = [int(str(imagehash.phash(image)), 16)]
    if crops:
        w, h = image.size
        for left, top, right, bottom in CROPS:
            box = (int(w * left), int(h * top), max(1, int(w * right)), max(1, int(h * bottom)))
            out.append(int(str(imagehash.phash(image.crop(box))), 16))
    return tuple(dict.fromkeys(out))


def print_of(data: bytes, url: str, limits: Any, *, crops: bool) -> MediaPrint | None:
    """Fingerprint one downloaded file (checked like any fetched media); None if not usable.

    Raises :class:`media.errors.MediaRejected` for a file that is refused (type, size, length).
    """
    from media.fetched import FetchedMedia

    media = FetchedMedia(MediaRef(url), data, limits)
    try:
        kind = media.validate()
        sha = media.sha256
        if kind == "image":
            return MediaPrint("image", sha, url, phashes=image_hashes(media.image(), crops=crops))
        from media.audio import has_audio
        from media.known import fingerprint

        if not has_audio(media.info()):
            return None
        fp = fingerprint(media.path(), max_duration=limits.max_duration, name=url)
        items = int(AUDIO_SECONDS / _item_seconds())
        return MediaPrint("audio", sha, url, chromaprint=tuple(int(v) for v in fp[:items]))
    finally:
        media.close()


def _item_seconds() -> float:
    from media.known import ITEM_SECONDS

    return float(ITEM_SECONDS)


def _limits(config: Any) -> Any:
    from media.fetched import Limits

    return Limits.from_config(config)


# -- where the original's media come from ------------------------------------------------------
def evidence_media(config: Any, state: State, hit_id: str) -> Iterator[tuple[str, bytes]]:
    """``(url, bytes)`` of the media files kept in the newest evidence capture of ``hit_id``."""
    from crawler.exceptions import EvidenceError
    from evidence import db as evidence_db
    from evidence.manifest import Manifest
    from evidence.store import open_store

    captures = evidence_db.captures(state, hit_id)
    if not captures:
        return
    store = open_store(config)
    for capture in reversed(captures):
        try:
            manifest = Manifest.from_bytes(store.read(capture["manifest_key"]), key=capture["manifest_key"])
            arts = [a for a in manifest.artifacts if str(a.get("name", "")).startswith("media/")]
            found = [(str(a.get("url") or a["name"]), store.get(a["sha256"])) for a in arts]
        except (EvidenceError, OSError, KeyError) as exc:
            logger.warning("The evidence capture %s cannot be read: %s", capture["capture_id"], exc)
            continue
        if found:
            yield from found
            return


def fetched_media(config: Any, refs: list[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    """``(url, bytes)`` of the post's media fetched now (the post is under a case)."""
    from evidence.rawhttp import fetch

    ev = config.evidence
    for ref in refs:
        got = fetch(
            str(ref["url"]),
            user_agent=config.crawler.user_agent,
            timeout=min(ev.page_timeout, 20.0),
            max_bytes=min(ev.max_response_bytes, config.media.max_bytes),
            allow_private=ev.allow_private_addresses,
        )
        final = got.final
        if final is None or not final.complete or final.status != 200:
            reason = (final.error or f"HTTP {final.status}") if final else "no response"
            logger.warning("The media %s of a case could not be fetched (%s).", ref["url"], reason)
            continue
        yield str(ref["url"]), final.payload


def _media_refs(case: Case) -> list[dict[str, Any]]:
    refs = case.doc.get("media") or []
    return [
        r
        for r in refs
        if isinstance(r, dict)
        and r.get("kind") in _MEDIA_KINDS
        and str(r.get("url", "")).startswith(("http://", "https://"))
    ]


# -- the case_media table ------------------------------------------------------------------
def has_prints(state: State, case_id: int) -> bool:
    with state.engine.connect() as conn:
        return (
            conn.execute(select(case_media.c.id).where(case_media.c.case_id == case_id)).first() is not None
        )


def record_case_media(config: Any, state: State, case: Case, *, fetch: bool = True) -> int:
    """Fingerprint the media of ``case``'s post and store the fingerprints; return how many.

    The evidence capture is used first; without one, the media URLs are fetched when
    ``fetch``. A case already fingerprinted is left as it is (0). Files that cannot be
    used are logged with the reason and skipped.
    """
    from media.errors import MediaRejected

    refs = _media_refs(case)
    if not refs or has_prints(state, case.id):
        return 0
    limits = _limits(config)
    sources: list[tuple[str, Iterator[tuple[str, bytes]]]] = [
        ("evidence", evidence_media(config, state, case.hit_id))
    ]
    if fetch:
        sources.append(("fetched", fetched_media(config, refs)))
    for source, files in sources:
        prints: list[MediaPrint] = []
        for url, data in files:
            try:
                fp = print_of(data, url, limits, crops=True)
            except MediaRejected as exc:
                logger.warning("A media file of case %d is not fingerprinted: %s", case.id, exc)
                continue
            if fp is not None:
                prints.append(fp)
        if prints:
            return _store(state, case.id, source, prints)
    logger.info("Case %d has media but none could be fingerprinted yet (no usable capture or file).", case.id)
    return 0


def _store(state: State, case_id: int, source: str, prints: list[MediaPrint]) -> int:
    ts = now()
    rows = {
        (p.sha256, p.kind): {
            "case_id": case_id,
            "kind": p.kind,
            "sha256": p.sha256,
            "source": source,
            "media_url": p.url,
            "phashes": ",".join(f"{h:016x}" for h in p.phashes) or None,
            "chromaprint": json.dumps(list(p.chromaprint)) if p.chromaprint else None,
            "created_at": ts,
        }
        for p in prints
    }
    kinds = sorted({p.kind for p in prints})
    detail = (
        f"{len(rows)} media fingerprint(s) ({', '.join(kinds)}) taken from the "
        + ("evidence capture" if source == "evidence" else "post's media, fetched once")
        + " for finding re-uploads; the media themselves are not kept."
    )
    with state.begin() as conn:
        if conn.execute(select(case_media.c.id).where(case_media.c.case_id == case_id)).first() is None:
            conn.execute(insert(case_media), list(rows.values()))
            conn.execute(
                insert(case_events).values(
                    case_id=case_id, at=ts, actor="reupload", action="media", detail=detail
                )
            )
        else:  # another process fingerprinted the case at the same moment
            return 0
    logger.info("Case %d: %d media fingerprint(s) stored (from %s).", case_id, len(rows), source)
    return len(rows)


def forget_case_media(state: State, case_id: int) -> None:
    """Delete the fingerprints of ``case_id`` (the case was closed)."""
    with state.begin() as conn:
        gone = conn.execute(delete(case_media).where(case_media.c.case_id == case_id)).rowcount
        if gone:
            conn.execute(
                insert(case_events).values(
                    case_id=case_id,
                    at=now(),
                    actor="reupload",
                    action="media",
                    detail=f"{gone} media fingerprint(s) deleted: the case is closed.",
                )
            )


def load_prints(conn: Any, case_ids: list[int]) -> dict[int, list[MediaPrint]]:
    """The stored fingerprints of ``case_ids``, by case."""
    out: dict[int, list[MediaPrint]] = {}
    if not case_ids:
        return out
    rows = conn.execute(select(case_media).where(case_media.c.case_id.in_(case_ids))).mappings()
    for r in rows:
        phashes = tuple(int(h, 16) for h in (r["phashes"] or "").split(",") if h)
        chroma = tuple(json.loads(r["chromaprint"])) if r["chromaprint"] else ()
        out.setdefault(r["case_id"], []).append(
            MediaPrint(r["kind"], r["sha256"], r["media_url"], phashes=phashes, chromaprint=chroma)
        )
    return out
