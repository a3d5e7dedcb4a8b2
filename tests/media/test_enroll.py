"""Enrolment: consent first, encrypted templates, refusals with reasons, erasure recorded."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from PIL import Image

from crawler.config import load_config
from crawler.exceptions import ConfigError
from media.biometrics import BiometricStore
from media.errors import ConsentMissing
from tests.conftest import mamori

pytestmark = pytest.mark.media

OBAMA = "examples__obama.jpg"


def _consent(cfg: Path, emp: str = "E001", scope: str = "face") -> None:
    mamori(
        "enroll",
        "consent",
        "--config",
        str(cfg),
        "--employee",
        emp,
        "--scope",
        scope,
        "--policy-version",
        "2026-04",
        "--by",
        "legal@example.com",
    )


def test_enrolment_needs_consent_and_stores_only_encrypted_templates(make_config, faces_dir, tmp_path):
    cfg = make_config()
    refused = mamori(
        "enroll", "face", "--config", str(cfg), "--employee", "E001", str(faces_dir / OBAMA), check=False
    )
    assert refused.returncode != 0
    assert "no recorded consent of employee E001 to face" in refused.stderr
    assert not (tmp_path / "data" / "biometrics" / "templates").exists()

    _consent(cfg)
    ok = mamori("enroll", "face", "--config", str(cfg), "--employee", "E001", str(faces_dir / OBAMA))
    assert "Enrolled 1 face template(s) for E001" in ok.stdout

    key = tmp_path / "biometrics.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    template_file = tmp_path / "data" / "biometrics" / "templates" / "E001.enc"
    blob = template_file.read_bytes()
    store = BiometricStore.from_config(load_config(cfg))
    vectors = store.gallery("face")["E001"]
    assert len(vectors) == 1 and len(vectors[0]) == 128
    for value in vectors[0][:5]:
        assert f"{value:.5f}"[:-1].encode() not in blob
    assert b"vector" not in blob and b"E001" not in blob
    # The photo itself is not kept.
    assert not (tmp_path / "data" / "biometrics" / "raw").exists()
    consent = [
        json.loads(x) for x in (tmp_path / "data" / "biometrics" / "consent.jsonl").read_text().splitlines()
    ]
    assert consent[0]["policy_version"] == "2026-04" and consent[0]["by"] == "legal@example.com"

    # Voice is outside the recorded scope.
    with pytest.raises(ConsentMissing, match="covers only face"):
        store.require_consent("E001", "voice")

    gone = mamori("enroll", "delete", "--config", str(cfg), "--employee", "E001", "--by", "dpo")
    assert "Erased 1 face and 0 voice template(s) of E001" in gone.stdout
    assert not template_file.exists()
    fresh = BiometricStore.from_config(load_config(cfg))
    assert fresh.gallery("face") == {}
    assert fresh.erasures()[-1]["employee_id"] == "E001"
    assert fresh.consent_for("E001") is None


def test_photos_with_zero_or_two_faces_are_refused(make_config, faces_dir, tmp_path):
    cfg = make_config()
    _consent(cfg, "E002")
    blank = tmp_path / "wall.png"
    Image.new("RGB", (320, 240), (200, 190, 180)).save(blank)
    proc = mamori(
        "enroll",
        "face",
        "--config",
        str(cfg),
        "--employee",
        "E002",
        str(blank),
        str(faces_dir / "examples__two_people.jpg"),
        str(faces_dir / "examples__biden.jpg"),
        check=False,
    )
    assert proc.returncode == 1
    assert f"{blank} shows no face" in proc.stderr
    assert "examples__two_people.jpg shows 2 faces" in proc.stderr
    assert "Enrolled 1 face template(s) for E002; 2 file(s) refused." in proc.stdout


def test_key_inside_data_directory_is_refused(make_config):
    cfg = make_config('[biometrics]\nkey_file = "data/secret.key"\n')
    store = BiometricStore.from_config(load_config(cfg))
    with pytest.raises(ConfigError, match="inside the data directory"):
        store.vault(create=True)


@pytest.mark.slow
def test_voice_enrolment_and_registries_through_the_cli(make_config, faces_dir, libri_dir, tmp_path):
    cfg = make_config()
    clips = [str(p) for p in sorted((libri_dir / "1688").glob("*.flac"))[:2]]
    refused = mamori("enroll", "voice", "--config", str(cfg), "--employee", "E003", *clips, check=False)
    assert "no recorded consent of employee E003 to voice" in refused.stderr
    _consent(cfg, "E003", "voice")
    ok = mamori("enroll", "voice", "--config", str(cfg), "--employee", "E003", *clips)
    assert "Enrolled 2 voice template(s) for E003; 0 file(s) refused." in ok.stdout
    unknown = mamori("enroll", "voice", "--config", str(cfg), "--employee", "E999", *clips, check=False)
    assert "'E999' is not in the roster" in unknown.stderr

    photo = mamori(
        "enroll",
        "known-photo",
        "--config",
        str(cfg),
        "--label",
        "ID cards",
        str(faces_dir / "examples__obama.jpg"),
        str(faces_dir / "examples__obama.jpg"),
    )
    assert "Registered 1 new known photo(s)." in photo.stdout
    rec = mamori("enroll", "known-recording", "--config", str(cfg), clips[0])
    assert "Registered 1 new known recording(s)." in rec.stdout
    listing = mamori("enroll", "list", "--config", str(cfg)).stdout
    assert "voice\tE003\t2 template(s)" in listing
    store = BiometricStore.from_config(load_config(cfg))
    assert len(store.gallery("voice")["E003"][0]) == 256
    assert store.known("photos")[0]["label"] == "ID cards"
    assert len(store.known("recordings")[0]["fingerprint"]) > 50
