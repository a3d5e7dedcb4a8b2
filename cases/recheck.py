"""Removal re-checks: re-fetch the URL of every case with a takedown requested.

A post counts as removed when the URL answers 404 or 410, or when the post's text is gone
from the page and either the page shows a platform's deletion marker ("[removed]",
"このポストは表示できません", "Video unavailable", …) or the platform renders posts on the
server (so missing text means missing content). On JavaScript-rendered platforms (X,
Bluesky, YouTube, …) a page without the text and without a marker proves nothing and the
case is left alone. A post whose text is still on the page is live, whatever else the page
says (a thread page may show other deleted replies).

The case is marked ``removed`` with the evidence of removal: the time, HTTP status, final
URL, the marker or rule that matched, and the SHA-256 of the page kept under
``<data_dir>/removal-checks``. Each check that finds the post still online is written to the
case's audit log.

The daemon calls :func:`recheck_removals` on a schedule; it first fingerprints the media of
watched cases that have no fingerprints yet (see :mod:`cases.media_prints`).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from cases.store import CaseStore
from crawler.state import now

logger = logging.getLogger(__name__)

RECHECK_STATUSES = ("takedown_requested", "refused", "escalated_to_counsel")
JS_PLATFORMS = frozenset({"x", "twitter", "bluesky", "youtube", "tiktok", "instagram", "threads", "facebook"})
MARKERS: dict[str, tuple[str, ...]] = {
    "reddit": ("[removed]", "[deleted]", "Sorry, this post was deleted", "Sorry, this post has been removed"),
    "x": (
        "This post is unavailable",
        "このポストは表示できません",
        "This Post was deleted",
        "このポストは削除されました",
        "this page doesn’t exist",
        "このページは存在しません",
    ),
    "youtube": (
        "Video unavailable",
        "この動画は削除されました",
        "This video has been removed",
        "この動画は利用できません",
        "This video isn't available anymore",
    ),
    "bluesky": ("Post not found", "投稿が見つかりません", "The post may have been deleted"),
    "mastodon": ("This resource could not be found", "お探しのページは見つかりませんでした"),
    "5ch": ("あぼーん", "削除されました"),
    "*": (
        "This content has been removed",
        "This content is no longer available",
        "このコンテンツは削除されました",
        "この投稿は削除されました",
    ),
}

_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RecheckResult:
    case_id: int
    url: str
    outcome: str  # removed, live, unknown, error
    reason: str


def _normalize(text: str) -> str:
    """Page or post text without tags and without any whitespace (tags split words anywhere)."""
    return _SPACE.sub("", html.unescape(_TAGS.sub(" ", text)))


def _decode(resp: requests.Response) -> str:
    if "charset" in resp.headers.get("Content-Type", "").lower():
        return resp.text
    try:
        return resp.content.decode("utf-8")
    except UnicodeDecodeError:
        return resp.content.decode(resp.apparent_encoding or "utf-8", errors="replace")


def _markers(platform: str) -> tuple[str, ...]:
    key = {"twitter": "x", "jp_board": "5ch"}.get(platform, platform)
    return MARKERS.get(key, ()) + MARKERS["*"]


def judge(platform: str, post_text: str, status: int, body: str) -> tuple[str, str, str]:
    """``(outcome, reason, marker)`` for a fetched page of a post."""
    if status in (404, 410):
        return "removed", f"http_{status}", ""
    if status >= 400:
        return "unknown", f"http_{status}", ""
    page = _normalize(body)
    snippet = _normalize(post_text)[:60]
    if snippet and snippet in page:
        return "live", "text_present", ""
    for marker in _markers(platform):
        if _normalize(marker) in page:
            return "removed", "deletion_marker", marker
    if snippet and platform not in JS_PLATFORMS:
        return "removed", "content_gone", ""
    return "unknown", "no_text_no_marker", ""


def fingerprint_watched_media(store: CaseStore) -> int:
    """Fingerprint the media of watched cases that have none yet (their evidence capture came
    after the status change, or fetching failed then); return how many were stored."""
    from cases import media_prints
    from cases.model import WATCHED_STATUSES

    stored = 0
    for case in store.list():
        if case.status not in WATCHED_STATUSES:
            continue
        try:
            stored += media_prints.record_case_media(store.config, store.state, case)
        except Exception as exc:
            logger.warning("The media of case %d could not be fingerprinted: %s", case.id, exc)
    return stored


def recheck_removals(
    config: Any, *, at: datetime | None = None, session: requests.Session | None = None
) -> list[RecheckResult]:
    """Re-fetch every case with a takedown requested; mark removed ones with evidence."""
    store = CaseStore(config)
    at = at or now()
    folder = config.data_dir / "removal-checks"
    http = session or requests.Session()
    http.headers["User-Agent"] = config.crawler.user_agent
    results: list[RecheckResult] = []
    fingerprint_watched_media(store)
    for case in store.list():
        if case.status not in RECHECK_STATUSES or not case.url:
            continue
        try:
            resp = http.get(case.url, timeout=config.crawler.timeout, allow_redirects=True)
        except requests.RequestException as exc:
            detail = {"checked_at": at.isoformat(), "url": case.url, "error": str(exc)}
            store.checked(case.id, {**detail, "outcome": "error"})
            results.append(RecheckResult(case.id, case.url, "error", str(exc)))
            logger.warning("Re-check of case %d (%s) failed: %s", case.id, case.url, exc)
            continue
        outcome, reason, marker = judge(case.platform, case.text, resp.status_code, _decode(resp))
        digest = hashlib.sha256(resp.content).hexdigest()
        evidence = {
            "checked_at": at.isoformat(),
            "url": case.url,
            "final_url": resp.url,
            "http_status": resp.status_code,
            "reason": reason,
            "marker": marker,
            "sha256": digest,
            "bytes": len(resp.content),
            "headers": {
                k: resp.headers[k]
                for k in ("Date", "Server", "Content-Type", "Last-Modified")
                if k in resp.headers
            },
        }
        if outcome == "removed":
            folder.mkdir(parents=True, exist_ok=True)
            snapshot = folder / f"case-{case.id}-{at:%Y%m%dT%H%M%SZ}.html"
            snapshot.write_bytes(resp.content)
            evidence["snapshot"] = str(snapshot)
            store.set_status(
                case.id, "removed", actor="recheck", note=f"Removal detected: {reason}", evidence=evidence
            )
            logger.info("Case %d: the post at %s is removed (%s).", case.id, case.url, reason)
        else:
            store.checked(case.id, {**evidence, "outcome": outcome})
        results.append(RecheckResult(case.id, case.url, outcome, reason))
    return results
