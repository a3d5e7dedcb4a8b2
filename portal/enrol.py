"""Enrolment of an employee's own photos and voice clips from the portal (templates only).

Consent is checked first (:meth:`media.biometrics.BiometricStore.require_consent`). A photo
must show exactly one face; a voice clip must hold at least 3 s of audio. Only the templates
(128-d face encodings, 256-d voice embeddings) are stored, encrypted; the uploads are not kept
unless ``[biometrics] keep_raw`` is true, and temporary files are deleted at once. Nothing
biometric is logged.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from media.errors import MediaRejected

MODALITIES = ("face", "voice")


def face_template(data: bytes, name: str, config: Any) -> list[float]:
    from media.faces import find_faces
    from media.images import open_image

    image = open_image(data, name=name, max_bytes=config.media.max_bytes, max_pixels=config.media.max_pixels)
    faces = find_faces(image)
    if len(faces) != 1:
        what = "no face" if not faces else f"{len(faces)} faces"
        raise MediaRejected(
            f"{name} shows {what}; an enrolment photo must show exactly one face, yours, clearly and at "
            "least about 80 pixels wide. Crop it or choose another photo."
        )
    return [float(v) for v in faces[0].encoding]


def voice_template(data: bytes, name: str, config: Any) -> list[float]:
    from media.audio import load_audio
    from media.voice import embed_clip

    config.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=config.data_dir, suffix=Path(name).suffix[:10]) as tmp:
        tmp.write(data)
        tmp.flush()
        wav = load_audio(Path(tmp.name), max_duration=600, name=name)
    if len(wav) < 16_000 * 3:
        raise MediaRejected(
            f"{name} holds {len(wav) / 16000:.1f} s of audio; give clips of at least 3 s of speech."
        )
    return [float(v) for v in embed_clip(wav)]


def enrol(
    store: Any, config: Any, employee_id: str, modality: str, uploads: list[tuple[str, bytes]]
) -> tuple[int, list[str]]:
    """Add templates from ``uploads`` ``[(file name, bytes)]``; return (added, refusal messages)."""
    if modality not in MODALITIES:
        raise MediaRejected(f"{modality!r} cannot be enrolled; use face or voice.")
    store.require_consent(employee_id, modality)
    make = face_template if modality == "face" else voice_template
    templates: list[tuple[list[float], str]] = []
    raw: list[tuple[str, bytes]] = []
    refused: list[str] = []
    for name, data in uploads:
        safe = Path(name or "upload").name[:100]
        try:
            vector = make(data, safe, config)
        except MediaRejected as exc:
            refused.append(str(exc))
            continue
        digest = hashlib.sha256(data).hexdigest()
        templates.append((vector, digest))
        raw.append((digest[:16] + Path(safe).suffix.lower()[:10], data))
    added = store.add_templates(employee_id, modality, templates, raw) if templates else 0
    return added, refused
