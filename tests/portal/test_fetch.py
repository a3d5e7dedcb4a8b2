"""Submitted URLs are hostile: non-public addresses are refused before any connection."""

from __future__ import annotations

import time

import pytest

from portal.fetch import FetchRefused, SafeFetcher
from tests.replay import ReplayServer, Reply

PRIVATE_URLS = [
    "http://127.0.0.1/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://192.168.1.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://0.0.0.0/",
    "http://localhost/",
]


class Resolver:
    """A DNS seam: records what was asked and answers from a table (no network)."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        from portal.fetch import system_resolver

        return self.table.get(host) or system_resolver(host, port)


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_addresses_are_refused_before_connecting(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    connects: list[object] = []
    real = socket.create_connection

    def record(address: object, *args: object, **kwargs: object) -> socket.socket:
        connects.append(address)
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", record)
    with pytest.raises(FetchRefused, match="not a public address"):
        SafeFetcher(timeout=2).fetch(url)
    assert connects == []  # refused at the check: no packet was sent


def test_loopback_server_gets_no_request_without_allow_list(replay: ReplayServer) -> None:
    replay.add("/page", Reply("secret", content_type="text/plain"))
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1"):
        SafeFetcher().fetch(replay.url("/page"))
    assert replay.hits("/page") == []


@pytest.mark.parametrize(
    "answers",
    [["10.0.0.1"], ["169.254.169.254"], ["93.184.216.34", "10.1.2.3"], ["100.100.100.200"], ["::1"]],
)
def test_a_name_resolving_to_a_private_address_is_refused(answers: list[str]) -> None:
    resolver = Resolver({"intranet.example.com": answers})
    with pytest.raises(FetchRefused, match="not a public address"):
        SafeFetcher(resolver=resolver).fetch("https://intranet.example.com/admin")
    assert resolver.asked == ["intranet.example.com"]


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:{port}/ok",
        "http://[::1]:{port}/ok",
        "http://metadata.internal/computeMetadata/v1/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(replay: ReplayServer, target: str) -> None:
    port = replay.base_url.rsplit(":", 1)[1].rstrip("/")
    location = target.format(port=port)
    replay.add("/go", Reply("", status=302, headers={"Location": location}))
    replay.add("/ok", Reply("<p>ok</p>", content_type="text/html"))
    resolver = Resolver({"metadata.internal": ["169.254.169.254"], "localhost": ["127.0.0.2"]})
    fetcher = SafeFetcher(allowed=["127.0.0.1/32"], resolver=resolver, timeout=3)
    with pytest.raises(FetchRefused, match="not a public address"):
        fetcher.fetch(replay.url("/go"))
    assert len(replay.hits("/go")) == 1
    assert replay.hits("/ok") == []


def test_allow_listed_page_is_fetched_through_redirects(replay: ReplayServer) -> None:
    replay.add("/start", Reply("", status=301, headers={"Location": "/page"}))
    replay.add("/page", Reply("<html><title>t</title><p>田中 美咲</p></html>", content_type="text/html"))
    got = SafeFetcher(allowed=["127.0.0.1"]).fetch(replay.url("/start"))
    assert got.status == 200 and "田中 美咲" in got.body.decode()
    assert got.redirects == (replay.url("/page"),)


def test_size_and_redirect_limits(replay: ReplayServer) -> None:
    replay.add("/big", Reply(b"x" * 300_000, content_type="text/plain"))
    replay.add("/loop", Reply("", status=302, headers={"Location": "/loop"}))
    fetcher = SafeFetcher(allowed=["127.0.0.1"], max_bytes=100_000, max_redirects=3)
    with pytest.raises(FetchRefused, match="limit of 100000"):
        fetcher.fetch(replay.url("/big"))
    with pytest.raises(FetchRefused, match="More than 3 redirects"):
        fetcher.fetch(replay.url("/loop"))


def test_time_limit(replay: ReplayServer) -> None:
    def slow(_req: object) -> Reply:
        time.sleep(4)
        return Reply("late", content_type="text/plain")

    replay.add("/slow", slow)
    start = time.monotonic()
    with pytest.raises(FetchRefused):
        SafeFetcher(allowed=["127.0.0.1"], timeout=0.5).fetch(replay.url("/slow"))
    assert time.monotonic() - start < 3.5  # stopped long before the 4 s answer


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://127.0.0.1/",
        "http://user:pw@example.com/",
        "javascript:alert(1)",
    ],
)
def test_other_schemes_and_credentials_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused):
        SafeFetcher().fetch(url)
