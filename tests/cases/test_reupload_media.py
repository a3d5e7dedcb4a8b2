"""Media re-uploads: the images (and sound) of a watched case's post are fingerprinted from the
legal team's evidence capture, kept only as hashes, and a new hit with a near-duplicate copy
opens a linked case. Real photos (shared data), Pillow re-encodes, the real case store, the
real SQLite state database, a real evidence capture and a real crawl."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event, select

from cases.db import case_media
from cases.media_prints import print_of
from cases.reupload import ReuploadMatcher, link_reupload
from cases.store import CaseStore
from crawler.config import load_config
from crawler.items import MediaRef, Post
from index.base import hit_document
from media.fetched import Limits
from tests.cases.conftest import index_posts, make_post
from tests.conftest import crawl
from tests.replay import ReplayServer, Reply

EVIDENCE = """
[evidence]
key_file = "keys/evidence.pem"
allow_private_addresses = true
browser_path = "/nonexistent/chromium"
page_timeout = 4
"""


def photo(shared: Path, name: str) -> bytes:
    return (shared / "faces" / "ageitgey_face_recognition" / name).read_bytes()


def reencoded(data: bytes, *, scale: float = 1.0, crop: float = 0.0, quality: int = 55) -> bytes:
    """A resized, slightly cropped, JPEG re-encoded copy, as a re-uploader would make it."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    if crop:
        img = img.crop((int(w * crop), int(h * crop), int(w * (1 - crop)), int(h * (1 - crop))))
    if scale != 1.0:
        img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def hit_prints(data: bytes, url: str = "https://mirror.example/i.jpg") -> list[Any]:
    fp = print_of(data, url, Limits(), crops=False)
    assert fp is not None
    return [fp]


@pytest.fixture
def ev_cfg(make_config: Callable[..., Path]) -> Any:
    return load_config(make_config(EVIDENCE), check_sources=False)


def original_post(replay: ReplayServer, n: int = 1, image: str = "/img/orig.jpg") -> Post:
    post = replace(make_post(n), url=replay.url(f"/board/{n}"), media=[MediaRef(replay.url(image))])
    return post


def watched_case(config: Any, post: Post, status: str = "takedown_requested") -> Any:
    index_posts(config, post)
    store = CaseStore(config)
    case = store.open(post.id, actor="legal", reason="insult")
    return store.set_status(case.id, status, actor="legal")


def rows(config: Any) -> list[dict[str, Any]]:
    store = CaseStore(config)
    with store.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(case_media)).mappings()]


def test_takedown_fingerprints_the_images_of_the_evidence_capture_and_keeps_only_hashes(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path
) -> None:
    from evidence.capture import capture_hit

    original = photo(shared_data, "examples__obama.jpg")
    replay.add(
        "/board/1",
        Reply("<html><body>ミナト通信の田中はバカだ post 1</body></html>", content_type="text/html"),
    )
    replay.add("/img/orig.jpg", Reply(original, content_type="image/jpeg"))
    post = original_post(replay)
    capture_hit(ev_cfg, post)  # the legal team's capture keeps the image (no browser needed)
    replay.routes.pop("/img/orig.jpg")  # gone from the site: only the capture has it now
    fetched_before = len(replay.hits("/img/orig.jpg"))

    case = watched_case(ev_cfg, post)
    (row,) = rows(ev_cfg)
    assert row["case_id"] == case.id and row["kind"] == "image" and row["source"] == "evidence"
    assert len(row["phashes"].split(",")) >= 5 and row["chromaprint"] is None
    assert set(row) == {
        "id",
        "case_id",
        "kind",
        "sha256",
        "source",
        "media_url",
        "phashes",
        "chromaprint",
        "created_at",
    }
    assert len(replay.hits("/img/orig.jpg")) == fetched_before  # not fetched again
    media_event = CaseStore(ev_cfg).events(case.id)[-1]
    assert media_event.action == "media" and "evidence capture" in media_event.detail

    matcher = ReuploadMatcher.from_config(ev_cfg)
    matcher.refresh()
    copy = reencoded(original, scale=0.5, quality=40)
    match = matcher.match_media("rss:99", "https://mirror.example/p/99", hit_prints(copy))
    assert match is not None and match.original.case_id == case.id and match.how == "image"


def test_without_a_capture_the_media_of_the_case_are_fetched_once(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path
) -> None:
    replay.add("/img/orig.jpg", Reply(photo(shared_data, "examples__biden.jpg"), content_type="image/jpeg"))
    case = watched_case(ev_cfg, original_post(replay))
    (row,) = rows(ev_cfg)
    assert row["source"] == "fetched" and row["case_id"] == case.id
    assert row["media_url"] == replay.url("/img/orig.jpg")
    store = CaseStore(ev_cfg)
    store.set_status(case.id, "removed", actor="recheck")  # still watched: not fetched again
    assert len(replay.hits("/img/orig.jpg")) == 1 and len(rows(ev_cfg)) == 1


@pytest.mark.parametrize(
    ("name", "copy"),
    [
        ("resized to half, JPEG quality 40", {"scale": 0.5, "quality": 40}),
        ("re-encoded at quality 20", {"quality": 20}),
        ("3% cropped off each edge and resized", {"crop": 0.03, "scale": 0.7}),
    ],
)
def test_near_duplicates_of_the_original_image_match(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path, name: str, copy: dict[str, Any]
) -> None:
    original = photo(shared_data, "examples__knn_examples__train__rose_leslie__img2.jpg")
    replay.add("/img/orig.jpg", Reply(original, content_type="image/jpeg"))
    case = watched_case(ev_cfg, original_post(replay))
    matcher = ReuploadMatcher.from_config(ev_cfg)
    matcher.refresh()
    match = matcher.match_media(
        "rss:50", "https://mirror.example/p/50", hit_prints(reencoded(original, **copy))
    )
    assert match is not None, name
    assert match.original.case_id == case.id
    assert "near-duplicate" in match.detail and "distance" in match.detail


def test_a_different_photo_does_not_match(ev_cfg: Any, replay: ReplayServer, shared_data: Path) -> None:
    replay.add("/img/orig.jpg", Reply(photo(shared_data, "examples__obama.jpg"), content_type="image/jpeg"))
    watched_case(ev_cfg, original_post(replay))
    matcher = ReuploadMatcher.from_config(ev_cfg)
    matcher.refresh()
    assert matcher.wants_images
    for other in (
        "examples__biden.jpg",
        "examples__knn_examples__train__kit_harington__john1.jpeg",
        "examples__two_people.jpg",
        "examples__lin-manuel-miranda.png",
    ):
        data = reencoded(photo(shared_data, other), scale=0.6)
        assert matcher.match_media("rss:60", "https://mirror.example/p/60", hit_prints(data)) is None, other


def test_cases_not_watched_or_closed_do_not_match_and_closing_forgets_the_hashes(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path
) -> None:
    original = photo(shared_data, "examples__obama.jpg")
    replay.add("/img/orig.jpg", Reply(original, content_type="image/jpeg"))
    post = original_post(replay)
    case = watched_case(ev_cfg, post, status="triaged")  # triaged: not watched, nothing fingerprinted
    assert rows(ev_cfg) == []
    prints = hit_prints(reencoded(original, scale=0.5))
    matcher = ReuploadMatcher.from_config(ev_cfg, refresh_seconds=0)
    matcher.refresh()
    assert matcher.match_media("rss:70", "https://m.example/70", prints) is None

    store = CaseStore(ev_cfg)
    store.set_status(case.id, "takedown_requested", actor="legal")
    matcher.refresh()
    assert matcher.match_media("rss:70", "https://m.example/70", prints) is not None
    # The original post itself (same hit or same URL) is not a re-upload of itself.
    assert matcher.match_media(post.id, "https://m.example/70", prints) is None
    assert matcher.match_media("rss:70", post.url, prints) is None

    store.set_status(case.id, "closed", actor="legal")
    assert rows(ev_cfg) == []
    assert store.events(case.id)[-1].detail == "1 media fingerprint(s) deleted: the case is closed."
    matcher.refresh()
    assert matcher.watched == 0 and matcher.match_media("rss:70", "https://m.example/70", prints) is None


def test_matcher_picks_up_a_case_opened_after_it_was_created_without_a_query_per_hit(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path
) -> None:
    now = [0.0]
    store = CaseStore(ev_cfg)
    matcher = ReuploadMatcher.from_config(ev_cfg, store.state, refresh_seconds=5.0, clock=lambda: now[0])
    text = "ミナト通信の田中美咲は無能でクズ。あいつの対応は最悪だ。"
    matcher.refresh()
    assert matcher.watched == 0 and matcher.match_text("rss:9", "https://m.example/9", text) is None

    original = photo(shared_data, "examples__obama.jpg")
    replay.add("/img/orig.jpg", Reply(original, content_type="image/jpeg"))
    case = watched_case(ev_cfg, replace(original_post(replay), text=text))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(store.state.engine, "before_cursor_execute", count)
    try:
        matcher.refresh()  # within refresh_seconds: not even the change check runs
        assert statements == [] and matcher.watched == 0
        now[0] = 6.0
        matcher.refresh()  # the cheap check sees the change and reloads
        assert matcher.watched == 1 and matcher.loads == 2
        statements.clear()
        prints = hit_prints(reencoded(original, scale=0.4))
        for n in range(200):  # hits: no query at all, matching or not
            matcher.refresh()
            assert matcher.match_text(f"rss:{n + 100}", f"https://m.example/{n}", f"今日は雨 {n}") is None
        found = matcher.match_text("rss:9", "https://m.example/9", f"【転載】{text}")
        assert found is not None and found.original.case_id == case.id and found.how == "text"
        assert matcher.match_media("rss:9", "https://m.example/9", prints) is not None
        assert statements == []
        now[0] = 12.0
        matcher.refresh()  # one check, nothing changed: no reload
        assert len(statements) == 1 and matcher.loads == 2
        matcher.invalidate()
        matcher.refresh()
        assert matcher.loads == 3
    finally:
        event.remove(store.state.engine, "before_cursor_execute", count)


def test_link_reupload_of_an_image_opens_a_linked_case_like_the_text_path(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path
) -> None:
    original = photo(shared_data, "examples__obama.jpg")
    replay.add("/img/orig.jpg", Reply(original, content_type="image/jpeg"))
    case = watched_case(ev_cfg, original_post(replay))
    copy_post = replace(make_post(8), url="https://mirror.example/p/8", text="ミナト通信の田中、これ見ろよ")
    doc = hit_document(copy_post)
    store = CaseStore(ev_cfg)
    assert link_reupload(ev_cfg, doc, store) is None  # no media prints given: text differs
    linked = link_reupload(ev_cfg, doc, store, prints=hit_prints(reencoded(original, scale=0.5)))
    assert linked is not None and linked.linked_case_id == case.id
    assert linked.reason.startswith(f"Re-upload of case {case.id} ({case.url}). The image")
    assert store.events(case.id)[-1].detail == f"Re-uploaded at {linked.url}: linked case {linked.id}."
    assert link_reupload(ev_cfg, doc, store, prints=hit_prints(reencoded(original))) is None  # once only


FFMPEG = shutil.which("ffmpeg")
FPCALC = shutil.which("fpcalc")


@pytest.mark.skipif(not (FFMPEG and FPCALC), reason="ffmpeg and fpcalc (libchromaprint-tools) are needed")
def test_a_re_encoded_recording_matches_and_another_does_not(
    ev_cfg: Any, replay: ReplayServer, shared_data: Path, tmp_path: Path
) -> None:
    clips = sorted((shared_data / "audio" / "resemblyzer" / "librispeech_test-other").rglob("*.flac"))
    assert len(clips) >= 2
    replay.add("/media/orig.flac", Reply(clips[0].read_bytes(), content_type="audio/flac"))
    post = replace(
        make_post(1), url=replay.url("/board/1"), media=[MediaRef(replay.url("/media/orig.flac"), "audio")]
    )
    case = watched_case(ev_cfg, post)
    (row,) = rows(ev_cfg)
    assert row["kind"] == "audio" and row["chromaprint"] and row["phashes"] is None
    copy = tmp_path / "copy.mp3"
    subprocess.run(
        [
            FFMPEG or "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(clips[0]),
            "-b:a",
            "48k",
            "-ar",
            "22050",
            str(copy),
        ],
        check=True,
        timeout=60,
    )
    matcher = ReuploadMatcher.from_config(ev_cfg)
    matcher.refresh()
    assert matcher.wants_audio
    heard = matcher.match_media(
        "rss:5", "https://m.example/5", hit_prints(copy.read_bytes(), "https://m.example/a.mp3")
    )
    assert heard is not None and heard.how == "audio" and heard.original.case_id == case.id
    other = hit_prints(clips[-1].read_bytes(), "https://m.example/b.flac")
    assert matcher.match_media("rss:6", "https://m.example/6", other) is None


@pytest.mark.parametrize("media_stage_fetches", [False, True])
def test_crawl_of_a_reuploaded_image_opens_a_linked_case(
    make_config: Callable[..., Path], replay: ReplayServer, shared_data: Path, media_stage_fetches: bool
) -> None:
    original = photo(shared_data, "examples__obama.jpg")
    # With a media detector running, the media stage fetches the hit's images and the
    # re-upload check takes its bytes instead of downloading them again.
    settings = (
        '[crawler.settings]\nMAMORI_MEDIA_DETECTORS = { "tests.cases.test_reupload_media.SeesMedia" = 50 }\n'
        if media_stage_fetches
        else ""
    )
    path = make_config(
        EVIDENCE
        + settings
        + f'''
        [[sources]]
        type = "rss"
        name = "mirror"
        url = "{replay.url("/feed.xml")}"
        schedule = "1h"
    '''
    )
    config = load_config(path)
    replay.add("/img/orig.jpg", Reply(original, content_type="image/jpeg"))
    case = watched_case(config, original_post(replay))
    replay.add(
        "/m/copy.jpg", Reply(reencoded(original, scale=0.5, crop=0.02, quality=45), content_type="image/jpeg")
    )
    replay.add(
        "/m/other.jpg", Reply(reencoded(photo(shared_data, "examples__biden.jpg")), content_type="image/jpeg")
    )
    items = "".join(
        f"<item><guid>g{n}</guid><title>post {n}</title><link>{replay.base_url}/p/{n}.html</link>"
        f"<description>{text}</description>"
        f'<enclosure url="{replay.base_url}{img}" type="image/jpeg" length="1"/></item>'
        for n, text, img in (
            (7, "ミナト通信の田中美咲、マジで無能。この写真見ろ", "/m/copy.jpg"),
            (8, "ミナト通信の佐藤健太はバカ。こっちも見ろ", "/m/other.jpg"),
        )
    )
    replay.add(
        "/feed.xml",
        Reply(
            f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>t</title>"
            f"<link>{replay.base_url}/</link><language>ja</language>{items}</channel></rss>",
            content_type="application/rss+xml",
        ),
    )
    summary = crawl(path, "mirror")
    assert summary["hits"] >= 2
    cases = CaseStore(config).list()
    assert len(cases) == 2, [c.reason for c in cases]
    linked = cases[1]
    assert linked.linked_case_id == case.id and linked.url.endswith("/p/7.html")
    assert "near-duplicate" in linked.reason
    assert len(rows(config)) == 1  # only the case's own image is fingerprinted, not the hits'
    assert len(replay.hits("/m/copy.jpg")) == 1, "each image is downloaded once per crawl"
    assert len(replay.hits("/m/other.jpg")) == 1
    reupload_fetches = summary["stats"].get("mamori/cases/reupload_media_fetched", 0)
    assert reupload_fetches == (0 if media_stage_fetches else 2)
    assert bool(summary["stats"].get("mamori/media/fetched")) == media_stage_fetches


class SeesMedia:
    """A media detector that finds nothing (so the media stage fetches the posts' media)."""

    name = "sees_media"

    @classmethod
    def from_config(cls, config: Any) -> SeesMedia:
        return cls()

    def detect(self, post: Any) -> list[Any]:
        return []


class Stats:
    """The few calls of Scrapy's stats collector the pipeline makes (a seam it does not own)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def test_pipeline_counts_a_failure_and_passes_the_item_on(ev_cfg: Any, replay: ReplayServer) -> None:
    import asyncio

    from sqlalchemy import text

    from cases.pipeline import ReuploadCasePipeline

    watched_case(
        ev_cfg, replace(make_post(1), text="ミナト通信の田中美咲は無能でクズ。あいつの対応は最悪だ。")
    )
    stats = Stats()
    pipeline = ReuploadCasePipeline(ev_cfg, stats)
    hit = replace(make_post(2), url="https://mirror.example/p/2")
    assert asyncio.run(pipeline.process_item(hit)) is hit
    assert stats.values == {}
    with CaseStore(ev_cfg).state.begin() as conn:  # the table disappears under the crawl
        conn.execute(text("ALTER TABLE cases RENAME TO cases_gone"))
    pipeline._matcher.invalidate()
    assert asyncio.run(pipeline.process_item(hit)) is hit
    assert stats.values == {"mamori/cases/reupload_errors": 1}


def test_crawl_without_watched_media_does_not_fetch_hits_images(
    make_config: Callable[..., Path], replay: ReplayServer, shared_data: Path
) -> None:
    path = make_config(
        EVIDENCE
        + f'''
        [[sources]]
        type = "rss"
        name = "mirror"
        url = "{replay.url("/feed.xml")}"
        schedule = "1h"
    '''
    )
    config = load_config(path)
    # A watched case with text only: the hits' images are not needed and not fetched.
    watched_case(
        config, replace(make_post(1), text="ミナト通信の田中美咲は無能でクズ。あいつの対応は最悪だ。")
    )
    replay.add(
        "/m/a.jpg", Reply(reencoded(photo(shared_data, "examples__obama.jpg")), content_type="image/jpeg")
    )
    replay.add(
        "/feed.xml",
        Reply(
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>t</title>"
            f"<link>{replay.base_url}/</link><item><guid>g1</guid><title>p</title>"
            f"<link>{replay.base_url}/p/1.html</link><description>ミナト通信の田中美咲はバカ</description>"
            f'<enclosure url="{replay.base_url}/m/a.jpg" type="image/jpeg" length="1"/></item></channel></rss>',
            content_type="application/rss+xml",
        ),
    )
    assert crawl(path, "mirror")["hits"] == 1
    assert replay.hits("/m/a.jpg") == [] and len(CaseStore(config).list()) == 1
