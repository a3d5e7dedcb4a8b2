"""The evidence tables in the state database: the capture queue and the record of captures.

``evidence_queue``: one row per (hit, content hash) waiting for or done with capture;
``evidence_captures``: every capture made, with its manifest's place in the store, its
status (``complete``, ``partial``) and the reason when something could not be captured.
Both are added to :data:`crawler.state.metadata` and created on first use.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
)

from crawler.state import State, _utc, create_tables, metadata

evidence_queue = Table(
    "evidence_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hit_id", String(500), nullable=False, index=True),
    Column("content_hash", String(64), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("doc", Text, nullable=False),
    Column("status", String(20), nullable=False),  # pending, done, partial, failed
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("capture_id", String(100)),
    UniqueConstraint("hit_id", "content_hash", name="uq_evidence_hit_content"),
)

evidence_captures = Table(
    "evidence_captures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hit_id", String(500), nullable=False, index=True),
    Column("capture_id", String(100), nullable=False, unique=True),
    Column("captured_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),  # complete, partial
    Column("manifest_key", Text, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("objects", Text, nullable=False),  # JSON list of artifact SHA-256
    Column("reason", Text),
)

_TABLES = [evidence_queue, evidence_captures]


def ensure(state: State) -> State:
    create_tables(metadata, state.engine, _TABLES)
    return state


def record_capture(
    state: State,
    *,
    hit_id: str,
    capture_id: str,
    captured_at: datetime,
    status: str,
    manifest_key: str,
    manifest_sha256: str,
    objects: list[str],
    reason: str = "",
) -> None:
    ensure(state)
    with state.begin() as conn:
        conn.execute(
            evidence_captures.insert().values(
                hit_id=hit_id,
                capture_id=capture_id,
                captured_at=captured_at,
                status=status,
                manifest_key=manifest_key,
                manifest_sha256=manifest_sha256,
                objects=json.dumps(sorted(set(objects))),
                reason=reason or None,
            )
        )


def captures(state: State, hit_id: str | None = None) -> list[dict[str, Any]]:
    """Captures (of one hit, or all), oldest first."""
    ensure(state)
    query = select(evidence_captures).order_by(evidence_captures.c.captured_at, evidence_captures.c.id)
    if hit_id is not None:
        query = query.where(evidence_captures.c.hit_id == hit_id)
    with state.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        row["captured_at"] = _utc(row["captured_at"])
        row["objects"] = json.loads(row["objects"])
    return rows


def forget_capture(state: State, capture_id: str) -> None:
    with state.begin() as conn:
        conn.execute(delete(evidence_captures).where(evidence_captures.c.capture_id == capture_id))
