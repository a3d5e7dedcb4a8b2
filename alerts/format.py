"""The text of an alert: what, where, when (JST and UTC), who, how severe, which words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from crawler.items import Finding, Post, severity_rank

JST = timezone(timedelta(hours=9), "JST")


def _both(ts: datetime | None) -> str:
    if ts is None:
        return "unknown"
    ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    return f"{ts.astimezone(JST):%Y-%m-%d %H:%M JST} ({ts.astimezone(UTC):%Y-%m-%d %H:%M UTC})"


def hit_url(portal_url: str, post_id: str) -> str:
    return f"{portal_url.rstrip('/')}/hits/{quote(post_id, safe='')}"


def render_alert(post: Post, findings: list[Finding], *, portal_url: str) -> tuple[str, str, str]:
    """Return ``(title, body, severity)`` for an alert about ``post``.

    Never includes biometric data or secrets: only labels, words and explanations.
    """
    top = max(findings, key=lambda f: severity_rank(f.severity))
    labels = ", ".join(sorted({f.label for f in findings}))
    employees = sorted({f.employee_id for f in post.findings if f.employee_id})
    where = post.title or post.url
    title = f"[mamori] {top.severity.upper()} {labels} on {post.platform}: {where[:80]}"
    words = sorted({s.text for f in findings for s in f.spans if s.text})
    excerpt = post.text if len(post.text) <= 400 else post.text[:400] + "…"
    lines = [
        f"Severity: {top.severity}",
        f"Labels: {labels}",
        f"Employee(s): {', '.join(employees) if employees else 'none named'}",
        f"Triggering words: {', '.join(words) if words else '-'}",
        "",
        f"Where: {post.url}",
        f"Platform: {post.platform} (source {post.source})",
        f"Author: {post.author.handle or post.author.display_name or 'unknown'}",
        f"Posted: {_both(post.published_at)}",
        f"Captured: {_both(post.fetched_at)}",
        "",
        "Why:",
        *(f"- {f.label} ({f.severity}, score {f.score:.2f}): {f.explanation}" for f in findings),
        "",
        "Post:",
        excerpt,
        "",
        f"Open in mamori: {hit_url(portal_url, post.id)}",
    ]
    return title, "\n".join(lines), top.severity
