"""The S3-compatible store against moto's S3 server on 127.0.0.1 (a real HTTP server)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.config import MamoriConfig
from crawler.state import now
from evidence.capture import capture_hit
from evidence.export import export_hit
from evidence.retention import apply_retention
from evidence.store import S3Store, object_key, open_store
from evidence.verify import verify_hit, verify_path
from tests.evidence.conftest import make_post
from tests.replay import ReplayServer, Reply

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.moto_server.threaded_moto_server")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_config(ev_config: Callable[..., MamoriConfig], s3_endpoint: str, tmp_path: Path) -> MamoriConfig:
    bucket = f"evidence-{tmp_path.name.lower().replace('_', '-')}"[:60]
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    return ev_config(
        f'browser_path = "/nonexistent/chromium"\nstore = "s3"\ns3_bucket = "{bucket}"\n'
        f's3_endpoint_url = "{s3_endpoint}"\ns3_region = "us-east-1"\ns3_access_key = "test"\ns3_secret_key = "test"\n'
    )


@pytest.fixture
def page() -> Iterator[str]:
    server = ReplayServer().start()
    server.add("/p/1", Reply("<p>ミナト通信の田中美咲は無能</p>", content_type="text/html; charset=utf-8"))
    yield server.url("/p/1")
    server.stop()


def test_capture_verify_tamper_export_and_retention_on_s3(
    s3_config: MamoriConfig, page: str, tmp_path: Path
) -> None:
    store = open_store(s3_config)
    assert isinstance(store, S3Store)
    manifest = capture_hit(s3_config, make_post(page, id="s3:1"))
    assert store.exists(manifest.key) and not (s3_config.data_dir / "evidence").exists()
    (report,) = verify_hit(s3_config, "s3:1")
    assert report.ok, report.problems

    zip_path = export_hit(s3_config, "s3:1", tmp_path / "s3.zip")
    with zipfile.ZipFile(zip_path) as zf:
        assert f"{manifest.capture_id}/artifacts/capture.warc.gz" in zf.namelist()
        assert "SUMMARY.html" in zf.namelist() and "SUMMARY.pdf" not in zf.namelist(), "no browser: no PDF"
    (zreport,) = verify_path(zip_path)
    assert zreport.ok, zreport.problems

    sha = manifest.artifact("post.json")["sha256"]
    store.write(object_key(sha), b"{}")
    (report,) = verify_hit(s3_config, "s3:1")
    assert [p.split(":")[0] for p in report.problems] == ["post.json"]

    result = apply_retention(s3_config, [], at=now() + timedelta(days=181))
    assert result.deleted_captures == [manifest.capture_id]
    assert not store.exists(manifest.key) and list(store.keys("objects/")) == []
