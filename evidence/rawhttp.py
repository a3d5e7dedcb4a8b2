"""Fetch a URL over a plain socket and keep the exact bytes sent and received.

The browser renders a page but does not hand out the bytes on the wire, so the raw
response for the WARC is fetched separately here: one ``GET`` per URL with
``Accept-Encoding: identity`` and ``Connection: close``, redirects followed (each hop is
kept), a total deadline and a size cap. A response cut by the deadline or the cap is kept
as far as it came, marked incomplete with the reason.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from crawler.exceptions import EvidenceError


@dataclass
class Exchange:
    """One request and its response, as bytes on the wire."""

    url: str
    request: bytes
    started_at: datetime
    head: bytes = b""
    body: bytes = b""
    """The body as received (chunked framing kept when the server chunked it)."""
    complete: bool = False
    error: str = ""
    remote_ip: str = ""

    @property
    def status(self) -> int:
        try:
            return int(self.head.split(b" ", 2)[1])
        except (IndexError, ValueError):
            return 0

    @property
    def headers(self) -> list[tuple[str, str]]:
        lines = self.head.decode("iso-8859-1").split("\r\n")[1:]
        out: list[tuple[str, str]] = []
        for line in lines:
            if ":" in line:
                name, value = line.split(":", 1)
                out.append((name.strip(), value.strip()))
        return out

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return ""

    @property
    def payload(self) -> bytes:
        """The body with chunked transfer framing removed."""
        if "chunked" in self.header("transfer-encoding").lower():
            return dechunk(self.body)[0]
        return self.body

    @property
    def request_headers(self) -> list[tuple[str, str]]:
        lines = self.request.decode("iso-8859-1").split("\r\n")[1:]
        return [(n.strip(), v.strip()) for n, _, v in (line.partition(":") for line in lines if ":" in line)]


@dataclass
class FetchResult:
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def final(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None


def dechunk(data: bytes) -> tuple[bytes, bool]:
    """Remove chunked framing; return the payload and whether the last chunk was seen."""
    out = bytearray()
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return bytes(out), False
        try:
            size = int(data[pos:end].split(b";", 1)[0].strip() or b"x", 16)
        except ValueError:
            return bytes(out), False
        if size == 0:
            return bytes(out), True
        start = end + 2
        out += data[start : start + size]
        if start + size + 2 > len(data):
            return bytes(out), False
        pos = start + size + 2


def _complete(head: bytes, body: bytes) -> bool:
    lower = head.lower()
    if (
        b"\r\ntransfer-encoding:" in lower
        and b"chunked" in lower.split(b"\r\ntransfer-encoding:", 1)[1].split(b"\r\n", 1)[0]
    ):
        return dechunk(body)[1]
    marker = b"\r\ncontent-length:"
    if marker in lower:
        try:
            length = int(lower.split(marker, 1)[1].split(b"\r\n", 1)[0].strip())
        except ValueError:
            return False
        return len(body) >= length
    return False


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """Resolve ``host`` to the IP to connect to; refuse non-public addresses unless allowed.

    Post and media URLs come from strangers: without this a post could make mamori fetch and
    archive an internal service (cloud metadata, an admin page) into exportable evidence.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise EvidenceError(f"the host name {host!r} could not be resolved ({exc})") from None
    ips = [str(info[4][0]) for info in infos]
    if not allow_private:
        for ip in ips:
            if not ipaddress.ip_address(ip.split("%")[0]).is_global:
                raise EvidenceError(
                    f"{host} resolves to the non-public address {ip}, which evidence capture does not "
                    "fetch (set [evidence] allow_private_addresses = true to allow it)"
                )
    return ips[0]


def refusal(url: str, *, allow_private: bool) -> str:
    """Why ``url`` must not be captured (empty if it may)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"only http:// and https:// URLs can be captured, not {url!r}"
    try:
        resolve(parts.hostname, parts.port or 80, allow_private=allow_private)
    except EvidenceError as exc:
        return str(exc)
    return ""


def _one(url: str, *, user_agent: str, deadline: float, max_bytes: int, allow_private: bool) -> Exchange:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EvidenceError(
            f"Cannot fetch {url!r} for the WARC: only http:// and https:// URLs can be archived."
        )
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {user_agent}\r\nAccept: */*\r\n"
        "Accept-Encoding: identity\r\nConnection: close\r\n\r\n"
    ).encode()
    ex = Exchange(url=url, request=request, started_at=datetime.now(UTC))
    buf = bytearray()
    sock: socket.socket | None = None
    try:
        ip = resolve(parts.hostname, port, allow_private=allow_private)
        remaining = max(0.1, deadline - time.monotonic())
        sock = socket.create_connection((ip, port), timeout=remaining)
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        ex.remote_ip = str(sock.getpeername()[0])
        sock.sendall(request)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                ex.error = "the time limit was reached before the response ended"
                break
            sock.settimeout(remaining)
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
            if len(buf) > max_bytes:
                ex.error = f"the response is larger than the limit of {max_bytes} bytes and was cut"
                break
            if b"\r\n\r\n" in buf:
                head, _, body = bytes(buf).partition(b"\r\n\r\n")
                if _complete(head, body):
                    break
    except EvidenceError as exc:
        ex.error = str(exc)
    except TimeoutError:
        ex.error = "the time limit was reached before the response ended"
    except OSError as exc:
        ex.error = f"the connection failed: {exc}"
    finally:
        if sock is not None:
            sock.close()
    head, sep, body = bytes(buf).partition(b"\r\n\r\n")
    if sep:
        ex.head, ex.body = head, body
        ex.complete = not ex.error
    elif not ex.error:
        ex.error = "the server closed the connection before sending a complete header"
    return ex


def fetch(
    url: str,
    *,
    user_agent: str,
    timeout: float,
    max_bytes: int,
    max_redirects: int = 5,
    allow_private: bool = False,
) -> FetchResult:
    """GET ``url`` (following redirects); never raises for network trouble, records it instead."""
    deadline = time.monotonic() + timeout
    result = FetchResult()
    for _ in range(max_redirects + 1):
        ex = _one(
            url, user_agent=user_agent, deadline=deadline, max_bytes=max_bytes, allow_private=allow_private
        )
        result.exchanges.append(ex)
        location = ex.header("location")
        if ex.status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        break
    return result
