"""Face detection, encoding and gallery matching (face_recognition on dlib, loaded lazily).

Speed: images are downscaled so the longer side is ≤ ``max_side`` (800 px) before HOG
detection; the detector upsamples (×2) only when nothing was found at the native scale and
the image is small enough for small faces to be missed. Encodings of faces that match no
enrolled employee are dropped right after comparison; nothing about strangers is kept.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image

from media.images import downscale

DEFAULT_TOLERANCE = 0.54
"""Calibrated on ../shared/data/faces: same person ≤ 0.524, different people ≥ 0.662 (docs/media.md)."""


@lru_cache(maxsize=1)
def face_lib() -> Any:
    """Import face_recognition once (its model package still imports pkg_resources)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition

    return face_recognition


Box = tuple[int, int, int, int]
"""``(top, right, bottom, left)`` in pixels of the original image."""


@dataclass(frozen=True)
class Face:
    box: Box
    encoding: np.ndarray


def find_faces(img: Image.Image, *, max_side: int = 800, upsample_below: int = 800) -> list[Face]:
    """Detect and encode the faces of ``img``; boxes are in the original image's pixels."""
    fr = face_lib()
    arr, scale = downscale(img, max_side)
    locations = fr.face_locations(arr, number_of_times_to_upsample=0, model="hog")
    if not locations and max(arr.shape[:2]) <= upsample_below:
        locations = fr.face_locations(arr, number_of_times_to_upsample=1, model="hog")
    if not locations:
        return []
    encodings = fr.face_encodings(arr, known_face_locations=locations)
    return [
        Face(tuple(round(v / scale) for v in loc), enc)  # type: ignore[arg-type]
        for loc, enc in zip(locations, encodings, strict=True)
    ]


class FaceGallery:
    """Enrolled encodings as one matrix, for vectorized distance computation."""

    def __init__(self, gallery: dict[str, list[list[float]]]) -> None:
        self.ids: list[str] = []
        rows: list[list[float]] = []
        for emp, vectors in sorted(gallery.items()):
            for vec in vectors:
                self.ids.append(emp)
                rows.append(vec)
        self.matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), 128)

    def __len__(self) -> int:
        return len(set(self.ids))

    def nearest(self, encoding: np.ndarray) -> tuple[str | None, float]:
        """The closest enrolled employee and the distance to their closest template."""
        if not self.ids:
            return None, float("inf")
        dist = np.linalg.norm(self.matrix - encoding[None, :], axis=1)
        i = int(np.argmin(dist))
        return self.ids[i], float(dist[i])

    def match(self, faces: list[Face], tolerance: float) -> list[tuple[str, float, Box]]:
        """``[(employee_id, distance, box)]`` of the faces within ``tolerance``; others forgotten."""
        found: list[tuple[str, float, Box]] = []
        for face in faces:
            emp, dist = self.nearest(face.encoding)
            if emp is not None and dist <= tolerance:
                found.append((emp, dist, face.box))
        faces.clear()  # strangers' encodings are not kept past the comparison
        return found
