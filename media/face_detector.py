"""Media detectors for pictures: ``face_match`` (enrolled employees' faces in images and video
frames) and ``known_photo`` (near-duplicates of photos the company registered).

They follow the :class:`detectors.base.Detector` contract (``detect(post)``) over the media the
media pipeline attached to the post (:func:`media.fetched.attached`), and are built from the
configuration with ``from_config`` (they need the biometric store, not only the roster).
Results are cached by image hash, so the same picture re-posted is not analysed twice; the
cache holds outcomes (who matched where), never face encodings.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post
from detectors.base import Detector, DetectorContext
from media.biometrics import BiometricStore
from media.errors import MediaRejected
from media.fetched import FetchedMedia, attached

logger = logging.getLogger(__name__)


class MediaDetector(Detector):
    """Base of detectors that read a post's fetched media."""

    kinds: tuple[str, ...] = ()

    @classmethod
    def from_context(cls, context: DetectorContext) -> Detector:
        raise DetectorUnavailable(
            f"{cls.__name__} reads fetched media: register it in MAMORI_MEDIA_DETECTORS (the media "
            "pipeline), not in MAMORI_DETECTORS."
        )

    @classmethod
    def from_config(cls, config: Any) -> MediaDetector:
        raise NotImplementedError(f"{cls.__name__} must implement from_config(config).")

    def detect(self, post: Post) -> list[Finding]:
        findings: list[Finding] = []
        for media in attached(post):
            if media.kind not in self.kinds:
                continue
            try:
                findings.extend(self.detect_media(post, media))
            except MediaRejected as exc:
                logger.warning("%s skipped a media file of post %s: %s", self.name, post.id, exc)
        return findings

    def detect_media(self, post: Post, media: FetchedMedia) -> list[Finding]:
        raise NotImplementedError(f"{type(self).__name__} must implement detect_media(post, media).")


class FaceMatchDetector(MediaDetector):
    """Faces of enrolled employees (who consented) in images and video frames."""

    name = "face_match"
    labels = ("face_match",)
    kinds = ("image", "video")

    def __init__(self, gallery: Any, tolerance: float, max_side: int) -> None:
        self.gallery = gallery
        self.tolerance = tolerance
        self.max_side = max_side
        self._seen: OrderedDict[str, list[tuple[str, float, Any, float | None]]] = OrderedDict()

    @classmethod
    def from_config(cls, config: Any) -> FaceMatchDetector:
        from media.faces import FaceGallery

        store = BiometricStore.from_config(config)
        templates = store.gallery("face") if store.key_file.exists() else {}
        if not templates:
            raise DetectorUnavailable(
                "No employee's face is enrolled (with consent); enrol with 'mamori enroll face' to enable face_match."
            )
        return cls(FaceGallery(templates), config.media.face_tolerance, config.media.face_max_side)

    def _matches(self, media: FetchedMedia) -> list[tuple[str, float, Any, float | None]]:
        from media.faces import find_faces

        key = media.sha256
        if key in self._seen:
            self._seen.move_to_end(key)
            return self._seen[key]
        images = [(None, media.image())] if media.kind == "image" else list(media.frames())
        best: dict[str, tuple[str, float, Any, float | None]] = {}
        for at, img in images:
            for emp, dist, box in self.gallery.match(find_faces(img, max_side=self.max_side), self.tolerance):
                if emp not in best or dist < best[emp][1]:
                    best[emp] = (emp, dist, box, at)
        result = sorted(best.values(), key=lambda m: m[1])
        self._seen[key] = result
        if len(self._seen) > 4096:
            self._seen.popitem(last=False)
        return result

    def detect_media(self, post: Post, media: FetchedMedia) -> list[Finding]:
        findings = []
        for emp, dist, box, at in self._matches(media):
            where = f" at {at:.0f} s" if at is not None else ""
            extra: dict[str, Any] = {
                "distance": round(dist, 4),
                "box": tuple(int(v) for v in box),
                "media_url": media.url,
                "tolerance": self.tolerance,
                "media_kind": media.kind,
            }
            if at is not None:
                extra["time"] = at
            findings.append(
                Finding(
                    detector=self.name,
                    label="face_match",
                    severity="high",
                    score=round(max(0.0, 1 - dist), 4),
                    explanation=(
                        f"The {media.kind} {media.url}{where} shows the face of employee {emp} "
                        f"(distance {dist:.2f}, match below {self.tolerance:.2f})."
                    ),
                    employee_id=emp,
                    extra=tuple(sorted(extra.items())),
                )
            )
        return findings


class KnownPhotoDetector(MediaDetector):
    """Near-duplicates (perceptual hash) of photos registered as sensitive."""

    name = "known_photo"
    labels = ("known_photo",)
    kinds = ("image",)

    def __init__(self, known: list[dict[str, Any]], max_distance: int) -> None:
        self.known = known
        self.max_distance = max_distance

    @classmethod
    def from_config(cls, config: Any) -> KnownPhotoDetector:
        store = BiometricStore.from_config(config)
        known = store.known("photos") if store.key_file.exists() else []
        if not known:
            raise DetectorUnavailable(
                "No known photo is registered; use 'mamori enroll known-photo' to enable known_photo."
            )
        return cls(known, config.media.known_photo_distance)

    def detect_media(self, post: Post, media: FetchedMedia) -> list[Finding]:
        import imagehash

        from media.known import hash_distance

        digest = str(imagehash.phash(media.image()))
        best = min(((hash_distance(digest, k["phash"]), k) for k in self.known), key=lambda x: x[0])
        dist, entry = best
        if dist > self.max_distance:
            return []
        label = f" ({entry['label']})" if entry.get("label") else ""
        return [
            Finding(
                detector=self.name,
                label="known_photo",
                severity="high",
                score=round(1 - dist / 64, 4),
                explanation=(
                    f"The image {media.url} is a copy of the registered photo {entry['name']}{label} "
                    f"(perceptual-hash distance {dist} of 64)."
                ),
                extra=(("hash_distance", dist), ("known_name", entry["name"]), ("media_url", media.url)),
            )
        ]
