"""The media pipeline never stops a crawl: an exposed biometrics key disables the media
detectors with the reason, and posts without media pass untouched (no models loaded)."""

from __future__ import annotations

import io

from PIL import Image

from crawler.config import load_config
from media.biometrics import BiometricStore
from tests.conftest import crawl
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
