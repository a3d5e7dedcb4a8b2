"""Media thumbnails on the hit page come from mamori's own evidence captures (real captures in
headless Chromium of a local site), never from the third-party host."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from crawler.items import Author, Finding, MediaRef, Post
from portal.thumbs import ThumbnailError, make_thumbnail
from tests.portal.conftest import (
    CAPTURE_TOML,
    Env,
    _finding,
    bomb_png,
    build_env,
    capture,
    close_env,
    media_site,
    png_bytes,
    seed,
)
from tests.replay import Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("portal-thumbs")]


def post(post_id: str, base: str, media: str, *, face_of: str | None = None) -> Post:
    text = "ミナト通信の田中 美咲は詐欺師だ。"
    findings = [_finding(text, "詐欺師", "defamation", "high", "E001", "lexicon", "calls E001 a fraud")]
    if face_of:
        findings.append(
            Finding(
                detector="face",
                label="face_match",
                severity="high",
                score=0.7,
                explanation=f"The image shows the face of employee {face_of}.",
                employee_id=face_of,
                extra=(("media_url", f"{base}{media}"),),
            )
        )
    return Post(
        platform="5ch",
        source="board",
        id=post_id,
        url=f"{base}/a1",
        text=text,
        author=Author(handle="anon"),
        published_at=datetime.now(UTC) - timedelta(hours=1),
        lang="ja",
        media=[MediaRef(url=f"{base}{media}")],
        findings=findings,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Env, Any]]:
    site = media_site()
    site.add("/bomb.png", Reply(bomb_png(), content_type="image/png"))
    env = build_env(tmp_path_factory.mktemp("thumbs"), CAPTURE_TOML, base=site.base_url)
    base = site.base_url
    seed(
        env.config,
        [
            post("5ch:shot", base, "/gone.jpg"),  # the host answers 404: only the page screenshot
            post("5ch:bomb", base, "/bomb.png"),
            post("5ch:pending", base, "/a1.jpg"),  # never captured
            post("5ch:face", base, "/a1.jpg", face_of="E002"),  # shows employee B's face
        ],
    )
    capture(env, "5ch:a1", "5ch:shot", "5ch:bomb")
    yield env, site
    close_env(env)
    site.stop()


def test_the_thumbnail_comes_from_the_capture_and_never_from_the_host(env: tuple[Env, Any]) -> None:
    portal_env, site = env
    client = portal_env.client("legal")
    html = client.get("/hits/5ch:a1").get_data(as_text=True)
    assert '<img class="thumb" src="/hits/5ch:a1/media/0/thumb"' in html
    assert 'src="http' not in html, "no image is hotlinked from another host"
    fetched_before = sum(r.path == "/a1.jpg" for r in site.requests)
    resp = client.get("/hits/5ch:a1/media/0/thumb")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"] == "image/jpeg"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert resp.headers["Cache-Control"] == "private, max-age=86400"
    assert resp.headers["X-Mamori-Thumbnail-Source"] == "warc"
    thumb = Image.open(io.BytesIO(resp.data))
    assert thumb.format == "JPEG" and thumb.size == (320, 213)
    red, green, _blue = thumb.convert("RGB").getpixel((5, 5))  # type: ignore[misc]
    assert red > 150 and green < 80, "the captured image's own colours"
    assert sum(r.path == "/a1.jpg" for r in site.requests) == fetched_before, "the host is not contacted"
    again = client.get("/hits/5ch:a1/media/0/thumb", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    cached = list((portal_env.config.data_dir / "portal" / "thumbs").glob("*.jpg"))
    assert [p.read_bytes() for p in cached] == [resp.data]
    audit = portal_env.app.extensions["mamori"].audit.list(object_id="5ch:a1#0")
    assert audit and audit[0]["action"] == "read" and audit[0]["username"] == "legal"


def test_the_page_screenshot_stands_in_for_an_image_the_capture_did_not_get(env: tuple[Env, Any]) -> None:
    portal_env, _site = env
    legal = portal_env.client("legal")
    assert 'data-state="screenshot"' in legal.get("/hits/5ch:shot").get_data(as_text=True)
    resp = legal.get("/hits/5ch:shot/media/0/thumb")
    assert resp.status_code == 200 and resp.headers["X-Mamori-Thumbnail-Source"] == "screenshot"
    assert max(Image.open(io.BytesIO(resp.data)).size) == 320
    # An employee never gets the whole-page screenshot (it may show other people's names).
    emp = portal_env.client("emp_a")
    assert 'data-state="missing"' in emp.get("/hits/5ch:shot").get_data(as_text=True)
    assert emp.get("/hits/5ch:shot/media/0/thumb").status_code == 404


def test_a_decompression_bomb_is_refused_with_a_clear_error(env: tuple[Env, Any]) -> None:
    portal_env, _site = env
    resp = portal_env.client("legal").get("/hits/5ch:bomb/media/0/thumb")
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "refused before decoding as a possible decompression bomb" in text
    assert "400000000 pixels" in text, "the message names the size"


def test_limits_of_the_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import ImageFile

    # Pillow's default; importing face_recognition (enrolment tests) switches it on process-wide,
    # and then a truncated image gives a partly grey thumbnail instead of an error.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    with pytest.raises(ThumbnailError, match="above the limit of 40 Mpx"):
        make_thumbnail(bomb_png(8000))
    with pytest.raises(ThumbnailError, match="not an image") as not_image:
        make_thumbnail(b"<html><script>alert(1)</script></html>")
    assert not_image.value.status == 415
    with pytest.raises(ThumbnailError, match="damaged or truncated"):
        make_thumbnail(png_bytes()[:2000])
    with pytest.raises(ThumbnailError, match="larger than 25 MB"):
        make_thumbnail(b"\x89PNG" + b"\0" * 25_000_001)
    small = Image.open(io.BytesIO(make_thumbnail(png_bytes(100, 40))))
    assert small.size == (100, 40), "small images are not enlarged"


def test_a_hit_without_a_capture_shows_a_placeholder(env: tuple[Env, Any]) -> None:
    portal_env, _site = env
    legal = portal_env.client("legal")
    html = legal.get("/hits/5ch:pending").get_data(as_text=True)
    assert "Capture pending" in html and 'class="thumb"' not in html
    resp = legal.get("/hits/5ch:pending/media/0/thumb")
    assert resp.status_code == 404 and "pending" in resp.get_data(as_text=True)


def test_media_showing_another_employee_is_withheld_from_an_employee(env: tuple[Env, Any]) -> None:
    portal_env, _site = env
    emp = portal_env.client("emp_a")
    html = emp.get("/hits/5ch:face").get_data(as_text=True)
    assert "/a1.jpg" not in html and "media-item" not in html
    assert emp.get("/hits/5ch:face/media/0/thumb").status_code == 404
    assert emp.get("/api/v1/hits/5ch:face").get_json()["media"] == []
    # Employee B, whose face it is, sees the item (pending: this hit has no capture yet).
    assert 'data-state="pending"' in portal_env.client("emp_b").get("/hits/5ch:face").get_data(as_text=True)
    legal = portal_env.client("legal").get("/hits/5ch:face").get_data(as_text=True)
    assert 'data-state="pending"' in legal
