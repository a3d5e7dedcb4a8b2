"""Face stage throughput: mamori's face stage vs a naive face_recognition loop, same images.

Naive: ``load_image_file`` + ``face_locations`` (default upsample 1) + ``face_encodings`` on
each full-size image, one after the other. mamori: skip images already seen (SHA-256 of the
bytes), downscale to ≤ 800 px (upsample only when nothing is found), and spread the work
over both cores with a process pool (``media.face_stage.FaceStage``, the stage ``mamori eval
faces`` uses). Pool start-up and model loading are inside the timing.

Usage: .venv/bin/python benchmarks/faces.py [FOLDER] [--repeat N]
(default folder: ../shared/data/faces/ageitgey_face_recognition, every image once, repeated
N=2 times as a feed re-posting the same pictures would).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "faces" / "ageitgey_face_recognition"
)


def naive(paths: list[Path]) -> tuple[float, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition
    start = time.perf_counter()
    faces = 0
    for p in paths:
        img = face_recognition.load_image_file(str(p))
        locs = face_recognition.face_locations(img)
        faces += len(face_recognition.face_encodings(img, locs))
    return time.perf_counter() - start, faces


def staged(paths: list[Path], workers: int) -> tuple[float, int]:
    from media.errors import MediaRejected
    from media.face_stage import FaceStage

    start = time.perf_counter()
    results = FaceStage(workers=workers).run([(str(p), p.read_bytes()) for p in paths])
    faces = sum(len(r) for r in results if not isinstance(r, MediaRejected))
    return time.perf_counter() - start, faces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))
    paths = files * args.repeat
    t_naive, f_naive = naive(paths)
    t_fast, f_fast = staged(paths, args.workers)
    print(
        f"images: {len(paths)} ({len(files)} files x {args.repeat}), unique by content: "
        f"{len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})}"
    )
    print(f"naive loop : {t_naive:6.2f} s  {len(paths) / t_naive:6.2f} images/s  faces found {f_naive}")
    print(
        f"mamori     : {t_fast:6.2f} s  {len(paths) / t_fast:6.2f} images/s  faces found {f_fast}  ({args.workers} workers)"
    )
    print(f"speed-up   : {t_naive / t_fast:.1f}x")


if __name__ == "__main__":
    main()
