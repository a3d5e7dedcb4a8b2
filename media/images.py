"""Decoding images safely: sniffed type, byte and pixel limits, truncation, downscaling.

Every refusal raises :class:`media.errors.MediaRejected` with a sentence saying what was
wrong (the pipeline logs it and the crawl goes on).
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

from media.errors import MediaRejected
from media.sniff import sniff

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp")


def open_image(
    data: bytes, *, name: str = "image", max_bytes: int = 25_000_000, max_pixels: int = 40_000_000
) -> Image.Image:
    """Check and decode ``data`` into an RGB :class:`PIL.Image.Image`."""
    if len(data) > max_bytes:
        raise MediaRejected(
            f"{name} is {len(data):,} bytes, over the limit of {max_bytes:,} ([media] max_bytes)."
        )
    mime = sniff(data)
    if mime not in IMAGE_TYPES:
        what = mime or "not a known format"
        raise MediaRejected(
            f"{name} is not an image (its content is {what}, first bytes {data[:16]!r}); skipped."
        )
    if mime == "image/jpeg" and b"\xff\xd9" not in data[-4096:]:
        raise MediaRejected(f"{name} is a truncated JPEG (no end-of-image marker); skipped.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > max_pixels:
                raise MediaRejected(
                    f"{name} declares {width}×{height} = {width * height:,} pixels, over the limit of "
                    f"{max_pixels:,} ([media] max_pixels): a possible decompression bomb; skipped."
                )
            img.load()
    except MediaRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRejected(f"{name} is a possible decompression bomb ({exc}); skipped.") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaRejected(f"{name} could not be decoded as {mime} ({exc}); skipped.") from None
    upright: Image.Image = ImageOps.exif_transpose(img) or img
    return upright.convert("RGB")


def downscale(img: Image.Image, max_side: int) -> tuple[np.ndarray, float]:
    """Return the image as an RGB array with its longer side ≤ ``max_side`` and the scale used."""
    longest = max(img.size)
    if longest <= max_side:
        return np.asarray(img), 1.0
    scale = max_side / longest
    small = img.resize(
        (max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.BILINEAR
    )
    return np.asarray(small), scale
