"""Video frames with ffmpeg: ``video_fps`` frames per second, at most ``video_max_frames``,
scaled so the longer side is ≤ ``max_side``; returned as ``(time_s, PIL image)``."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from media.audio import require_binary
from media.errors import MediaRejected


def sample_frames(
    path: Path, info: dict[str, Any], limits: Any, *, name: str = "video"
) -> list[tuple[float, Image.Image]]:
    video = next((s for s in info.get("streams") or [] if s.get("codec_type") == "video"), None)
    if video is None:
        return []
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise MediaRejected(f"{name} has a video stream without a frame size; skipped.")
    if width * height > limits.max_pixels:
        raise MediaRejected(f"{name} has {width}×{height} frames, over the pixel limit; skipped.")
    scale = min(1.0, limits.max_side / max(width, height))
    w, h = max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)
    proc = subprocess.run(
        [
            require_binary("ffmpeg"),
            "-v",
            "error",
            "-nostdin",
            "-i",
            str(path),
            "-t",
            str(limits.max_duration),
            "-an",
            "-vf",
            f"fps={limits.video_fps},scale={w}:{h}",
            "-frames:v",
            str(limits.video_max_frames),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        timeout=300,
    )
    if proc.returncode != 0 and not proc.stdout:
        reason = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["decoding failed"])[-1]
        raise MediaRejected(f"{name} could not be decoded as video ({reason}); skipped.")
    size = w * h * 3
    count = len(proc.stdout) // size
    frames = []
    for i in range(count):
        arr = np.frombuffer(proc.stdout, dtype=np.uint8, count=size, offset=i * size).reshape(h, w, 3)
        frames.append((i / limits.video_fps, Image.fromarray(arr)))
    return frames
