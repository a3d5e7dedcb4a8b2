"""Media detectors for sound: ``voice_match`` (enrolled employees' voices in audio and video
soundtracks, over sliding windows) and ``known_recording`` (copies of registered recordings,
found with chromaprint even when trimmed or re-encoded, with their offset)."""

from __future__ import annotations

from typing import Any

import numpy as np

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post
from media.biometrics import BiometricStore
from media.face_detector import MediaDetector
from media.fetched import FetchedMedia


class VoiceMatchDetector(MediaDetector):
    """Voices of enrolled employees (who consented), with the time range where they speak."""

    name = "voice_match"
    labels = ("voice_match",)
    kinds = ("audio", "video")

    def __init__(self, gallery: Any, threshold: float, window: float, hop: float) -> None:
        self.gallery = gallery
        self.threshold = threshold
        self.window = window
        self.hop = hop

    @classmethod
    def from_config(cls, config: Any) -> VoiceMatchDetector:
        from media.voice import VoiceGallery

        store = BiometricStore.from_config(config)
        templates = store.gallery("voice") if store.key_file.exists() else {}
        if not templates:
            raise DetectorUnavailable(
                "No employee's voice is enrolled (with consent); use 'mamori enroll voice'."
            )
        m = config.media
        return cls(VoiceGallery(templates), m.voice_threshold, m.voice_window, m.voice_hop)

    def detect_media(self, post: Post, media: FetchedMedia) -> list[Finding]:
        from media.voice import windows

        wav = media.audio()
        if len(wav) == 0:
            return []
        spans: dict[str, list[tuple[float, float, float]]] = {}
        for win in windows(wav, window=self.window, hop=self.hop):
            scores = self.gallery.scores(win.embedding)
            i = int(np.argmax(scores))
            if scores[i] >= self.threshold:
                spans.setdefault(self.gallery.ids[i], []).append((win.start, win.end, float(scores[i])))
        findings = []
        for emp, hits in spans.items():
            start, end = min(h[0] for h in hits), max(h[1] for h in hits)
            best = max(h[2] for h in hits)
            findings.append(
                Finding(
                    detector=self.name,
                    label="voice_match",
                    severity="high",
                    score=round(best, 4),
                    explanation=(
                        f"The {media.kind} {media.url} contains the voice of employee {emp} between "
                        f"{start:.1f} s and {end:.1f} s (similarity {best:.2f}, threshold {self.threshold:.2f})."
                    ),
                    employee_id=emp,
                    extra=(
                        ("media_url", media.url),
                        ("similarity", round(best, 4)),
                        ("time_ranges", tuple((round(a, 2), round(b, 2)) for a, b, _ in hits)),
                        ("time_start", round(start, 2)),
                        ("time_end", round(end, 2)),
                    ),
                )
            )
        return findings


class KnownRecordingDetector(MediaDetector):
    """Re-posted copies of recordings the company registered (e.g. call recordings)."""

    name = "known_recording"
    labels = ("known_recording",)
    kinds = ("audio", "video")

    def __init__(self, known: list[dict[str, Any]], min_score: float) -> None:
        self.known = [(k, np.asarray(k["fingerprint"], dtype=np.int64).astype(np.uint32)) for k in known]
        self.min_score = min_score

    @classmethod
    def from_config(cls, config: Any) -> KnownRecordingDetector:
        store = BiometricStore.from_config(config)
        known = store.known("recordings") if store.key_file.exists() else []
        if not known:
            raise DetectorUnavailable(
                "No known recording is registered; use 'mamori enroll known-recording'."
            )
        return cls(known, config.media.recording_min_score)

    def detect_media(self, post: Post, media: FetchedMedia) -> list[Finding]:
        from media.audio import has_audio
        from media.known import align, fingerprint

        if not has_audio(media.info()):
            return []
        query = fingerprint(media.path(), max_duration=media.limits.max_duration, name=media.url)
        findings = []
        for entry, ref in self.known:
            score, offset = align(query, ref)
            if score < self.min_score:
                continue
            findings.append(
                Finding(
                    detector=self.name,
                    label="known_recording",
                    severity="high",
                    score=round(score, 4),
                    explanation=(
                        f"The {media.kind} {media.url} is a copy of the registered recording "
                        f"{entry['name']} starting {offset:.1f} s into it (fingerprint similarity {score:.2f})."
                    ),
                    extra=(
                        ("known_name", entry["name"]),
                        ("media_url", media.url),
                        ("offset_seconds", round(offset, 2)),
                    ),
                )
            )
        return findings
