"""The batch face stage: many images at once, on every core, each distinct image once.

Used by ``mamori eval faces`` and ``benchmarks/faces.py``. Images are keyed by the SHA-256 of
their bytes (a picture re-posted ten times is analysed once), decoded with the usual limits,
downscaled to ≤ ``max_side`` and analysed in a process pool of ``workers`` processes.
Results come back in input order: a list of faces, or the :class:`MediaRejected` reason.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from media.errors import MediaRejected
from media.faces import Face, find_faces
from media.images import open_image

Result = list[Face] | MediaRejected


def _analyse(args: tuple[bytes, str, int, int]) -> Result:
    data, name, max_side, limit = args
    try:
        return find_faces(open_image(data, name=name, max_bytes=limit, max_pixels=limit), max_side=max_side)
    except MediaRejected as exc:
        return exc


class FaceStage:
    def __init__(self, *, workers: int | None = None, max_side: int = 800, limit: int = 200_000_000) -> None:
        self.workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
        self.max_side = max_side
        self.limit = limit

    def run(self, items: list[tuple[str, bytes]]) -> list[Result]:
        """Faces of each ``(name, bytes)`` item, in order."""
        order: list[str] = []
        unique: dict[str, tuple[bytes, str, int, int]] = {}
        for name, data in items:
            key = hashlib.sha256(data).hexdigest()
            order.append(key)
            unique.setdefault(key, (data, name, self.max_side, self.limit))
        if self.workers == 1 or len(unique) < 3:
            done = dict(zip(unique, map(_analyse, unique.values()), strict=True))
        else:
            ctx = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx) as pool:
                done = dict(zip(unique, pool.map(_analyse, unique.values()), strict=True))
        return [done[k] for k in order]
