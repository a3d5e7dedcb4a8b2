"""Reddit's application-only OAuth token (client-credentials grant), renewed within a crawl.

Reddit's token lives ``expires_in`` seconds (an hour). A crawl can outlast it, so:

* :class:`ClientCredentials` obtains the token (HTTP Basic with the client id and secret,
  ``grant_type=client_credentials``) and renews it; renewals are single-flight (requests
  that find the token stale at the same moment share one token request);
* :class:`RedditAuthMiddleware`, a downloader middleware the Reddit spider switches on for
  itself, puts the *current* token on every OAuth request when it is sent (a request may
  wait in the rate-limited queue longer than the token lives), renews the token first
  when it expires within ``token_refresh_margin`` seconds (at most half its lifetime), and
  on a 401 renews it and sends that request once more; a second 401 reaches the spider
  as a clear error.

The token, the client secret and the Basic credentials are never logged nor put in an
error message.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from typing import Any

from crawler.exceptions import ParseError
from spiders.api_common import decode_json

logger = logging.getLogger(__name__)

OAUTH = "reddit_oauth"
"""Request meta key: this request goes to the OAuth API and needs the bearer token."""
_GENERATION = "reddit_token_generation"
_RETRIED = "reddit_auth_retried"


class ClientCredentials:
    """The current token of one crawl, and how to obtain a new one."""

    def __init__(
        self, spider: Any, *, auth_url: str, client_id: str, client_secret: str, margin: float
    ) -> None:
        self.spider = spider
        self.auth_url = auth_url
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.margin = margin
        self.token = ""
        self.generation = 0
        self.expires_at = 0.0
        self.lifetime = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:  # never show the secret or the token
        return f"ClientCredentials(auth_url={self.auth_url!r}, generation={self.generation})"

    def expiring(self) -> bool:
        """Whether the token runs out within the margin (at most half its lifetime)."""
        if not self.token or not self.lifetime:
            return False
        return time.monotonic() >= self.expires_at - min(self.margin, self.lifetime / 2)

    async def renew(self, stale: int) -> bool:
        """Obtain a new token unless one newer than generation ``stale`` came meanwhile.

        Returns whether a usable token is there; failures are recorded as the source's error."""
        async with self._lock:
            if self.generation != stale:
                return bool(self.token)
            return await self._obtain()

    async def _obtain(self) -> bool:
        spider = self.spider
        request = spider.api_request(
            self.auth_url,
            _unused_callback,
            method="POST",
            body="grant_type=client_credentials",
            headers={
                "Authorization": f"Basic {self._basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            dont_filter=True,
        )
        first = self.generation == 0
        try:
            response = await spider.crawler.engine.download_async(request)
            data = decode_json(response, "The Reddit token request")
            token = data["access_token"] if isinstance(data, dict) else None
            if not isinstance(token, str) or not token:
                raise ParseError("the answer has no access_token.")
            expires_in = float(data.get("expires_in") or 0)
        except Exception as exc:  # a network failure, an HTTP error, an unreadable answer
            reason = str(exc) if isinstance(exc, ParseError) else f"{type(exc).__name__}: {exc}"
            then = (
                "Crawling anonymously (10 requests/min)."
                if first
                else "Requests that need the token fail until the next crawl."
            )
            spider.source_error(
                f"Reddit did not {'grant' if first else 'renew'} an OAuth token at {self.auth_url}: {reason} "
                f"Check client_id and client_secret (the app at reddit.com/prefs/apps). {then}"
            )
            return False
        self.token = token
        self.generation += 1
        self.lifetime = max(expires_in, 0.0)
        self.expires_at = time.monotonic() + self.lifetime
        spider.crawler.stats.inc_value("mamori/reddit/tokens")
        if not first:
            logger.info(
                "Source %s: renewed the Reddit OAuth token (valid %.0f s).", spider.source.name, self.lifetime
            )
        return True


def _unused_callback(response: Any) -> None:
    """The token request is downloaded directly (engine.download_async); no callback runs."""


class RedditAuthMiddleware:
    """Bearer token on OAuth requests at send time; renewal when expiring or refused (401)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedditAuthMiddleware:
        return cls(crawler)

    def _auth(self, request: Any) -> ClientCredentials | None:
        if not request.meta.get(OAUTH):
            return None
        auth = getattr(self.crawler.spider, "auth", None)
        return auth if isinstance(auth, ClientCredentials) and auth.token else None

    async def process_request(self, request: Any, spider: Any = None) -> None:
        auth = self._auth(request)
        if auth is None:
            return
        if auth.expiring():
            await auth.renew(auth.generation)
        request.headers["Authorization"] = f"bearer {auth.token}"
        request.meta[_GENERATION] = auth.generation

    async def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if response.status != 401:
            return response
        auth = self._auth(request)
        if auth is None:
            return response
        stats = self.crawler.stats
        if request.meta.get(_RETRIED):
            stats.inc_value("mamori/reddit/token_refused")
            return response  # refused twice: the spider reports the 401
        if not await auth.renew(int(request.meta.get(_GENERATION, auth.generation))):
            return response
        stats.inc_value("mamori/reddit/token_retries")
        return request.replace(meta={**request.meta, _RETRIED: True}, dont_filter=True)
