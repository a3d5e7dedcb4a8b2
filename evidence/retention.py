"""Retention: evidence of hits outside any case expires; evidence of a case is held.

:func:`apply_retention` deletes a capture (its manifest, its queue rows and every artifact
no other capture uses) when

* its hit belongs to no case and it is older than ``[evidence] retention_days``, or
* its hit's case was closed more than ``[evidence] hold_days`` ago.

Hits of open cases are always kept. The cases package supplies the two sets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from crawler.state import State, _utc, now
from evidence import db
from evidence.store import object_key, open_store

logger = logging.getLogger(__name__)


@dataclass
class RetentionResult:
    deleted_captures: list[str] = field(default_factory=list)
    deleted_objects: int = 0
    deleted_failed: int = 0
    """Queue rows of hits whose capture failed for good, past retention."""
    kept: int = 0


def apply_retention(
    config: Any,
    open_case_hit_ids: Iterable[str],
    closed_case_hits: Mapping[str, datetime] | None = None,
    *,
    at: datetime | None = None,
    dry_run: bool = False,
) -> RetentionResult:
    """Delete expired evidence; ``closed_case_hits`` maps hit id -> when its case was closed."""
    ev = config.evidence
    at = _utc(at) or now()
    keep_open = set(open_case_hit_ids)
    closed = {k: _utc(v) for k, v in (closed_case_hits or {}).items()}
    state = db.ensure(State.from_config(config))
    rows = db.captures(state)
    expired: list[dict[str, Any]] = []
    remaining: list[dict[str, Any]] = []
    for row in rows:
        hit = row["hit_id"]
        if hit in keep_open:
            keep = True
        elif hit in closed:
            keep = at < closed[hit] + timedelta(days=ev.hold_days)  # type: ignore[operator]
        else:
            keep = at < row["captured_at"] + timedelta(days=ev.retention_days)
        (remaining if keep else expired).append(row)
    result = RetentionResult(kept=len(remaining))
    if dry_run:
        result.deleted_captures = [r["capture_id"] for r in expired]
        return result
    # Hits whose capture failed for good hold the post in the queue row: expire those too.
    q = db.evidence_queue
    with state.begin() as conn:
        result.deleted_failed = conn.execute(
            delete(q).where(
                q.c.status == "failed",
                q.c.enqueued_at < at - timedelta(days=ev.retention_days),
                q.c.hit_id.not_in(sorted(keep_open)),
            )
        ).rowcount
    if not expired:
        return result
    store = open_store(config)
    still_used = {sha for r in remaining for sha in r["objects"]}
    orphaned = {sha for r in expired for sha in r["objects"]} - still_used
    gone_hits = {r["hit_id"] for r in expired} - {r["hit_id"] for r in remaining}
    for row in expired:
        store.remove(row["manifest_key"])
        db.forget_capture(state, row["capture_id"])
        result.deleted_captures.append(row["capture_id"])
    for sha in orphaned:
        store.remove(object_key(sha))
        result.deleted_objects += 1
    if gone_hits:
        with state.begin() as conn:
            conn.execute(delete(db.evidence_queue).where(db.evidence_queue.c.hit_id.in_(sorted(gone_hits))))
    logger.info(
        "Retention: deleted %d capture(s) and %d file(s); kept %d capture(s).",
        len(result.deleted_captures),
        result.deleted_objects,
        result.kept,
    )
    return result
