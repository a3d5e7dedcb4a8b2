"""Court-ready evidence of hits: captures, WARC, signed manifests, verification, export.

For every hit at or above ``[evidence] min_severity`` the crawl pipeline
(:mod:`crawler.pipelines.evidence`) puts a row in the durable capture queue; outside the
crawl process :func:`evidence.queue.capture_pending` takes queued hits and
:func:`evidence.capture.capture_hit` captures each one: a PDF with the URL and capture time
in its header and footer, a PNG, the raw HTTP responses as WARC, and a manifest listing
every artifact with its SHA-256, signed with the instance's Ed25519 key and optionally
timestamped by an RFC 3161 TSA. Artifacts live in a content-addressed store
(:mod:`evidence.store`). :mod:`evidence.verify`, :mod:`evidence.export` and
:mod:`evidence.retention` check, package and expire what was captured.

Nothing here imports Playwright or boto3 at import time.
"""

from __future__ import annotations

from typing import Any

__all__ = ["apply_retention", "capture_hit", "capture_pending"]


def capture_hit(config: Any, post_or_doc: Any) -> Any:
    """Capture one hit now; see :func:`evidence.capture.capture_hit`."""
    from evidence.capture import capture_hit as _capture_hit

    return _capture_hit(config, post_or_doc)


def capture_pending(config: Any, *, limit: int = 20) -> Any:
    """Capture queued hits; see :func:`evidence.queue.capture_pending`."""
    from evidence.queue import capture_pending as _capture_pending

    return _capture_pending(config, limit=limit)


def apply_retention(config: Any, open_case_hit_ids: Any, **kwargs: Any) -> Any:
    """Delete expired evidence; see :func:`evidence.retention.apply_retention`."""
    from evidence.retention import apply_retention as _apply_retention

    return _apply_retention(config, open_case_hit_ids, **kwargs)
