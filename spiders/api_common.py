"""Shared helpers of the JSON-API spiders (Reddit, Mastodon, Bluesky, Hacker News).

* :func:`decode_json` turns a response into JSON or raises :class:`ParseError` with a
  sentence the user can act on: HTTP errors, HTML where JSON was expected (a login wall, a
  maintenance page, a wrong ``api_url``), bytes that are not in the declared charset, and JSON
  that ends early (a truncated transfer).
* Rate limiting: :class:`ApiSpider` sends every API request through one download slot per
  platform, spaced ``60 / requests_per_minute`` seconds apart (platform limits are per client,
  not per host: Reddit's token endpoint and API are on different hosts).
* :class:`ApiSpider` is the common base: JSON requests that reach the callback whatever their
  status (so a 401 becomes a clear source error instead of a silent drop), an errback that
  records network failures, and helpers for cursors and timestamps.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import scrapy
from pydantic import Field
from scrapy import signals

from crawler.exceptions import ParseError
from spiders.base import SourceOptions, SourceSpider

logger = logging.getLogger(__name__)

_SNIPPET = 60


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text[:_SNIPPET] + ("…" if len(text) > _SNIPPET else "")


def _declared_charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            return value.strip().strip('"').lower()
    return ""


def decode_json(response: Any, what: str) -> Any:
    """Decode ``response`` as JSON; raise :class:`ParseError` naming ``what`` and the URL.

    JSON is UTF-8 by definition (RFC 8259). A body that is not UTF-8 but decodes in the
    charset its ``Content-Type`` declares is accepted (some servers do send Shift_JIS JSON);
    otherwise the error names the bad byte.
    """
    url = response.url
    status = int(response.status)
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    body: bytes = response.body
    head = body[:512].lstrip().lower()
    looks_html = head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or (
        "html" in content_type.lower() and not head.startswith((b"{", b"["))
    )
    if status >= 400:
        hint = {
            401: "The credentials were refused; check the source's token or client id/secret.",
            403: "Access is forbidden; the platform may require authentication for this endpoint.",
            404: "The address does not exist; check the source's api_url/instance and names.",
            429: "The platform's rate limit was still exceeded after the retries; lower requests_per_minute.",
        }.get(status, "The platform failed; the next crawl will try again.")
        detail = "" if looks_html else f" ({_snippet(body[:200].decode('utf-8', 'replace'))})"
        raise ParseError(f"{what} at {url} answered HTTP {status}{detail}. {hint}")
    if looks_html:
        raise ParseError(
            f"{what} at {url} answered with HTML where JSON was expected (HTTP {status}, "
            f"Content-Type {content_type or 'missing'!r}, starting {_snippet(body[:200].decode('utf-8', 'replace'))!r}). "
            "The API may be down or behind a login page, or the source's api_url points at a web page "
            "instead of the API; check the address."
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        charset = _declared_charset(content_type)
        text = ""
        if charset and charset not in ("utf-8", "utf8"):
            try:
                text = body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                text = ""
        if not text:
            bad = body[exc.start : exc.start + 4]
            raise ParseError(
                f"{what} at {url} is not valid UTF-8: byte 0x{body[exc.start]:02x} at position "
                f"{exc.start} ({bad!r}) cannot be decoded, and the declared charset is "
                f"{charset or 'missing'!r}. JSON must be UTF-8; the server sent another encoding "
                "(such as Shift_JIS or Latin-1). Report it to the platform or proxy operator."
            ) from None
    if not text.strip():
        raise ParseError(
            f"{what} at {url} answered HTTP {status} with an empty body where JSON was expected."
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        stripped = text.rstrip()
        ends_early = exc.pos >= len(stripped) - 1 or not stripped.endswith(("}", "]"))
        reason = (
            "the JSON ends early, so the response was probably truncated in transit"
            if ends_early
            else "the JSON is malformed"
        )
        raise ParseError(
            f"{what} at {url} could not be read: {reason} ({exc.msg} at line {exc.lineno} column "
            f"{exc.colno}, character {exc.pos} of {len(text)}). The next crawl will fetch it again."
        ) from None


def parse_time(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601 string or a Unix timestamp."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class ApiOptions(SourceOptions):
    """Options every API source accepts."""

    requests_per_minute: float = Field(default=60, gt=0)
    """Requests per minute for this source (the platform's published limit or lower)."""
    max_pages: int = Field(default=3, ge=1)
    """Pages fetched per query or timeline in one crawl (the cursor catches up next time)."""


class ApiSpider(SourceSpider):
    """Base of the JSON-API spiders.

    Rate limit: every API request of the crawl goes through one Scrapy download slot of its
    own (``mamori-<platform>``) with concurrency 1 and a fixed delay of ``60 /
    requests_per_minute`` between requests, which the downloader enforces when it sends
    them (AutoThrottle leaves this slot alone). Platform limits are per
    client, not per host, so Reddit's token host and API host share the one slot.
    """

    custom_settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    requests_per_minute: float = 60

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.requests_per_minute = float(getattr(spider.options, "requests_per_minute", 60))
        crawler.signals.connect(spider._apply_rate, signal=signals.spider_opened)
        return spider

    @property
    def slot_key(self) -> str:
        return f"mamori-{self.platform}"

    def set_rate(self, per_minute: float) -> None:
        """Change the rate limit (e.g. once an OAuth token raises it); applies to the next request."""
        self.requests_per_minute = per_minute
        self._apply_rate()

    def pause_for(self, seconds: float) -> None:
        """Make the next API request wait ``seconds`` (a platform said its budget is used up)."""
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        slot = downloader.slots.get(self.slot_key) if downloader is not None else None
        if slot is not None:
            slot.delay = max(slot.delay, seconds)

    def _apply_rate(self, *_: Any, **__: Any) -> None:
        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return
        delay = 60.0 / self.requests_per_minute if self.requests_per_minute > 0 else 0.0
        downloader.per_slot_settings[self.slot_key] = {"concurrency": 1, "delay": delay, "jitter": 0}
        slot = downloader.slots.get(self.slot_key)
        if slot is not None:
            slot.delay = delay
        self.crawler.stats.set_value(f"mamori/{self.platform}/request_interval", delay)

    def api_request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> scrapy.Request:
        """A rate-limited request whose response reaches ``callback`` whatever its HTTP status."""
        meta = {
            "handle_httpstatus_all": True,
            "download_slot": self.slot_key,
            "autothrottle_dont_adjust_delay": True,
            **kwargs.pop("meta", {}),
        }
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        errback = kwargs.pop("errback", self.on_error)
        return scrapy.Request(url, callback=callback, errback=errback, meta=meta, headers=headers, **kwargs)

    def on_error(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        where = request.url if request is not None else "a request"
        self.source_error(
            f"Fetching {where} failed: {failure.getErrorMessage()}. Check the source's address "
            "and the network; the next crawl will try again."
        )

    def read_json(self, response: Any, what: str) -> Any:
        """The decoded JSON, or ``None`` after recording a clear source error."""
        try:
            return decode_json(response, what)
        except ParseError as exc:
            self.crawler.stats.inc_value(f"mamori/{self.platform}/bad_responses")
            self.source_error(str(exc))
            return None

    def cursors(self) -> dict[str, Any]:
        """The per-query cursors of this source (``{query key: cursor}``)."""
        value = self.get_cursor("cursors", {})
        return dict(value) if isinstance(value, dict) else {}

    def save_cursor(self, key: str, value: Any) -> None:
        current = self.cursors()
        current[key] = value
        self.set_cursor(current, "cursors")
