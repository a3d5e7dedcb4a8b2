"""Enrolment from the portal with the real face and voice models (templates only, consent first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.biometrics import BiometricStore
from tests.portal.conftest import Env

pytestmark = [pytest.mark.media, pytest.mark.slow]


def _token(client: object) -> str:
    return str(client.get("/api/v1/me").get_json()["csrf_token"])  # type: ignore[attr-defined]


def _upload(client: object, modality: str, *paths: Path) -> object:
    files = [(p.open("rb"), p.name) for p in paths]
    try:
        return client.post(
            f"/me/enrol/{modality}",
            data={"csrf_token": _token(client), "files": files},  # type: ignore[attr-defined]
            content_type="multipart/form-data",
        )
    finally:
        for fh, _name in files:
            fh.close()


def test_face_enrolment_needs_consent_keeps_only_templates_and_is_erased(
    portal_env: Env, shared_data: Path
) -> None:
    faces = shared_data / "faces" / "ageitgey_face_recognition"
    one = faces / "examples__knn_examples__test__obama1.jpg"
    two = faces / "examples__knn_examples__test__obama_and_biden.jpg"
    a = portal_env.client("emp_a")
    resp = _upload(a, "face", one)
    assert resp.status_code == 400 and "consent" in resp.get_data(as_text=True)  # type: ignore[attr-defined]
    store = BiometricStore.from_config(portal_env.config)
    assert store.gallery("face") == {}
    a.post("/me/consent", data={"scope": "face", "csrf_token": _token(a)})
    resp = _upload(a, "face", one, two)
    page = resp.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "1 face template(s) added" in page and "2 faces" in page
    gallery = store.gallery("face")
    assert list(gallery) == ["E001"] and len(gallery["E001"]) == 1 and len(gallery["E001"][0]) == 128
    # Only the encrypted template is stored: no copy of the photo anywhere in the data folder.
    photo = one.read_bytes()
    for f in portal_env.config.data_dir.rglob("*"):
        if f.is_file():
            assert photo[:4096] not in f.read_bytes(), f
    # Voice was not consented to.
    resp = _upload(a, "voice", one)
    assert resp.status_code == 400 and "consent to voice" in resp.get_data(as_text=True)  # type: ignore[attr-defined]
    a.post("/me/consent/withdraw", data={"csrf_token": _token(a)})
    assert store.gallery("face") == {}
    assert store.erasures()[-1]["templates"]["face"] == 1


def test_voice_enrolment(portal_env: Env, shared_data: Path) -> None:
    clip = shared_data / "audio" / "resemblyzer" / "librispeech_test-other" / "1688" / "1688-142285-0000.flac"
    if not clip.exists():
        pytest.skip(f"{clip} is not in the shared data")
    b = portal_env.client("emp_b")
    b.post("/me/consent", data={"scope": "voice", "csrf_token": _token(b)})
    resp = _upload(b, "voice", clip)
    assert "1 voice template(s) added" in resp.get_data(as_text=True)  # type: ignore[attr-defined]
    gallery = BiometricStore.from_config(portal_env.config).gallery("voice")
    assert list(gallery) == ["E002"] and len(gallery["E002"][0]) == 256
