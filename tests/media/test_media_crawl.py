"""A real crawl of an RSS feed whose entries carry images, audio and video served from
127.0.0.1: enrolled faces and voices are found, strangers are not, registered photos and
recordings are recognised, and hostile files are refused with a reason while the crawl goes on."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from crawler.config import load_config
from media.audio import load_audio
from media.biometrics import BiometricStore
from media.faces import find_faces
from media.images import open_image
from media.known import recording_entry
from media.voice import embed_clip
from tests.conftest import mamori
from tests.replay import Reply

pytestmark = [pytest.mark.media, pytest.mark.slow, pytest.mark.xdist_group("media-models")]

FFMPEG = shutil.which("ffmpeg")


def ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG or "ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def silent_ten_hours() -> bytes:
    rate, n = 8000, 8000 * 36_000
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + n)
        + b"WAVE"
        + b"fmt "
        + fmt
        + b"data"
        + struct.pack("<I", n)
        + b"\x80" * 8000
    )


def feed(base: str, entries: dict[str, tuple[str, str]]) -> str:
    items = "".join(
        f"<item><guid>{key}</guid><title>post {key}</title><link>{base}/posts/{key}</link>"
        f'<description>look at this</description><enclosure url="{base}{path}" type="{mime}" length="1"/></item>'
        for key, (path, mime) in entries.items()
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{base}</link>{items}</channel></rss>'


def enrol(config_path: Path, faces: Path, libri: Path, tmp: Path) -> None:
    store = BiometricStore.from_config(load_config(config_path))
    store.record_consent("E001", ["face"], "2026-04", "legal")
    store.record_consent("E002", ["voice"], "2026-04", "legal")
    obama = (faces / "examples__obama.jpg").read_bytes()
    (face,) = find_faces(open_image(obama))
    store.add_templates("E001", "face", [([float(v) for v in face.encoding], "obama")])
    voices = [embed_clip(load_audio(libri / "1688" / f"1688-142285-000{i}.flac")) for i in range(3)]
    store.add_templates("E002", "voice", [([float(v) for v in e], f"c{i}") for i, e in enumerate(voices)])
    # A registered call recording: three clips of another speaker, 40 s or so.
    parts = [str(libri / "1998" / f"1998-15444-000{i}.flac") for i in range(3)]
    call = tmp / "call.wav"
    ffmpeg(
        *[a for p in parts for a in ("-i", p)],
        "-filter_complex",
        "concat=n=3:v=0:a=1",
        "-ar",
        "16000",
        str(call),
    )
    store.add_known("recordings", [recording_entry(call, label="support call")])
    from media.known import photo_entry

    staff = (faces / "examples__knn_examples__train__kit_harington__john1.jpeg").read_bytes()
    store.add_known("photos", [photo_entry(staff, name="staff-card.jpg", label="staff ID")])


@pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed")
def test_media_crawl_finds_employees_and_survives_hostile_files(
    make_config, replay, faces_dir, libri_dir, tmp_path
):
    base = replay.base_url
    media = tmp_path / "served"
    media.mkdir()
    # A video made from an enrolled person's photo, with an enrolled voice on its soundtrack;
    # a voicemail where an enrolled voice follows a stranger's.
    ffmpeg(
        *("-loop", "1", "-t", "6", "-i", str(faces_dir / "examples__obama-480p.jpg")),
        *("-i", str(libri_dir / "1688" / "1688-142285-0004.flac")),
        *(
            "-t",
            "6",
            "-r",
            "5",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            "scale=640:-2",
            "-c:a",
            "aac",
            str(media / "clip.mp4"),
        ),
    )
    ffmpeg(
        "-i",
        str(libri_dir / "2033" / "2033-164914-0003.flac"),
        "-i",
        str(libri_dir / "1688" / "1688-142285-0006.flac"),
        "-filter_complex",
        "concat=n=2:v=0:a=1",
        "-b:a",
        "64k",
        str(media / "voicemail.mp3"),
    )
    enrol_dir = tmp_path / "enrol"
    enrol_dir.mkdir()
    cfg = make_config(f'[[sources]]\ntype = "rss"\nname = "pics"\nurl = "{base}/feed.xml"\nschedule = "1m"\n')
    enrol(cfg, faces_dir, libri_dir, enrol_dir)
    ffmpeg(
        "-ss",
        "9",
        "-t",
        "20",
        "-i",
        str(enrol_dir / "call.wav"),
        "-b:a",
        "48k",
        "-ar",
        "22050",
        str(media / "leak.mp3"),
    )
    from PIL import Image

    Image.open(faces_dir / "examples__knn_examples__train__kit_harington__john1.jpeg").resize(
        (400, 200)
    ).save(media / "card-copy.jpg", quality=60)

    biden = (faces_dir / "examples__biden.jpg").read_bytes()
    serve = {
        "/m/employee.jpg": ((faces_dir / "examples__obama2.jpg").read_bytes(), "image/jpeg"),
        "/m/stranger.jpg": (
            (faces_dir / "examples__knn_examples__train__rose_leslie__img1.jpg").read_bytes(),
            "image/jpeg",
        ),
        "/m/bomb.png": (png_bomb(), "image/png"),
        "/m/truncated.jpg": (biden[: len(biden) // 2], "image/jpeg"),
        "/m/page.jpg": (b"<!DOCTYPE html><html><body>Access denied</body></html>", "image/jpeg"),
        "/m/silence.wav": (silent_ten_hours(), "audio/wav"),
        "/m/clip.mp4": ((media / "clip.mp4").read_bytes(), "video/mp4"),
        "/m/voicemail.mp3": ((media / "voicemail.mp3").read_bytes(), "audio/mpeg"),
        "/m/leak.mp3": ((media / "leak.mp3").read_bytes(), "audio/mpeg"),
        "/m/card-copy.jpg": ((media / "card-copy.jpg").read_bytes(), "image/jpeg"),
    }
    for path, (body, mime) in serve.items():
        replay.add(path, Reply(body, content_type=mime))
    entries = {Path(p).stem: (p, mime) for p, (_b, mime) in serve.items()}
    replay.add("/feed.xml", Reply(feed(base, entries), content_type="application/rss+xml"))

    proc = mamori("crawl", "pics", "--config", str(cfg), "--json", timeout=240)
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    stats = summary["stats"]
    assert summary["items"] == len(serve), "every post is kept, whatever its media"
    assert stats["mamori/media/rejected"] == 4
    log = proc.stderr
    assert (
        "bomb.png declares 30000×30000 = 900,000,000 pixels" in log
        or "bomb.png is a possible decompression bomb" in log
    )
    assert "truncated.jpg is a truncated JPEG" in log
    assert "page.jpg is not an image, audio or video file although it was served as image/jpeg" in log
    assert "silence.wav declares a duration of 36,000 s (10.0 hours)" in log

    hits = json.loads(mamori("search", "--config", str(cfg), "--json", "--limit", "100").stdout)["hits"]
    by_post = {h["url"].rsplit("/", 1)[-1]: h for h in hits}
    assert set(by_post) == {"employee", "clip", "voicemail", "leak", "card-copy"}

    def finding(post: str, label: str) -> dict:
        return next(f for f in by_post[post]["findings"] if f["label"] == label)

    face = finding("employee", "face_match")
    assert face["employee_id"] == "E001" and face["extra"]["distance"] < 0.54
    assert face["extra"]["media_url"].endswith("/m/employee.jpg") and len(face["extra"]["box"]) == 4
    video = finding("clip", "face_match")
    assert video["employee_id"] == "E001" and "time" in video["extra"]
    assert finding("clip", "voice_match")["employee_id"] == "E002"
    voice = finding("voicemail", "voice_match")
    assert voice["employee_id"] == "E002"
    first_clip = float(
        subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                str(libri_dir / "2033" / "2033-164914-0003.flac"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert voice["extra"]["time_end"] > first_clip and voice["extra"]["time_start"] >= first_clip - 3.0
    rec = finding("leak", "known_recording")
    assert rec["score"] >= 0.85 and abs(rec["extra"]["offset_seconds"] - 9.0) < 0.5
    assert finding("card-copy", "known_photo")["extra"]["hash_distance"] <= 10
    assert not any(f["label"] in ("face_match", "voice_match") for f in by_post["leak"]["findings"])
