"""The durable capture queue: crawl processes enqueue hits, a capture worker drains it.

:func:`enqueue` is called by the crawl pipeline (fast: one row insert). The capture runs
outside the crawl, in :func:`capture_pending` (called by the daemon, or by
``mamori evidence capture-pending`` in a child process): it claims due rows, captures them
with one recycled browser, and marks each row ``done`` or ``partial`` (the browser failed or
the page was cut off: the reason is in ``last_error`` and in the manifest). A capture that
raises (store or key trouble) is retried with exponential back-off and marked ``failed``
after ``max_attempts``. A worker that dies leaves its claimed rows to be taken again after
an hour; every claim counts as a try, so a hit that kills the worker every time ends as
``failed`` too.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from crawler.exceptions import EvidenceError
from crawler.items import Post, severity_rank
from crawler.state import State, insert_ignoring_conflicts, now
from evidence import db
from evidence.db import evidence_queue

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 3600


def should_capture(post: Post, min_severity: str) -> bool:
    return bool(post.findings) and severity_rank(post.max_severity or "info") >= severity_rank(min_severity)


def enqueue(state: State, post: Post, doc: dict[str, Any] | None = None) -> bool:
    """Queue ``post`` for capture; False if this version of it is already queued or captured."""
    db.ensure(state)
    with state.begin() as conn:
        return write_queue_rows(conn, [queue_row(post, doc)]) == 1


def queue_row(
    post: Post, doc: dict[str, Any] | str | None = None, content_hash: str | None = None
) -> dict[str, Any]:
    """The capture-queue row of ``post`` (no database access; see :func:`write_queue_rows`).

    ``doc`` is the hit document, or its JSON, and ``content_hash`` the post's content hash,
    when the caller already has them."""
    t = now()
    if not isinstance(doc, str):
        doc = json.dumps(doc or post.to_dict(), ensure_ascii=False, default=str)
    return {
        "hit_id": post.id,
        "content_hash": content_hash or post.content_hash(),
        "severity": post.max_severity or "info",
        "doc": doc,
        "status": "pending",
        "enqueued_at": t,
        "next_attempt_at": t,
        "attempts": 0,
    }


def write_queue_rows(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert capture-queue rows in ``conn``'s transaction, skipping versions already queued;
    returns how many were new."""
    if not rows:
        return 0
    return int(conn.execute(insert_ignoring_conflicts(conn, evidence_queue), rows).rowcount)


@dataclass
class BatchResult:
    captured: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.captured) + len(self.partial) + len(self.retrying) + len(self.failed)


def _claim(state: State, limit: int, max_attempts: int) -> list[tuple[int, str, int]]:
    """Take due rows (counting the try now, so a worker killed mid-capture still uses one up)."""
    t = now()
    with state.engine.connect() as conn:
        rows = conn.execute(
            select(
                evidence_queue.c.id, evidence_queue.c.doc, evidence_queue.c.attempts, evidence_queue.c.status
            )
            .where(evidence_queue.c.status.in_(("pending", "running")), evidence_queue.c.next_attempt_at <= t)
            .order_by(evidence_queue.c.id)
            .limit(limit)
        ).all()
    claimed = []
    for row_id, doc, attempts, status in rows:
        if status == "running" and attempts >= max_attempts:
            with state.begin() as conn:
                conn.execute(
                    update(evidence_queue)
                    .where(evidence_queue.c.id == row_id, evidence_queue.c.next_attempt_at <= t)
                    .values(
                        status="failed",
                        last_error=f"the capture worker stopped or was killed during all {attempts} tries "
                        "(a page that hangs the browser?)",
                    )
                )
            continue
        with state.begin() as conn:
            got = conn.execute(
                update(evidence_queue)
                .where(evidence_queue.c.id == row_id, evidence_queue.c.next_attempt_at <= t)
                .values(
                    status="running",
                    attempts=attempts + 1,
                    next_attempt_at=t + timedelta(seconds=CLAIM_SECONDS),
                )
            ).rowcount
        if got:
            claimed.append((row_id, doc, attempts + 1))
    return claimed


def capture_pending(config: Any, *, limit: int = 20, browser: Any = None) -> BatchResult:
    """Capture up to ``limit`` due hits from the queue; never raises for one bad hit."""
    from evidence.browser import Browser
    from evidence.capture import capture_hit
    from evidence.store import open_store

    state = db.ensure(State.from_config(config))
    result = BatchResult()
    claimed = _claim(state, limit, config.evidence.max_attempts)
    if not claimed:
        return result
    ev = config.evidence
    store = open_store(config)
    own = browser is None
    b = browser or Browser(ev, user_agent=config.crawler.user_agent)
    try:
        for row_id, doc, attempts in claimed:
            hit_id = str(json.loads(doc).get("id", row_id))
            try:
                manifest = capture_hit(config, json.loads(doc), browser=b, state=state, store=store)
            except Exception as exc:  # one bad hit never stops the batch; it is recorded and retried
                failed = attempts >= ev.max_attempts
                delay = ev.retry_seconds * 2 ** (attempts - 1)
                with state.begin() as conn:
                    conn.execute(
                        update(evidence_queue)
                        .where(evidence_queue.c.id == row_id)
                        .values(
                            status="failed" if failed else "pending",
                            attempts=attempts,
                            last_error=str(exc),
                            next_attempt_at=now() + timedelta(seconds=delay),
                        )
                    )
                (result.failed if failed else result.retrying).append(hit_id)
                logger.error(
                    "Evidence capture of %s failed (try %d): %s",
                    hit_id,
                    attempts,
                    exc,
                    exc_info=not isinstance(exc, EvidenceError),
                )
                continue
            status = "done" if manifest.status == "complete" else "partial"
            with state.begin() as conn:
                conn.execute(
                    update(evidence_queue)
                    .where(evidence_queue.c.id == row_id)
                    .values(
                        status=status,
                        capture_id=manifest.capture_id,
                        last_error="; ".join(manifest.body["problems"]) or None,
                    )
                )
            (result.captured if status == "done" else result.partial).append(hit_id)
    finally:
        if own:
            b.close()
    return result


def due(config: Any) -> int:
    """How many queued hits are due for capture now (cheap; the daemon polls it)."""
    from sqlalchemy import func

    state = db.ensure(State.from_config(config))
    with state.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(evidence_queue)
                .where(
                    evidence_queue.c.status.in_(("pending", "running")),
                    evidence_queue.c.next_attempt_at <= now(),
                )
            ).scalar_one()
        )


def capture_command(config_path: str, *, limit: int = 20) -> list[str]:
    """The child-process command the daemon runs to drain the queue (like crawl_command)."""
    import sys

    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "evidence",
        "capture-pending",
        "--config",
        config_path,
        "--limit",
        str(limit),
        "--json",
    ]


def hit_status(config: Any, hit_id: str) -> dict[str, Any]:
    """What the portal shows on a hit: queue status, last error and the captures made."""
    state = db.ensure(State.from_config(config))
    with state.engine.connect() as conn:
        rows = (
            conn.execute(
                select(evidence_queue).where(evidence_queue.c.hit_id == hit_id).order_by(evidence_queue.c.id)
            )
            .mappings()
            .all()
        )
    return {
        "queue": [
            {k: r[k] for k in ("status", "attempts", "last_error", "capture_id", "enqueued_at")} for r in rows
        ],
        "captures": db.captures(state, hit_id),
    }
