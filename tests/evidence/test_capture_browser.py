"""Real captures in headless Chromium of local Japanese and English pages.

One browser and one set of servers per module: the demo site (crawled by the real
``mamori crawl``, so the pipeline queues its hits), a replay server for a page that never
finishes loading and a very tall page, and an OpenSSL time-stamp authority.
"""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from crawler.config import MamoriConfig, load_config
from crawler.state import State
from demo.posts import POSTS
from demo.site import DemoSite
from evidence import db
from evidence.browser import Browser
from evidence.capture import capture_hit
from evidence.manifest import Manifest
from evidence.queue import capture_pending
from evidence.store import open_store
from evidence.verify import verify_hit, verify_path
from tests.conftest import ROSTER, crawl, mamori
from tests.evidence.conftest import make_post
from tests.evidence.tsa_server import OpenSSLTSA
from tests.replay import ReplayServer, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("evidence-browser")]

TALL = "<html><body style='margin:0'><div style='height:5000px;background:linear-gradient(#fff,#09c)'>tall 長いページ</div></body></html>"
HANGING = "<html><body><h1>Never done 終わらない</h1><p>ミナト通信の田中美咲は無能</p><img src='/hang.png'></body></html>"


class World:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.site = DemoSite(port=0, initial=100).start()
        self.replay = ReplayServer().start()
        self.replay.add("/tall.html", Reply(TALL, content_type="text/html; charset=utf-8"))
        self.replay.add("/hanging.html", Reply(HANGING, content_type="text/html; charset=utf-8"))
        self.replay.add("/hang.png", lambda req: (time.sleep(20), Reply(b"", content_type="image/png"))[1])
        self.tsa = OpenSSLTSA().start()
        (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
        self.config_path = tmp / "mamori.toml"
        self.config_path.write_text(
            f"""
[company]
name = "ミナト通信"
aliases = ["ミナト通信", "みなと通信", "Minato Tsushin", "ミナト"]

[roster]
file = "roster.csv"

[storage]
data_dir = "data"

[crawler]
download_delay = 0.0
autothrottle = false

[evidence]
key_file = "keys/evidence.pem"
page_timeout = 3
max_page_height = 3000
allow_private_addresses = true
tsa_url = "{self.tsa.url}"

[[sources]]
type = "rss"
name = "board"
url = "http://127.0.0.1:{self.site.port}/ja/feed.xml"
schedule = "1m"
""",
            encoding="utf-8",
        )
        self.config: MamoriConfig = load_config(self.config_path)
        self.browser = Browser(self.config.evidence, user_agent=self.config.crawler.user_agent).__enter__()

    def close(self) -> None:
        self.browser.close()
        self.site.stop()
        self.replay.stop()
        self.tsa.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("evidence"))
    yield w
    w.close()


def pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "page.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout
    return " ".join(out.decode("utf-8").split())


def artifact(world: World, manifest: Manifest, name: str) -> bytes:
    return open_store(world.config).get(manifest.artifact(name)["sha256"])


def test_crawl_queues_hits_and_the_worker_captures_japanese_pages(world: World, tmp_path: Path) -> None:
    summary = crawl(world.config_path, "board")
    assert summary["hits"] >= 3
    state = db.ensure(State.from_config(world.config))
    with state.engine.connect() as conn:
        queued = conn.execute(
            select(db.evidence_queue.c.hit_id, db.evidence_queue.c.doc, db.evidence_queue.c.severity)
        ).all()
    assert queued and all(sev in ("medium", "high", "critical") for _, _, sev in queued)
    urls = {json.loads(doc)["url"]: hit for hit, doc, _ in queued}
    insult_url = f"http://127.0.0.1:{world.site.port}/ja/posts/3.html"
    assert insult_url in urls, "the insult of an employee (high) is queued"

    result = capture_pending(world.config, limit=2, browser=world.browser)
    assert len(result.captured) == 2 and not result.failed
    while capture_pending(world.config, limit=5, browser=world.browser).total:
        pass
    (row,) = db.captures(state, urls[insult_url])
    manifest = Manifest.from_bytes(open_store(world.config).read(row["manifest_key"]))
    assert manifest.status == "complete", manifest.body["problems"]

    text = pdf_text(artifact(world, manifest, "page.pdf"), tmp_path)
    assert f"URL: {insult_url}" in text
    assert manifest.body["capture_time_printed"] in text  # "YYYY-MM-DD HH:MM:SS JST (… UTC)"
    assert "無能" in text and "田中美咲" in text, "Japanese renders as text, not boxes"

    png = Image.open(io.BytesIO(artifact(world, manifest, "page.png")))
    assert png.format == "PNG" and png.width == world.config.evidence.viewport_width

    original = urllib.request.urlopen(insult_url, timeout=5).read()
    warc = artifact(world, manifest, "capture.warc.gz")
    records = {
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")): r.content_stream().read()
        for r in ArchiveIterator(io.BytesIO(warc))
    }
    assert records[("response", insult_url)] == original
    feed_url = f"http://127.0.0.1:{world.site.port}/ja/feed.xml"
    assert b"<rss" in records[("response", feed_url)], "the API/feed response the post came from"
    assert ("resource", feed_url) in records, "the parsed entry (Post.raw)"

    body = manifest.body
    assert body["post"]["published_at"] and body["captured_at"].endswith("+00:00")
    assert body["captured_at_jst"].endswith("+09:00")
    assert body["http"]["browser"]["status"] == 200
    assert body["http"]["browser"]["response_headers"]["content-type"].startswith("text/html")
    assert (
        body["settings"]["evidence"]["page_timeout"] == 3
        and "s3_secret_key" not in body["settings"]["evidence"]
    )
    (report,) = verify_hit(world.config, manifest.hit_id)
    assert report.ok, report.problems
    assert "timestamp.tsr (RFC 3161)" in report.verified


def test_english_page_export_verify_and_tampering_named(world: World, tmp_path: Path) -> None:
    i = next(n for n, (feed, *_rest) in enumerate(POSTS) if feed == "en")
    url = f"http://127.0.0.1:{world.site.port}/en/posts/{i}.html"
    post = make_post(url, text=POSTS[i][3], id=f"rss:demo-en-{i}", platform="rss")
    manifest = capture_hit(world.config, post, browser=world.browser)
    assert manifest.status == "complete"
    text = pdf_text(artifact(world, manifest, "page.pdf"), tmp_path)
    assert f"URL: {url}" in text and manifest.body["capture_time_printed"] in text
    assert "useless idiots" in text

    out = tmp_path / "export.zip"
    mamori("evidence", "export", post.id, "--config", str(world.config_path), "-o", str(out))
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        summary = zf.read("SUMMARY.txt").decode()
        summary_pdf_text = pdf_text(zf.read("SUMMARY.pdf"), tmp_path)
    folder = f"{manifest.capture_id}/"
    assert {
        "SUMMARY.html",
        "HOW-TO-VERIFY.txt",
        folder + "manifest.json",
        folder + "timestamp.tsr",
        folder + "artifacts/page.pdf",
        folder + "artifacts/page.png",
        folder + "artifacts/capture.warc.gz",
    } <= names
    assert url in summary and manifest.artifact("page.pdf")["sha256"] in summary and "insult" in summary
    assert url in summary_pdf_text and manifest.body["capture_time_printed"] in summary_pdf_text
    ok = mamori("evidence", "verify", str(out), "--config", str(world.config_path))
    assert "All 1 capture(s) verified." in ok.stdout

    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(unzipped)
    # OpenSSL checks the timestamp of the export with the TSA's CA, as a lawyer would.
    cap = unzipped / manifest.capture_id
    ts = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            "signed-content.json",
            "-in",
            "timestamp.tsr",
            "-token_in",
            "-CAfile",
            str(world.tsa.ca_file),
            "-untrusted",
            "tsa-certs.pem",
        ],
        cwd=cap,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Verification: OK" in ts.stdout, ts.stderr
    for name in ("page.pdf", "page.png", "capture.warc.gz", "post.json"):
        copy = tmp_path / f"tampered-{name}"
        shutil.copytree(unzipped, copy)
        target = copy / manifest.capture_id / "artifacts" / name
        target.write_bytes(target.read_bytes() + b"\x00")
        (report,) = verify_path(copy)
        assert not report.ok and [p.split(":")[0] for p in report.problems] == [name]
    bad = mamori(
        "evidence",
        "verify",
        str(tmp_path / "tampered-page.pdf"),
        "--config",
        str(world.config_path),
        check=False,
    )
    assert bad.returncode == 1 and "PROBLEM page.pdf: its SHA-256 is" in bad.stdout


def test_page_that_never_finishes_is_cut_off_and_recorded(world: World, tmp_path: Path) -> None:
    url = world.replay.url("/hanging.html")
    started = time.monotonic()
    manifest = capture_hit(world.config, make_post(url, id="rss:hanging"), browser=world.browser)
    assert time.monotonic() - started < 15
    assert manifest.status == "partial"
    assert any("did not finish loading within 3 s" in p for p in manifest.body["problems"])
    assert manifest.body["page"]["cut_off"]
    text = pdf_text(artifact(world, manifest, "page.pdf"), tmp_path)
    assert f"URL: {url}" in text and "終わらない" in text
    (row,) = db.captures(State.from_config(world.config), "rss:hanging")
    assert row["status"] == "partial" and "did not finish loading" in row["reason"]


def test_tall_page_is_capped(world: World) -> None:
    manifest = capture_hit(
        world.config, make_post(world.replay.url("/tall.html"), id="rss:tall"), browser=world.browser
    )
    png = Image.open(io.BytesIO(artifact(world, manifest, "page.png")))
    assert png.height == 3000 and manifest.body["page"]["height"] >= 5000
    assert any("the PNG shows the first 3000 px" in p for p in manifest.body["problems"])
    assert artifact(world, manifest, "page.pdf").startswith(b"%PDF")


def test_unreachable_page_is_retried_then_recorded_with_the_reason(world: World) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/gone.html"
    manifest = capture_hit(world.config, make_post(url, id="rss:gone"), browser=world.browser)
    assert manifest.status == "partial"
    problems = " | ".join(manifest.body["problems"])
    assert "the browser capture failed after 2 tries" in problems and "ERR_CONNECTION_REFUSED" in problems
    assert f"raw fetch of {url}: the connection failed" in problems
    assert {a["name"] for a in manifest.artifacts} == {"capture.warc.gz", "post.json"}
    (report,) = verify_hit(world.config, "rss:gone")
    assert report.ok, report.problems
