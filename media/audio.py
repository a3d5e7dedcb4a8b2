"""Decoding audio and video soundtracks with ffmpeg, with duration and size limits.

The declared duration is read with ffprobe *before* decoding, so a tiny file whose header
claims ten hours is refused without decoding anything; decoding is also capped with ``-t``.
Bytes go through a private temporary file that is deleted at once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from crawler.exceptions import DetectorUnavailable
from media.errors import MediaRejected

SAMPLE_RATE = 16_000


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DetectorUnavailable(f"The program {name} is not installed; install the Debian package ffmpeg.")
    return path


@contextmanager
def as_file(data: bytes, suffix: str = ".bin") -> Iterator[Path]:
    """Write ``data`` to a private temporary file for ffmpeg, deleted on exit."""
    fd, name = tempfile.mkstemp(prefix="mamori-media-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield Path(name)
    finally:
        os.unlink(name)


def probe(path: Path, *, name: str = "media") -> dict[str, object]:
    """ffprobe's format and streams of ``path``; rejects what ffprobe cannot read."""
    proc = subprocess.run(
        [
            require_binary("ffprobe"),
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["unreadable"])[-1]
        raise MediaRejected(f"{name} is not readable audio or video ({reason}); skipped.")
    return dict(json.loads(proc.stdout or "{}"))


def duration_of(info: dict[str, object]) -> float:
    fmt = info.get("format") or {}
    values = [fmt.get("duration")] if isinstance(fmt, dict) else []
    for stream in info.get("streams") or []:  # type: ignore[attr-defined]
        values.append(stream.get("duration"))
    known = [float(v) for v in values if v not in (None, "N/A")]
    return max(known) if known else 0.0


def check_duration(path: Path, max_duration: float, *, name: str = "media") -> dict[str, object]:
    info = probe(path, name=name)
    duration = duration_of(info)
    if duration > max_duration:
        raise MediaRejected(
            f"{name} declares a duration of {duration:,.0f} s, over the limit of {max_duration:,.0f} s "
            "([media] max_duration); skipped."
        )
    return info


def has_audio(info: dict[str, object]) -> bool:
    return any(s.get("codec_type") == "audio" for s in info.get("streams") or [])  # type: ignore[attr-defined]


def has_video(info: dict[str, object]) -> bool:
    return any(
        s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
        for s in info.get("streams") or []  # type: ignore[attr-defined]
    )


def load_audio(path: Path, *, max_duration: float = 1800, name: str = "audio") -> np.ndarray:
    """Decode ``path`` to mono float32 at 16 kHz, at most ``max_duration`` seconds."""
    check_duration(path, max_duration, name=name)
    proc = subprocess.run(
        [
            require_binary("ffmpeg"),
            "-v",
            "error",
            "-nostdin",
            "-i",
            str(path),
            "-t",
            str(max_duration),
            "-vn",
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "-f",
            "f32le",
            "-",
        ],
        capture_output=True,
        timeout=max(60.0, max_duration / 10),
    )
    if proc.returncode != 0:
        reason = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["decoding failed"])[-1]
        raise MediaRejected(f"{name} could not be decoded ({reason}); skipped.")
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)


def declared_duration(data: bytes) -> float | None:
    """The duration a WAV or FLAC header *declares* (which may be a lie), in seconds."""
    import struct

    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        pos, byte_rate = 12, 0
        while pos + 8 <= min(len(data), 1 << 16):
            cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
            if cid == b"fmt " and pos + 16 <= len(data):
                byte_rate = struct.unpack("<I", data[pos + 16 : pos + 20])[0]
            elif cid == b"data":
                return size / byte_rate if byte_rate else None
            pos += 8 + size + (size & 1)
        return None
    if data[:4] == b"fLaC" and len(data) >= 26:
        info = int.from_bytes(data[18:26], "big")
        rate = info >> 44
        total = info & ((1 << 36) - 1)
        return total / rate if rate else None
    return None


def check_declared(data: bytes, max_duration: float, *, name: str = "audio") -> None:
    """Refuse a file whose header declares more than ``max_duration`` seconds."""
    declared = declared_duration(data)
    if declared is not None and declared > max_duration:
        hours = f" ({declared / 3600:.1f} hours)" if declared >= 3600 else ""
        raise MediaRejected(
            f"{name} declares a duration of {declared:,.0f} s{hours} in its header, over the limit of "
            f"{max_duration:,.0f} s ([media] max_duration); skipped."
        )
