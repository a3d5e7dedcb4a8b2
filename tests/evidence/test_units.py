"""Evidence parts without a browser: key, raw HTTP and WARC, RFC 3161, signing and
verification, the store, the queue pipeline in a real crawl, retention."""

from __future__ import annotations

import base64
import io
import json
import os
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from crawler.config import MamoriConfig, load_config
from crawler.exceptions import EvidenceError
from crawler.items import MediaRef
from crawler.state import State, now
from demo.site import DemoSite
from evidence import db
from evidence.capture import capture_hit
from evidence.config import key_file
from evidence.keys import load_key
from evidence.manifest import Manifest, canonical
from evidence.queue import capture_pending, due, enqueue, hit_status
from evidence.rawhttp import fetch
from evidence.retention import apply_retention
from evidence.store import object_key, open_store
from evidence.tsa import check_token, request_timestamp
from evidence.verify import verify_hit, verify_path
from evidence.warc import write_warc
from tests.conftest import crawl
from tests.evidence.conftest import make_post
from tests.evidence.tsa_server import OpenSSLTSA
from tests.replay import ReplayServer, Reply

PAGE = "<html><body><h1>ミナト通信</h1><p>田中美咲は無能</p></body></html>".encode()


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    s = ReplayServer().start()
    s.add("/post/1", Reply(PAGE, content_type="text/html; charset=utf-8"))
    s.add("/api/1.json", Reply('{"id": 1, "text": "田中美咲は無能"}'))
    s.add("/img/1.png", Reply(b"\x89PNG\r\n\x1a\nfake-image-bytes", content_type="image/png"))
    s.add("/moved", Reply("", status=301, headers={"Location": "/post/1"}))
    s.add("/slow", lambda req: (time.sleep(3), Reply("late"))[1])
    yield s
    s.stop()


@pytest.fixture
def no_browser(ev_config: Callable[..., MamoriConfig]) -> MamoriConfig:
    """A configuration whose browser does not exist: captures keep the WARC and say why."""
    return ev_config('browser_path = "/nonexistent/chromium"\n')


def test_key_is_created_0600_reused_and_refused_inside_the_data_dir(
    ev_config: Callable[..., MamoriConfig], tmp_path: Path
) -> None:
    config = ev_config()
    path = key_file(config)
    assert path == tmp_path / "keys" / "evidence.pem"
    key = load_key(path, data_dir=config.data_dir)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_key(path, data_dir=config.data_dir).fingerprint == key.fingerprint
    with pytest.raises(EvidenceError, match="inside the data directory"):
        load_key(config.data_dir / "k.pem", data_dir=config.data_dir)
    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(EvidenceError, match=r"bad\.pem is not an unencrypted PEM"):
        load_key(tmp_path / "bad.pem")


def test_raw_fetch_follows_redirects_and_warc_reads_back_original_bytes(server: ReplayServer) -> None:
    result = fetch(
        server.url("/moved"), user_agent="mamori-test", timeout=5, max_bytes=10**6, allow_private=True
    )
    assert [ex.status for ex in result.exchanges] == [301, 200]
    assert result.final is not None and result.final.complete and result.final.payload == PAGE
    warc = write_warc(
        result.exchanges,
        hit_id="rss:1",
        software="mamori test",
        api_data={"id": 1, "text": "無能"},
        api_uri=server.url("/api/1.json"),
    )
    records = {
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")): r.content_stream().read()
        for r in ArchiveIterator(io.BytesIO(warc))
    }
    assert records[("response", server.url("/post/1"))] == PAGE
    assert ("request", server.url("/post/1")) in records
    assert json.loads(records[("resource", server.url("/api/1.json"))]) == {"id": 1, "text": "無能"}


def test_raw_fetch_is_cut_at_the_time_limit(server: ReplayServer) -> None:
    started = time.monotonic()
    result = fetch(server.url("/slow"), user_agent="t", timeout=1, max_bytes=10**6, allow_private=True)
    assert time.monotonic() - started < 2.5
    assert result.final is not None and not result.final.complete
    assert "time limit" in result.final.error


def test_rfc3161_timestamp_from_openssl_tsa() -> None:
    tsa = OpenSSLTSA().start()
    try:
        stamp = request_timestamp(tsa.url, b"signed manifest bytes")
        assert abs((stamp.gen_time - now()).total_seconds()) < 60
        assert "mamori test TSA" in stamp.tsa
        assert check_token(stamp.token, b"signed manifest bytes").serial == stamp.serial
        with pytest.raises(EvidenceError, match="message imprint does not match"):
            check_token(stamp.token, b"other bytes")
        # OpenSSL, independently, accepts the token for the same data.
        (tsa.dir / "token.tsr").write_bytes(stamp.token)
        (tsa.dir / "data.bin").write_bytes(b"signed manifest bytes")
        out = subprocess.run(
            [
                "openssl",
                "ts",
                "-verify",
                "-token_in",
                "-in",
                "token.tsr",
                "-data",
                "data.bin",
                "-CAfile",
                "ca.pem",
                "-untrusted",
                "tsa.pem",
            ],
            cwd=tsa.dir,
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Verification: OK" in out.stdout, out.stderr
    finally:
        tsa.stop()


def test_capture_without_browser_keeps_warc_signs_and_verifies(
    no_browser: MamoriConfig, server: ReplayServer
) -> None:
    post = make_post(
        server.url("/post/1"),
        raw={"id": 1},
        raw_ref=server.url("/api/1.json"),
        media=[MediaRef(server.url("/img/1.png"))],
    )
    manifest = capture_hit(no_browser, post)
    assert manifest.status == "partial"
    assert any(
        "browser capture failed" in p and "/nonexistent/chromium" in p for p in manifest.body["problems"]
    )
    names = {a["name"] for a in manifest.artifacts}
    assert {"capture.warc.gz", "post.json", "media/01-1.png"} <= names
    store = open_store(no_browser)
    warc = store.get(manifest.artifact("capture.warc.gz")["sha256"])
    bodies = {
        r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
        for r in ArchiveIterator(io.BytesIO(warc))
        if r.rec_type in ("response", "resource")
    }
    assert bodies[server.url("/post/1")] == PAGE
    assert store.get(manifest.artifact("media/01-1.png")["sha256"]) == b"\x89PNG\r\n\x1a\nfake-image-bytes"
    assert manifest.body["post"]["findings"][0]["label"] == "insult"
    assert manifest.body["http"]["raw"][0]["response_headers"]["Content-Type"].startswith("text/html")
    # Recorded on the hit, and it verifies.
    state = State.from_config(no_browser)
    (row,) = db.captures(state, post.id)
    assert row["status"] == "partial" and "browser capture failed" in row["reason"]
    (report,) = verify_hit(no_browser, post.id)
    assert report.ok, report.problems
    # The signature is a standard Ed25519 signature OpenSSL accepts.
    tmp = no_browser.data_dir.parent
    (tmp / "content.json").write_bytes(canonical(manifest.document["manifest"]))
    (tmp / "sig.bin").write_bytes(base64.b64decode(manifest.document["signature"]["value"]))
    from evidence.keys import public_from_b64, public_pem

    (tmp / "pub.pem").write_text(public_pem(public_from_b64(manifest.document["signature"]["public_key"])))
    out = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "pub.pem",
            "-rawin",
            "-in",
            "content.json",
            "-sigfile",
            "sig.bin",
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Signature Verified Successfully" in out.stdout, out.stderr


def test_tampering_is_detected_and_named(no_browser: MamoriConfig, server: ReplayServer) -> None:
    post = make_post(server.url("/post/1"))
    manifest = capture_hit(no_browser, post)
    store = open_store(no_browser)
    root = no_browser.data_dir / "evidence"
    sha = manifest.artifact("post.json")["sha256"]
    target = root / object_key(sha)
    target.chmod(0o644)
    target.write_bytes(target.read_bytes().replace("無能".encode(), "有能".encode()))
    (report,) = verify_hit(no_browser, post.id)
    assert not report.ok
    assert any(p.startswith("post.json: its SHA-256 is") for p in report.problems)
    assert all("capture.warc.gz" not in p for p in report.problems)
    # A changed manifest breaks the signature (verified through the manifest file's path too).
    mpath = root / manifest.key
    doc = json.loads(mpath.read_text())
    doc["manifest"]["url"] = "https://example.com/other"
    mpath.chmod(0o644)
    mpath.write_text(json.dumps(doc, ensure_ascii=False))
    (report,) = verify_path(mpath)
    assert any("signature does not match" in p for p in report.problems)
    # A manifest that is not JSON at all is reported, not a crash.
    mpath.write_bytes(b"\x00garbage")
    (report,) = verify_path(mpath)
    assert report.problems and "manifest.json" in report.problems[0]
    assert store.get(manifest.artifact("capture.warc.gz")["sha256"])


def test_timestamped_capture_and_tampered_token(
    ev_config: Callable[..., MamoriConfig], server: ReplayServer
) -> None:
    tsa = OpenSSLTSA().start()
    try:
        config = ev_config(f'browser_path = "/nonexistent/chromium"\ntsa_url = "{tsa.url}"\n')
        manifest = capture_hit(config, make_post(server.url("/post/1")))
        assert manifest.document["timestamp"]["tsa"].endswith("mamori test TSA")
        (report,) = verify_hit(config, manifest.hit_id)
        assert report.ok and "timestamp.tsr (RFC 3161)" in report.verified
    finally:
        tsa.stop()
    # A TSA that is down does not lose the capture; the reason is kept beside the signature.
    config2 = ev_config(f'browser_path = "/nonexistent/chromium"\ntsa_url = "{tsa.url}"\ntsa_timeout = 2\n')
    m2 = capture_hit(config2, make_post(server.url("/post/1"), id="rss:2"))
    assert m2.document["timestamp"] is None and "could not be reached" in m2.document["timestamp_error"]


def test_retention_keeps_case_evidence_and_deletes_the_rest(
    no_browser: MamoriConfig, server: ReplayServer
) -> None:
    a = capture_hit(no_browser, make_post(server.url("/post/1"), id="hit:a"))
    b = capture_hit(no_browser, make_post(server.url("/post/1"), id="hit:b"))
    c = capture_hit(no_browser, make_post(server.url("/post/1"), id="hit:c", text="別の投稿"))
    store = open_store(no_browser)
    later = now() + timedelta(days=181)
    dry = apply_retention(no_browser, ["hit:a"], {"hit:b": now()}, at=later, dry_run=True)
    assert dry.deleted_captures == [c.capture_id]
    result = apply_retention(no_browser, ["hit:a"], {"hit:b": now()}, at=later)
    assert result.deleted_captures == [c.capture_id] and result.kept == 2
    assert not store.exists(c.key)
    post_c = c.artifact("post.json")["sha256"]
    assert not store.exists(object_key(post_c)), "an artifact only the deleted capture used is deleted"
    assert store.exists(object_key(a.artifact("capture.warc.gz")["sha256"]))
    # The closed case's evidence goes after its hold; the open case's stays.
    result = apply_retention(no_browser, ["hit:a"], {"hit:b": now()}, at=now() + timedelta(days=1096))
    assert result.deleted_captures == [b.capture_id]
    assert [r["hit_id"] for r in db.captures(State.from_config(no_browser))] == ["hit:a"]
    (report,) = verify_hit(no_browser, "hit:a")
    assert report.ok, report.problems
    # A hit whose capture failed for good: its queued post expires too.
    state = State.from_config(no_browser)
    assert enqueue(state, make_post(server.url("/post/1"), id="hit:failed"))
    with state.begin() as conn:
        conn.execute(
            db.evidence_queue.update()
            .where(db.evidence_queue.c.hit_id == "hit:failed")
            .values(status="failed")
        )
    assert apply_retention(no_browser, ["hit:a"], at=later).deleted_failed == 1


def test_capture_hit_rejects_what_is_not_a_post(no_browser: MamoriConfig) -> None:
    with pytest.raises(EvidenceError, match="needs a Post or a hit document"):
        capture_hit(no_browser, 42)  # type: ignore[arg-type]
    with pytest.raises(EvidenceError, match="cannot be read as a post"):
        capture_hit(no_browser, {"id": "x"})


def test_manifest_round_trip(no_browser: MamoriConfig, server: ReplayServer) -> None:
    manifest = capture_hit(no_browser, make_post(server.url("/post/1")))
    again = Manifest.from_bytes(open_store(no_browser).read(manifest.key))
    assert again.body == manifest.body and again.sha256 == manifest.sha256
    with pytest.raises(EvidenceError, match="not a mamori evidence manifest"):
        Manifest.from_bytes(b'{"a": 1}')


def test_crawl_queues_hits_at_min_severity_and_worker_records_browser_failure(make_config: Any) -> None:
    site = DemoSite(port=0, initial=100).start()
    try:
        path = make_config(
            f"""
            [evidence]
            key_file = "keys/evidence.pem"
            min_severity = "high"
            browser_path = "/nonexistent/chromium"
            page_timeout = 3
            allow_private_addresses = true

            [[sources]]
            type = "rss"
            name = "board"
            url = "http://127.0.0.1:{site.port}/ja/feed.xml"
            schedule = "1m"
            """
        )
        summary = crawl(path, "board")
        config = load_config(path)
        state = db.ensure(State.from_config(config))
        with state.engine.connect() as conn:
            rows = conn.execute(select(db.evidence_queue.c.hit_id, db.evidence_queue.c.severity)).all()
        assert rows and len(rows) < summary["hits"], "hits below min_severity are not queued"
        assert {sev for _, sev in rows} <= {"high", "critical"}
        assert due(config) == len(rows)
        result = capture_pending(config, limit=50)
        assert due(config) == 0
        assert len(result.partial) == len(rows) and not result.failed
        assert capture_pending(config).total == 0, "nothing is captured twice"
        status = hit_status(config, rows[0][0])
        assert status["queue"][0]["status"] == "partial"
        assert "/nonexistent/chromium" in status["queue"][0]["last_error"]
        (capture,) = status["captures"]
        assert capture["status"] == "partial"
        (report,) = verify_hit(config, rows[0][0])
        assert report.ok and "capture.warc.gz" in report.verified
        # A second crawl of the same, unchanged posts queues nothing new.
        crawl(path, "board")
        with state.engine.connect() as conn:
            assert len(conn.execute(select(db.evidence_queue.c.id)).all()) == len(rows)
    finally:
        site.stop()


def test_addresses_inside_the_network_are_refused_by_default(
    ev_config: Callable[..., MamoriConfig], server: ReplayServer
) -> None:
    config = ev_config('browser_path = "/nonexistent/chromium"\n', local=False)
    manifest = capture_hit(
        config, make_post(server.url("/post/1"), media=[MediaRef(server.url("/img/1.png"))])
    )
    problems = " | ".join(manifest.body["problems"])
    assert "resolves to the non-public address 127.0.0.1" in problems
    assert "no browser capture" in problems and "allow_private_addresses = true" in problems
    assert not server.requests, "nothing was fetched from the private address"
    assert {a["name"] for a in manifest.artifacts} == {"capture.warc.gz", "post.json"}


def test_queue_retries_with_backoff_then_marks_failed(
    ev_config: Callable[..., MamoriConfig], server: ReplayServer
) -> None:
    # The key inside the data directory is refused: every try fails with that reason.
    config = ev_config('key_file = "data/key.pem"\nmax_attempts = 2\nretry_seconds = 0.05\n')
    state = State.from_config(config)
    assert enqueue(state, make_post(server.url("/post/1"), id="q:1"))
    assert not enqueue(state, make_post(server.url("/post/1"), id="q:1")), "the same version is queued once"
    first = capture_pending(config)
    assert first.retrying == ["q:1"]
    assert capture_pending(config).total == 0, "not due before the back-off"
    time.sleep(0.12)
    assert capture_pending(config).failed == ["q:1"]
    (row,) = hit_status(config, "q:1")["queue"]
    assert (
        row["status"] == "failed"
        and row["attempts"] == 2
        and "inside the data directory" in row["last_error"]
    )
    # A worker killed during every try (the row stays "running") also ends as failed.
    assert enqueue(state, make_post(server.url("/post/1"), id="q:2"))
    with state.begin() as conn:
        conn.execute(
            db.evidence_queue.update()
            .where(db.evidence_queue.c.hit_id == "q:2")
            .values(status="running", attempts=2, next_attempt_at=now() - timedelta(seconds=1))
        )
    assert capture_pending(config).total == 0
    (row,) = hit_status(config, "q:2")["queue"]
    assert row["status"] == "failed" and "stopped or was killed" in row["last_error"]
