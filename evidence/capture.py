"""Capture one hit: raw HTTP into WARC, PDF and PNG from the browser, a signed manifest.

:func:`capture_hit` never loses what it got: the raw responses (WARC) and the post as found
are stored even when the browser fails on every try; the manifest then says ``partial`` and
gives the reason. Only an unusable key or store raises :class:`EvidenceError`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import platform
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from crawler import __version__
from crawler.exceptions import EvidenceError
from crawler.items import Post
from crawler.state import State
from evidence import db
from evidence.browser import Browser, PageCapture, redact, time_line
from evidence.config import key_file
from evidence.keys import load_key
from evidence.manifest import Manifest, attach_timestamp, sign
from evidence.rawhttp import Exchange, fetch, refusal
from evidence.store import EvidenceStore, manifest_key, open_store
from evidence.warc import write_warc

logger = logging.getLogger(__name__)

_SECRET_SETTINGS = {"s3_access_key", "s3_secret_key"}


def as_post(post_or_doc: Post | dict[str, Any]) -> Post:
    if isinstance(post_or_doc, Post):
        return post_or_doc
    if isinstance(post_or_doc, dict):
        try:
            return Post.from_dict(post_or_doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise EvidenceError(
                f"The hit document {str(post_or_doc.get('id', '?'))!r} cannot be read as a post ({exc}); "
                "pass a crawler.items.Post or a document made by index.base.hit_document()."
            ) from exc
    raise EvidenceError(f"capture_hit() needs a Post or a hit document, not {type(post_or_doc).__name__}.")


def _settings(config: Any, browser_version: str) -> dict[str, Any]:
    ev = config.evidence.model_dump(mode="json", exclude=_SECRET_SETTINGS)
    ev.pop("key_file", None)
    return {"evidence": ev, "user_agent": config.crawler.user_agent, "browser": browser_version}


def _exchange_info(ex: Exchange) -> dict[str, Any]:
    return {
        "url": ex.url,
        "status": ex.status,
        "complete": ex.complete,
        "error": ex.error,
        "remote_ip": ex.remote_ip,
        "started_at": ex.started_at.isoformat(),
        "request_headers": redact(dict(ex.request_headers)),
        "response_headers": redact(dict(ex.headers)),
    }


def _media_name(i: int, url: str, content_type: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", urlsplit(url).path.rsplit("/", 1)[-1])[:60] or "media"
    if "." not in base:
        base += mimetypes.guess_extension(content_type.split(";")[0].strip()) or ""
    return f"media/{i:02d}-{base}"


class _Artifacts:
    def __init__(self, store: EvidenceStore) -> None:
        self.store = store
        self.items: list[dict[str, Any]] = []

    def add(self, name: str, data: bytes, media_type: str, **extra: Any) -> None:
        sha = self.store.put(data)
        self.items.append({"name": name, "sha256": sha, "size": len(data), "media_type": media_type, **extra})


def capture_hit(
    config: Any,
    post_or_doc: Post | dict[str, Any],
    *,
    browser: Browser | None = None,
    state: State | None = None,
    store: EvidenceStore | None = None,
) -> Manifest:
    """Capture ``post_or_doc`` now, store every artifact, sign and record the manifest."""
    post = as_post(post_or_doc)
    ev = config.evidence
    key = load_key(key_file(config), data_dir=config.data_dir)
    store = store or open_store(config)
    state = db.ensure(state or State.from_config(config))
    captured_at = datetime.now(UTC)
    capture_id = f"{captured_at:%Y%m%dT%H%M%S%fZ}-{hashlib.sha256(post.id.encode()).hexdigest()[:8]}"
    ua = config.crawler.user_agent
    problems: list[str] = []
    arts = _Artifacts(store)

    # 1. The raw HTTP: the page, the API response it came from, its media.
    exchanges: list[Exchange] = []
    private = ev.allow_private_addresses
    page_fetch = fetch(
        post.url,
        user_agent=ua,
        timeout=ev.page_timeout,
        max_bytes=ev.max_response_bytes,
        allow_private=private,
    )
    exchanges += page_fetch.exchanges
    for ex in page_fetch.exchanges:
        if ex.error:
            problems.append(f"raw fetch of {ex.url}: {ex.error}")
    if post.raw_ref and post.raw_ref.startswith(("http://", "https://")) and post.raw_ref != post.url:
        api = fetch(
            post.raw_ref,
            user_agent=ua,
            timeout=ev.page_timeout,
            max_bytes=ev.max_response_bytes,
            allow_private=private,
        )
        exchanges += api.exchanges
    media_fetches: list[Exchange] = []
    if ev.fetch_media:
        for m in post.media:
            if m.kind != "link" and m.url.startswith(("http://", "https://")):
                got = fetch(
                    m.url,
                    user_agent=ua,
                    timeout=ev.page_timeout,
                    max_bytes=ev.max_response_bytes,
                    allow_private=private,
                )
                exchanges += got.exchanges
                if got.final is not None:
                    media_fetches.append(got.final)
    warc = write_warc(
        exchanges,
        hit_id=post.id,
        software=f"mamori {__version__}",
        api_data=post.raw,
        api_uri=post.raw_ref or "",
    )
    arts.add(
        "capture.warc.gz", warc, "application/warc", description="raw HTTP responses and API data (WARC 1.1)"
    )
    for i, ex in enumerate(media_fetches, 1):
        if ex.complete and ex.status == 200:
            ctype = ex.header("content-type") or "application/octet-stream"
            arts.add(_media_name(i, ex.url, ctype), ex.payload, ctype.split(";")[0], url=ex.url)
        else:
            problems.append(f"media {ex.url}: HTTP {ex.status or 'no response'} {ex.error}".strip())
    post_json = json.dumps(post.to_dict(), ensure_ascii=False, indent=2, sort_keys=True, default=str).encode(
        "utf-8"
    )
    arts.add(
        "post.json",
        post_json,
        "application/json",
        description="the post and findings as the crawler found them",
    )

    # 2. The browser: PDF and PNG, retried in a fresh context.
    page: PageCapture | None = None
    own = browser is None
    b = browser or Browser(ev, user_agent=ua)
    browser_error = ""
    refused = refusal(post.url, allow_private=private)
    try:
        for attempt in range(1, 0 if refused else ev.browser_attempts + 1):
            try:
                page = b.capture(post.url, captured_at=captured_at, hit_id=post.id, version=__version__)
                break
            except EvidenceError as exc:
                browser_error = f"try {attempt}: {exc}"
                logger.warning("Capture of %s failed (%s).", post.url, browser_error)
                if attempt < ev.browser_attempts:
                    try:
                        b.restart()
                    except EvidenceError as again:
                        browser_error += f"; the browser could not be restarted: {again}"
                        break
    finally:
        if own:
            b.close()
    final = page.final_url if page is not None else ""
    late = refusal(final, allow_private=private) if final.startswith(("http://", "https://")) else ""
    if page is not None and late:
        problems.append(
            f"the browser was redirected to {page.final_url}: {late}; its PDF and PNG were discarded"
        )
        page, refused = None, late
    if page is not None:
        arts.add(
            "page.pdf", page.pdf, "application/pdf", description="browser print with URL and capture time"
        )
        arts.add("page.png", page.png, "image/png", description="full-page screenshot")
        if page.cut_off:
            problems.append(page.cut_off)
        if page.page_height > ev.max_page_height:
            problems.append(
                f"the page is {page.page_height} px tall; the PNG shows the first {ev.max_page_height} px "
                f"and the PDF at most {page.pdf_pages_limit} pages"
            )
    elif refused:
        problems.append(f"no browser capture: {refused}")
    else:
        problems.append(f"the browser capture failed after {ev.browser_attempts} tries: {browser_error}")

    # 3. The manifest.
    jst = captured_at.astimezone(ZoneInfo("Asia/Tokyo"))
    body: dict[str, Any] = {
        "capture_id": capture_id,
        "hit_id": post.id,
        "url": post.url,
        "final_url": page.final_url if page else "",
        "title": page.title if page else post.title,
        "captured_at": captured_at.isoformat(),
        "captured_at_jst": jst.isoformat(),
        "capture_time_printed": time_line(captured_at),
        "status": "complete" if page is not None and not page.cut_off else "partial",
        "problems": problems,
        "post": {
            "platform": post.platform,
            "source": post.source,
            "id": post.id,
            "url": post.url,
            "title": post.title,
            "text": post.text,
            "author": post.to_dict()["author"],
            "published_at": post.published_at.isoformat() if post.published_at else None,
            "fetched_at": post.fetched_at.isoformat(),
            "content_hash": post.content_hash(),
            "raw_ref": post.raw_ref,
            "max_severity": post.max_severity,
            "findings": [f.to_dict() for f in post.findings],
        },
        "crawler": {"name": "mamori", "version": __version__, "python": platform.python_version()},
        "settings": _settings(config, b.version),
        "http": {
            "browser": {
                "status": page.status if page else 0,
                "request_headers": page.request_headers if page else {},
                "response_headers": page.response_headers if page else {},
            },
            "raw": [_exchange_info(ex) for ex in exchanges],
        },
        "page": {
            "height": page.page_height if page else 0,
            "png_height": page.png_height if page else 0,
            "cut_off": page.cut_off if page else "",
            "resources": page.resources if page else [],
        },
        "artifacts": arts.items,
    }
    document = sign(body, key)
    if ev.tsa_url:
        try:
            attach_timestamp(document, ev.tsa_url, ev.tsa_timeout)
        except EvidenceError as exc:
            document["timestamp_error"] = str(exc)
            logger.warning("No trusted timestamp for %s: %s", post.id, exc)
    manifest = Manifest(document, key=manifest_key(post.id, capture_id))
    data = manifest.to_bytes()
    manifest.sha256 = hashlib.sha256(data).hexdigest()
    store.write(manifest.key, data)
    db.record_capture(
        state,
        hit_id=post.id,
        capture_id=capture_id,
        captured_at=captured_at,
        status=body["status"],
        manifest_key=manifest.key,
        manifest_sha256=manifest.sha256,
        objects=[a["sha256"] for a in arts.items],
        reason="; ".join(problems),
    )
    logger.info("Captured %s (%s): %s.", post.id, body["status"], manifest.key)
    return manifest
