"""The alert outbox: one row per (hit, route) in the state database.

Rows are ``pending`` until delivered (``sent``) or until they exhausted their attempts
(``failed``; ``mamori alerts retry`` puts them back). The unique (hit, route) key makes
enqueueing idempotent: a hit is never alerted twice on one route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from alerts.format import render_alert
from crawler.items import Finding, Post
from crawler.state import State, _utc, alert_outbox, now


@dataclass(frozen=True)
class OutboxRow:
    id: int
    hit_id: str
    route: str
    status: str
    title: str
    body: str
    severity: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


class Outbox:
    def __init__(self, state: State) -> None:
        self.state = state

    def enqueue(self, post: Post, route: Any, findings: list[Finding], *, portal_url: str) -> bool:
        """Queue an alert; return False if this hit was already queued for this route."""
        title, body, severity = render_alert(post, findings, portal_url=portal_url)
        ts = now()
        try:
            with self.state.begin() as conn:
                conn.execute(
                    alert_outbox.insert().values(
                        hit_id=post.id,
                        route=route.name,
                        status="pending",
                        title=title,
                        body=body,
                        severity=severity,
                        created_at=ts,
                        next_attempt_at=ts,
                        attempts=0,
                    )
                )
        except IntegrityError:
            return False
        return True

    def due(self, *, at: datetime | None = None, limit: int = 100) -> list[OutboxRow]:
        at = at or now()
        with self.state.engine.connect() as conn:
            rows = conn.execute(
                select(alert_outbox)
                .where(alert_outbox.c.status == "pending", alert_outbox.c.next_attempt_at <= at)
                .order_by(alert_outbox.c.id)
                .limit(limit)
            ).all()
        return [self._row(r) for r in rows]

    def list(self, status: str | None = None, limit: int = 200) -> list[OutboxRow]:
        query = select(alert_outbox).order_by(alert_outbox.c.id.desc()).limit(limit)
        if status:
            query = query.where(alert_outbox.c.status == status)
        with self.state.engine.connect() as conn:
            return [self._row(r) for r in conn.execute(query).all()]

    def mark_sent(self, row_id: int) -> None:
        with self.state.begin() as conn:
            conn.execute(
                update(alert_outbox)
                .where(alert_outbox.c.id == row_id)
                .values(status="sent", sent_at=now(), attempts=alert_outbox.c.attempts + 1, last_error=None)
            )

    def mark_failed(self, row: OutboxRow, error: str, *, base: float, cap: float, max_attempts: int) -> None:
        attempts = row.attempts + 1
        delay = min(cap, base * (2 ** (attempts - 1)))
        status = "failed" if attempts >= max_attempts else "pending"
        with self.state.begin() as conn:
            conn.execute(
                update(alert_outbox)
                .where(alert_outbox.c.id == row.id)
                .values(
                    attempts=attempts,
                    last_error=error,
                    status=status,
                    next_attempt_at=now() + timedelta(seconds=delay),
                )
            )

    def retry_failed(self) -> int:
        with self.state.begin() as conn:
            return int(
                conn.execute(
                    update(alert_outbox)
                    .where(alert_outbox.c.status == "failed")
                    .values(status="pending", next_attempt_at=now())
                ).rowcount
            )

    @staticmethod
    def _row(r: Any) -> OutboxRow:
        m = r._mapping
        return OutboxRow(
            id=m["id"],
            hit_id=m["hit_id"],
            route=m["route"],
            status=m["status"],
            title=m["title"],
            body=m["body"],
            severity=m["severity"],
            attempts=m["attempts"],
            created_at=_utc(m["created_at"]),  # type: ignore[arg-type]
            next_attempt_at=_utc(m["next_attempt_at"]),  # type: ignore[arg-type]
            sent_at=_utc(m["sent_at"]),
            last_error=m["last_error"],
        )
