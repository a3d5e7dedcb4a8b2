"""Speaker embeddings with resemblyzer (weights shipped with the package; torch on CPU).

Enrolment embeds each clip (voice-activity trimmed) into a 256-d unit vector; an employee's
voice print is the normalized mean of their clips. Posts' audio is scanned with sliding
windows (``window`` s every ``hop`` s); silent windows are skipped. Similarities are cosine.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from media.audio import SAMPLE_RATE

DEFAULT_THRESHOLD = 0.75
"""Calibrated on 10 LibriSpeech speakers: same speaker ≥ 0.80, different ≤ 0.695 (docs/media.md)."""


@lru_cache(maxsize=1)
def encoder() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch
        from resemblyzer import VoiceEncoder

        torch.set_num_threads(1)
        return VoiceEncoder(device="cpu", verbose=False)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def embed_clip(wav: np.ndarray) -> np.ndarray:
    """One embedding for a whole enrolment clip (16 kHz mono float)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer import preprocess_wav

        trimmed = preprocess_wav(wav, source_sr=SAMPLE_RATE)
    if len(trimmed) < SAMPLE_RATE:  # less than a second of speech
        trimmed = wav
    return _unit(encoder().embed_utterance(trimmed))


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    embedding: np.ndarray


def windows(
    wav: np.ndarray, *, window: float = 3.0, hop: float = 1.5, min_rms: float = 0.005
) -> list[Window]:
    """Embeddings of sliding windows over ``wav``; windows quieter than ``min_rms`` skipped."""
    size, step = int(window * SAMPLE_RATE), int(hop * SAMPLE_RATE)
    if len(wav) <= size:
        starts = [0]
    else:
        starts = list(range(0, len(wav) - size + 1, step))
        if starts[-1] + size < len(wav):
            starts.append(len(wav) - size)
    peak = float(np.max(np.abs(wav))) if len(wav) else 0.0
    norm = wav / peak if peak > 0 else wav
    enc = encoder()
    out: list[Window] = []
    for s in starts:
        seg = norm[s : s + size]
        if len(seg) < SAMPLE_RATE or float(np.sqrt(np.mean(seg**2))) < min_rms:
            continue
        out.append(Window(s / SAMPLE_RATE, (s + len(seg)) / SAMPLE_RATE, _unit(enc.embed_utterance(seg))))
    return out


class VoiceGallery:
    """Enrolled voice prints: one normalized mean embedding per employee."""

    def __init__(self, gallery: dict[str, list[list[float]]]) -> None:
        self.ids = sorted(gallery)
        self.matrix = np.asarray(
            [_unit(np.mean(np.asarray(gallery[e], dtype=np.float64), axis=0)) for e in self.ids],
            dtype=np.float64,
        ).reshape(len(self.ids), -1)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, embedding: np.ndarray) -> np.ndarray:
        return self.matrix @ embedding if self.ids else np.zeros(0)

    def best(self, embedding: np.ndarray) -> tuple[str | None, float]:
        if not self.ids:
            return None, -1.0
        s = self.scores(embedding)
        i = int(np.argmax(s))
        return self.ids[i], float(s[i])
