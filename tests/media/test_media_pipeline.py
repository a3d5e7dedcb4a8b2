"""The media pipeline never stops a crawl: an exposed biometrics key disables the media
detectors with the reason, and posts without media pass untouched (no models loaded)."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

from crawler.config import load_config
from media.biometrics import BiometricStore
from media.known import photo_entry
from tests.conftest import crawl, mamori
from tests.replay import Reply


def test_exposed_key_disables_media_detectors_and_the_crawl_goes_on(make_config, replay, tmp_path):
    base = replay.base_url
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 20, 30)).save(buf, "JPEG")
    replay.add("/m/a.jpg", Reply(buf.getvalue(), content_type="image/jpeg"))
    replay.add(
        "/feed.xml",
        Reply(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>x</link>'
            f"<item><guid>1</guid><title>plain</title><link>{base}/p/1</link><description>text only</description></item>"
            f"<item><guid>2</guid><title>pic</title><link>{base}/p/2</link><description>a photo</description>"
            f'<enclosure url="{base}/m/a.jpg" type="image/jpeg" length="1"/></item>'
            "</channel></rss>",
            content_type="application/rss+xml",
        ),
    )
    cfg = make_config(f'[[sources]]\ntype = "rss"\nname = "f"\nurl = "{base}/feed.xml"\nschedule = "1m"\n')
    store = BiometricStore.from_config(load_config(cfg))
    store.record_consent("E001", ["face"], "v1", "hr")
    store.add_templates("E001", "face", [([0.1] * 128, "x")])
    (tmp_path / "biometrics.key").chmod(0o644)

    summary = crawl(cfg, "f")
    stats = summary["stats"]
    assert summary["items"] == 2
    reason = stats["mamori/detectors/disabled/media.face_detector.FaceMatchDetector"]
    assert "readable by other users" in reason and "chmod 600" in reason
    assert "mamori/media/fetched" not in stats, "no detector can run, so nothing is downloaded"
    assert [r.path for r in replay.requests if r.path.startswith("/m/")] == []


def test_oversized_and_missing_media_are_refused_with_reasons(make_config, replay, tmp_path):
    base = replay.base_url
    rng = np.random.default_rng(5)
    noisy = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)).save(noisy, "JPEG")
    small = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(small, "JPEG")
    replay.add("/m/big.jpg", Reply(noisy.getvalue(), content_type="image/jpeg"))
    replay.add("/m/small.jpg", Reply(small.getvalue(), content_type="image/jpeg"))
    items = "".join(
        f"<item><guid>{n}</guid><title>{n}</title><link>{base}/p/{n}</link><description>d</description>"
        f'<enclosure url="{base}/m/{n}.jpg" type="image/jpeg" length="1"/></item>'
        for n in ("big", "small", "gone")
    )
    replay.add(
        "/feed.xml",
        Reply(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>x</link>{items}</channel></rss>",
            content_type="application/rss+xml",
        ),
    )
    cfg = make_config(
        f'[media]\nmax_bytes = 5000\n[[sources]]\ntype = "rss"\nname = "f"\nurl = "{base}/feed.xml"\n'
        'schedule = "1m"\n'
    )
    BiometricStore.from_config(load_config(cfg)).add_known(
        "photos", [photo_entry(small.getvalue(), name="badge.jpg")]
    )
    proc = mamori("crawl", "f", "--config", str(cfg), "--json")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["items"] == 3 and summary["hits"] == 1
    assert summary["stats"]["mamori/media/rejected"] == 2
    assert (
        "big.jpg could not be fetched: larger than the limit of 5,000 bytes ([media] max_bytes)"
        in proc.stderr
    )
    assert "gone.jpg answered HTTP 404; skipped." in proc.stderr
    assert summary["stats"]["mamori/findings/known_photo"] == 1
