"""Fetching a URL an employee submitted, treating it as hostile (no SSRF).

Every address the host name resolves to must be public: no loopback, private (RFC 1918,
ULA), link-local (169.254/16, fe80::/10, which includes cloud metadata at
169.254.169.254), CGNAT (100.64/10), multicast, reserved or unspecified addresses, and no
IPv4-mapped IPv6 form of those. The check runs *before* connecting, the connection goes
to the checked address itself (a second DNS answer cannot swap it: no DNS rebinding), and
it is repeated for every redirect. Bodies are cut at ``max_bytes`` and the whole fetch
at ``timeout`` seconds. ``allowed`` networks (configuration: ``[portal]
allowed_fetch_hosts``) may be reached although they are not public: the demo and tests.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from crawler.exceptions import MamoriError

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(MamoriError):
    """The URL may not be fetched (scheme, address, size, time); the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes
    redirects: tuple[str, ...]


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(
            f"The host name {host!r} cannot be resolved ({exc.strerror}); check the URL."
        ) from None
    return sorted({str(info[4][0]) for info in infos})


def is_public(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address):
        mapped = addr.ipv4_mapped or addr.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if addr in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 of an IPv4 address
            return is_public(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return bool(
        addr.is_global
        and not (
            addr.is_private
            or addr.is_loopback
            or addr.is_link_local
            or addr.is_multicast
            or addr.is_reserved
            or addr.is_unspecified
        )
        and addr not in ipaddress.ip_network("100.64.0.0/10")
    )


class SafeFetcher:
    def __init__(
        self,
        *,
        allowed: Iterable[str] = (),
        max_bytes: int = 2_000_000,
        timeout: float = 10,
        max_redirects: int = 5,
        resolver: Resolver = system_resolver,
        user_agent: str = "mamori-portal/0.1 (URL check)",
    ) -> None:
        self.allowed = [ipaddress.ip_network(a, strict=False) for a in allowed]
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.resolver = resolver
        self.user_agent = user_agent

    def check_address(self, host: str, raw: str) -> IPAddress:
        addr = ipaddress.ip_address(raw.split("%", 1)[0])
        if is_public(addr) or any(addr in net for net in self.allowed):
            return addr
        raise FetchRefused(
            f"The URL's host {host!r} resolves to {addr}, which is not a public address "
            "(loopback, private, link-local, CGNAT, metadata or reserved); it is not fetched."
        )

    def vet(self, url: str) -> tuple[str, str, int, str, str]:
        """``(scheme, host, port, path, address)`` of ``url`` once every resolved address is allowed."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(
                f"Only http and https URLs can be checked, not {parts.scheme or 'no scheme'!r}."
            )
        if parts.username or parts.password:
            raise FetchRefused("URLs with a user name or password are not fetched; remove them.")
        host = parts.hostname
        if not host:
            raise FetchRefused(f"The URL {url!r} has no host name.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchRefused(f"The URL {url!r} has an invalid port.") from None
        addresses = self.resolver(host, port)
        if not addresses:
            raise FetchRefused(f"The host name {host!r} has no address.")
        checked = [self.check_address(host, a) for a in addresses]
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return parts.scheme, host, port, path, str(checked[0])

    def fetch(self, url: str) -> Fetched:
        deadline = time.monotonic() + self.timeout
        redirects: list[str] = []
        current = url
        while True:
            scheme, host, port, path, address = self.vet(current)
            status, headers, body = self._get(scheme, host, port, path, address, deadline)
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                if len(redirects) >= self.max_redirects:
                    raise FetchRefused(
                        f"More than {self.max_redirects} redirects; the URL is not followed further."
                    )
                current = urljoin(current, location)
                redirects.append(current)
                continue
            return Fetched(current, status, headers.get("content-type", ""), body, tuple(redirects))

    def _get(
        self, scheme: str, host: str, port: int, path: str, address: str, deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused(f"The fetch took longer than {self.timeout:g} s and was stopped.")
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = _PinnedHTTPS(host, port, address, timeout=remaining)
        else:
            conn = _PinnedHTTP(host, port, address, timeout=remaining)
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "User-Agent": self.user_agent,
                    "Accept": "text/html,*/*;q=0.5",
                    "Accept-Encoding": "identity",
                },
            )
            resp = conn.getresponse()
            declared = resp.getheader("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchRefused(
                    f"The page is {int(declared)} bytes, more than the limit of {self.max_bytes}."
                )
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchRefused(f"The fetch took longer than {self.timeout:g} s and was stopped.")
                chunk = resp.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchRefused(f"The page is larger than the limit of {self.max_bytes} bytes.")
                chunks.append(chunk)
            headers = {k.lower(): v for k, v in resp.getheaders()}
            return resp.status, headers, b"".join(chunks)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchRefused(f"The page could not be fetched: {exc}.") from None
        finally:
            conn.close()


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the vetted address while sending the original Host header."""

    def __init__(self, host: str, port: int, address: str, *, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, *, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
