"""Pure helpers of the Reddit spider: Listing walking, search batching, media of a submission.

No Scrapy here, so they can be reused (and read) without a crawl.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.items import MediaRef

WWW = "https://www.reddit.com"
GONE = {"[removed]": "removed", "[deleted]": "deleted"}
IMAGE_URL = re.compile(r"https?://[^\s)\]]+?\.(?:jpe?g|png|gif|webp)\b", re.IGNORECASE)
_IMAGE_EXT = (".jpg", ".jpeg", ".png", ".gif", ".webp")
_VIDEO_EXT = (".mp4", ".gifv", ".webm")


def or_queries(terms: list[str], max_len: int = 500) -> list[str]:
    """``"a" OR "b" …`` batches no longer than ``max_len`` characters."""
    batches: list[str] = []
    current = ""
    for term in terms:
        quoted = '"' + term.replace('"', "") + '"'
        candidate = f"{current} OR {quoted}" if current else quoted
        if current and len(candidate) > max_len:
            batches.append(current)
            candidate = quoted
        current = candidate
    if current:
        batches.append(current)
    return batches


def submission_media(d: dict[str, Any]) -> list[MediaRef]:
    media: dict[str, MediaRef] = {}

    def add(url: str | None, kind: str, mime: str = "") -> None:
        if url and url.startswith("http"):
            media.setdefault(url, MediaRef(url=url, kind=kind, mime_type=mime))  # type: ignore[arg-type]

    video = ((d.get("secure_media") or d.get("media") or {}).get("reddit_video") or {}).get("fallback_url")
    add(video, "video", "video/mp4")
    for item in (d.get("media_metadata") or {}).values():
        if isinstance(item, dict):
            add(
                ((item.get("s") or {}).get("u") or (item.get("s") or {}).get("gif")),
                "image",
                item.get("m", ""),
            )
    url = d.get("url_overridden_by_dest") or d.get("url") or ""
    lower = url.lower().split("?")[0]
    if lower.endswith(_IMAGE_EXT) or d.get("post_hint") == "image":
        add(url, "image")
    elif lower.endswith(_VIDEO_EXT) or (d.get("post_hint") or "").endswith("video"):
        add(url, "video")
    for img in (d.get("preview") or {}).get("images") or []:
        add((img.get("source") or {}).get("url"), "image")
    if url and not d.get("is_self") and url not in media and "/comments/" not in url:
        add(url, "link")
    return list(media.values())


def children_of(listing: Any) -> list[dict[str, Any]]:
    """The things of a Listing (only well-formed ones)."""
    data = listing.get("data") if isinstance(listing, dict) else None
    kids = data.get("children") if isinstance(data, dict) else None
    return [c for c in kids if isinstance(c, dict)] if isinstance(kids, list) else []


def created_utc(d: Any) -> float:
    try:
        return float(d.get("created_utc") or 0) if isinstance(d, dict) else 0.0
    except (TypeError, ValueError):
        return 0.0
