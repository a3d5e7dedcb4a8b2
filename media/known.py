"""Known photos (perceptual hashes) and known recordings (chromaprint fingerprints).

The company registers photos (staff photos, ID cards) and recordings (calls) as sensitive;
re-posted copies are found even when resized, re-compressed, trimmed or re-encoded.

Recording matching: ``fpcalc -raw`` gives one 32-bit sub-fingerprint per ~0.124 s. Candidate
alignments are voted by equal top bits (robust to re-encoding), then each candidate offset is
scored by the share of equal bits over the overlap; the best offset gives the position of
the posted copy inside the registered recording.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from media.audio import check_duration, require_binary
from media.errors import MediaRejected
from media.images import open_image

ITEM_SECONDS = 4096 / 3 / 11025
"""Duration covered by one chromaprint sub-fingerprint step."""


def photo_hash(
    data: bytes, *, name: str = "photo", max_bytes: int = 200_000_000, max_pixels: int = 200_000_000
) -> str:
    import imagehash

    return str(imagehash.phash(open_image(data, name=name, max_bytes=max_bytes, max_pixels=max_pixels)))


def photo_entry(data: bytes, *, name: str, label: str = "") -> dict[str, Any]:
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "phash": photo_hash(data, name=name),
        "name": name,
        "label": label,
    }


def hash_distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def fingerprint(path: Path, *, max_duration: float = 7200, name: str = "recording") -> np.ndarray:
    """The raw chromaprint of ``path`` (whole file up to ``max_duration`` s) as uint32."""
    check_duration(path, max_duration, name=name)
    proc = subprocess.run(
        [require_binary("fpcalc"), "-raw", "-json", "-length", str(int(max_duration)), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # fpcalc 1.5 reports "Error decoding audio frame (End of file)" at the end of many files
    # after printing a valid fingerprint: trust the output when there is one.
    try:
        data = json.loads(proc.stdout.strip().splitlines()[0]) if proc.stdout.strip() else {}
    except ValueError:
        data = {}
    if not data.get("fingerprint"):
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "fpcalc failed"
        raise MediaRejected(f"{name} could not be fingerprinted ({reason}); skipped.")
    return np.asarray(data["fingerprint"], dtype=np.int64).astype(np.uint32)


def recording_entry(path: Path, *, label: str = "") -> dict[str, Any]:
    fp = fingerprint(path, name=str(path))
    return {
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "name": path.name,
        "label": label,
        "fingerprint": [int(v) for v in fp],
    }


def _similarity(q: np.ndarray, r: np.ndarray, offset: int) -> tuple[float, int]:
    """Share of equal bits when ``q[i]`` aligns with ``r[i + offset]``, and the overlap length."""
    qs = max(0, -offset)
    rs = max(0, offset)
    n = min(len(q) - qs, len(r) - rs)
    if n <= 0:
        return 0.0, 0
    x = np.bitwise_xor(q[qs : qs + n], r[rs : rs + n])
    bits = np.unpackbits(x.view(np.uint8)).sum()
    return 1.0 - float(bits) / (32.0 * n), n


def align(query: np.ndarray, reference: np.ndarray, *, min_overlap: int = 40) -> tuple[float, float]:
    """Best ``(similarity, offset_seconds)`` of ``query`` inside ``reference``.

    ``offset_seconds`` is where the query starts in the reference (negative if it starts before).
    """
    if len(query) == 0 or len(reference) == 0:
        return 0.0, 0.0
    votes: Counter[int] = Counter()
    for shift in (12, 16):
        positions: dict[int, list[int]] = {}
        for j, v in enumerate((reference >> shift).tolist()):
            positions.setdefault(v, []).append(j)
        for i, v in enumerate((query >> shift).tolist()):
            for j in positions.get(v, ())[:50]:
                votes[j - i] += 1
    candidates = {o + d for o, _ in votes.most_common(8) for d in (-1, 0, 1)}
    if not candidates:
        candidates = set(range(-len(query) + min_overlap, len(reference) - min_overlap, 4))
    need = min(min_overlap, len(query), len(reference))
    best = (0.0, 0)
    for offset in candidates:
        sim, n = _similarity(query, reference, offset)
        if n >= need and sim > best[0]:
            best = (sim, offset)
    return best[0], best[1] * ITEM_SECONDS
