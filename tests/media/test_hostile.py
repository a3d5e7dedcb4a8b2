"""Hostile and broken files are refused with a sentence that says why (no models loaded)."""

from __future__ import annotations

import io
import stat

import pytest
from PIL import Image

from media.audio import check_declared, declared_duration
from media.biometrics import BiometricStore
from media.errors import MediaRejected
from media.images import open_image
from media.sniff import sniff
from tests.media.test_media_crawl import png_bomb, silent_ten_hours


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_good_image_decodes_and_sniffing_ignores_the_claimed_type():
    assert open_image(_jpeg(), name="ok.jpg").size == (64, 48)
    assert sniff(_jpeg()) == "image/jpeg"
    assert sniff(b"<!DOCTYPE html><html>") == "text/html"
    assert sniff(silent_ten_hours()) == "audio/wav"


@pytest.mark.parametrize(
    ("data", "limits", "reason"),
    [
        (png_bomb(), {}, "possible decompression bomb"),
        (png_bomb(9000, 9000), {}, "declares 9000×9000 = 81,000,000 pixels, over the limit of 40,000,000"),
        (_jpeg()[:-300], {}, "is a truncated JPEG"),
        (b"<html><body>Login required</body></html>", {}, "is not an image (its content is text/html"),
        (_jpeg(), {"max_bytes": 100}, "over the limit of 100 ([media] max_bytes)"),
        (b"\x00\x01garbage", {}, "is not an image (its content is not a known format"),
    ],
)
def test_bad_images_are_refused_with_the_reason(data, limits, reason):
    with pytest.raises(MediaRejected, match=None) as info:
        open_image(data, name="http://x/p.jpg", **limits)
    assert reason in str(info.value)
    assert str(info.value).startswith("http://x/p.jpg ")


def test_a_header_claiming_ten_hours_is_refused_before_decoding():
    data = silent_ten_hours()
    assert declared_duration(data) == 36_000
    with pytest.raises(MediaRejected, match=r"declares a duration of 36,000 s \(10.0 hours\)"):
        check_declared(data, 1800, name="s.wav")


def test_raw_enrolment_files_are_kept_only_when_configured_and_encrypted(tmp_path):
    store = BiometricStore(
        tmp_path / "data" / "biometrics", tmp_path / "keys" / "k", tmp_path / "data", keep_raw=True
    )
    store.record_consent("E9", ["face", "voice"], "v1", "hr")
    photo = _jpeg()
    assert store.add_templates("E9", "face", [([0.125] * 128, "sha")], [("p.jpg", photo)]) == 1
    assert store.add_templates("E9", "face", [([0.125] * 128, "sha")]) == 0, (
        "the same photo is not enrolled twice"
    )
    raw = tmp_path / "data" / "biometrics" / "raw" / "E9" / "p.jpg.enc"
    assert raw.exists() and photo[:32] not in raw.read_bytes()
    assert stat.S_IMODE((tmp_path / "keys" / "k").stat().st_mode) == 0o600
    assert store.gallery("face") == {"E9": [[0.125] * 128]}
    assert store.delete("E9", "dpo") == {"face": 1, "voice": 0}
    assert not raw.parent.exists()
    assert store.gallery("face") == {}


def test_a_key_readable_by_others_is_refused(tmp_path):
    key = tmp_path / "k"
    store = BiometricStore(tmp_path / "d" / "b", key, tmp_path / "d")
    store.vault(create=True)
    key.chmod(0o644)
    from crawler.exceptions import ConfigError

    with pytest.raises(ConfigError, match="chmod 600"):
        BiometricStore(tmp_path / "d" / "b", key, tmp_path / "d").vault()
