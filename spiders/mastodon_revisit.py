"""The Mastodon re-visit window: statuses seen recently, kept to be fetched again.

Timelines and search are read from a cursor (``since_id``/``min_id``), so a later edit of a
status older than the cursor would never be seen. The spider therefore remembers, per
instance, the statuses it yielded (id → created time, ``edited_at``, thread root) and, on
every crawl, fetches again those created within ``revisit_hours``: 20 at a time through
``GET /api/v1/statuses?id[]=…`` (Mastodon 4.3+), one by one through
``GET /api/v1/statuses/:id`` where that is missing. A status whose ``edited_at`` changed is
yielded again (the dedupe pipeline sees the new content hash: an edit); one that answers 404
was deleted (or hidden from the public) and is recorded as such.

Pure helpers here; the requests are in :mod:`spiders.mastodon`.
"""

from __future__ import annotations

import math
from typing import Any

BATCH = 20
"""Ids per ``GET /api/v1/statuses`` (Mastodon's ``DEFAULT_STATUSES_LIMIT``)."""
MAX_PER_CRAWL = 400
"""Statuses re-fetched per instance and crawl at most (the newest first)."""
KEEP = 2000
"""Statuses remembered per instance at most."""
MAX_HOURS = 8760.0
NO_BATCH = (400, 404, 405, 410, 422, 501)
"""Answers of a server without the multi-status endpoint (or refusing our use of it)."""

Known = dict[str, dict[str, list[Any]]]
"""instance → status id → [created (Unix time), edited_at or "", thread root id or ""]."""


def check_hours(value: Any) -> float:
    """``revisit_hours``: a number of hours from 0 (off) to a year."""
    hint = (
        "give a number of hours from 0 (off) to 8760 (a year) in which statuses already seen are "
        "fetched again for edits and deletions, e.g. revisit_hours = 48"
    )
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(hint)
    try:
        hours = float(value)
    except ValueError:
        raise ValueError(hint) from None
    if math.isnan(hours) or not 0 <= hours <= MAX_HOURS:
        raise ValueError(hint)
    return hours


def due(known: dict[str, list[Any]], now: float, hours: float) -> list[str]:
    """The ids to fetch again: created within the window, newest first, at most MAX_PER_CRAWL."""
    horizon = now - hours * 3600
    recent = [(float(v[0]), sid) for sid, v in known.items() if _valid(v) and float(v[0]) >= horizon]
    return [sid for _, sid in sorted(recent, reverse=True)[:MAX_PER_CRAWL]]


def merge(known: Known, seen: Known, gone: set[tuple[str, str]], now: float, hours: float) -> Known:
    """The remembered statuses after a crawl: plus those seen, minus the deleted and the old."""
    horizon = now - hours * 3600
    out: Known = {}
    for instance in {*known, *seen}:
        entries = {**(known.get(instance) or {}), **(seen.get(instance) or {})}
        kept = [
            (float(v[0]), sid, v)
            for sid, v in entries.items()
            if _valid(v) and float(v[0]) >= horizon and (instance, sid) not in gone
        ]
        if kept:
            out[instance] = {sid: v for _, sid, v in sorted(kept, key=lambda t: t[0], reverse=True)[:KEEP]}
    return out


def _valid(entry: Any) -> bool:
    return isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], (int, float))
