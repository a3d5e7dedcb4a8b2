"""The alert outbox: one row per (hit, route) in the state database.

Rows are ``pending`` until delivered (``sent``) or until they exhausted their attempts
(``failed``; ``mamori alerts retry`` puts them back). The unique (hit, route) key makes
enqueueing idempotent: a hit is never alerted twice on one route.

Rule features add statuses: ``digest`` (waits for the route's digest, then ``digested``
into it) and ``grouped`` (folded into an earlier alert of the same thread or burst). The
side table ``alert_extra`` (see :mod:`cases.db`) holds the kind of row (alert, digest,
escalation, clock), its group, acknowledgement and escalation.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Unpack

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from alerts.queueing import OutboxFields, PreparedAlert, insert_row, prepare_alert, write_alert, write_alerts
from cases.db import alert_extra, ensure_schema
from crawler.exceptions import MamoriError
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
    kind: str = "alert"
    group_id: int | None = None
    post_url: str = ""
    employees: tuple[str, ...] = ()
    acked_at: datetime | None = None
    acked_by: str | None = None
    escalated_at: datetime | None = None
    escalation_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = value.isoformat() if isinstance(value, datetime) else value
        out["employees"] = list(self.employees)
        return out


_COLUMNS = [*alert_outbox.c, *(c for c in alert_extra.c if c.name != "outbox_id")]


class Outbox:
    def __init__(self, state: State, *, clock: Callable[[], datetime] | None = None) -> None:
        self.state = state
        self.clock = clock or now
        ensure_schema(state.engine)

    # -- queueing (see alerts/queueing.py) -----------------------------------------------
    def enqueue(self, post: Post, route: Any, findings: list[Finding], *, portal_url: str) -> bool:
        """Queue an alert; return False if this hit was already queued for this route."""
        prepared = self.prepare(post, route, findings, portal_url=portal_url)
        with self.state.begin() as conn:
            return self.write(prepared, conn)

    def prepare(self, post: Post, route: Any, findings: list[Finding], *, portal_url: str) -> PreparedAlert:
        """Render an alert for ``route`` (no database access; see :meth:`write`)."""
        return prepare_alert(post, route, findings, portal_url=portal_url)

    def write(self, alert: PreparedAlert, conn: Connection) -> bool:
        """Write a prepared alert in ``conn``'s transaction; False if already queued."""
        return write_alert(conn, alert, self.clock())

    def write_many(self, alerts: list[PreparedAlert], conn: Connection) -> int:
        """Write many prepared alerts in ``conn``'s transaction; how many were new."""
        return write_alerts(conn, alerts, self.clock())

    def insert(self, **fields: Unpack[OutboxFields]) -> int | None:
        """Insert one outbox row with its metadata (see :func:`alerts.queueing.insert_row`);
        None if (hit_id, route) is already queued."""
        with self.state.begin() as conn:
            return insert_row(conn, self.clock(), **fields)

    # -- reading ---------------------------------------------------------------------------
    def _select(self) -> Any:
        return select(*_COLUMNS).select_from(
            alert_outbox.outerjoin(alert_extra, alert_extra.c.outbox_id == alert_outbox.c.id)
        )

    def due(self, *, at: datetime | None = None, limit: int = 100) -> list[OutboxRow]:
        at = at or self.clock()
        with self.state.engine.connect() as conn:
            rows = conn.execute(
                self._select()
                .where(alert_outbox.c.status == "pending", alert_outbox.c.next_attempt_at <= at)
                .order_by(alert_outbox.c.id)
                .limit(limit)
            ).all()
        return [self._row(r) for r in rows]

    def list(self, status: str | None = None, limit: int = 200) -> builtins.list[OutboxRow]:
        query = self._select().order_by(alert_outbox.c.id.desc()).limit(limit)
        if status:
            query = query.where(alert_outbox.c.status == status)
        with self.state.engine.connect() as conn:
            return [self._row(r) for r in conn.execute(query).all()]

    def unacknowledged(self, routes: builtins.list[str]) -> builtins.list[OutboxRow]:
        """Sent rows of ``routes`` that nobody acknowledged and that were not escalated yet."""
        if not routes:
            return []
        with self.state.engine.connect() as conn:
            rows = conn.execute(
                self._select()
                .where(
                    alert_outbox.c.status == "sent",
                    alert_outbox.c.route.in_(routes),
                    alert_extra.c.acked_at.is_(None),
                    alert_extra.c.escalated_at.is_(None),
                )
                .order_by(alert_outbox.c.id)
            ).all()
        return [self._row(r) for r in rows]

    def get(self, row_id: int) -> OutboxRow | None:
        with self.state.engine.connect() as conn:
            row = conn.execute(self._select().where(alert_outbox.c.id == row_id)).first()
        return self._row(row) if row else None

    def members(self, row_id: int) -> builtins.list[OutboxRow]:
        """Rows folded into ``row_id`` (a group leader or a digest)."""
        with self.state.engine.connect() as conn:
            rows = conn.execute(
                self._select().where(alert_extra.c.group_id == row_id).order_by(alert_outbox.c.id)
            ).all()
        return [self._row(r) for r in rows]

    # -- state changes ---------------------------------------------------------------------
    def mark_sent(self, row_id: int) -> None:
        with self.state.begin() as conn:
            conn.execute(
                update(alert_outbox)
                .where(alert_outbox.c.id == row_id)
                .values(
                    status="sent", sent_at=self.clock(), attempts=alert_outbox.c.attempts + 1, last_error=None
                )
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
                    next_attempt_at=self.clock() + timedelta(seconds=delay),
                )
            )

    def postpone(self, row_id: int, until: datetime) -> None:
        """Hold a pending row until ``until`` without counting an attempt (quiet hours)."""
        with self.state.begin() as conn:
            conn.execute(
                update(alert_outbox).where(alert_outbox.c.id == row_id).values(next_attempt_at=until)
            )

    def set_status(self, row_ids: builtins.list[int], status: str, *, group_id: int | None = None) -> None:
        if not row_ids:
            return
        with self.state.begin() as conn:
            conn.execute(update(alert_outbox).where(alert_outbox.c.id.in_(row_ids)).values(status=status))
            if group_id is not None:
                conn.execute(
                    update(alert_extra).where(alert_extra.c.outbox_id.in_(row_ids)).values(group_id=group_id)
                )

    def mark_escalated(self, row_id: int) -> None:
        with self.state.begin() as conn:
            conn.execute(
                update(alert_extra).where(alert_extra.c.outbox_id == row_id).values(escalated_at=self.clock())
            )

    def ack(self, row_id: int, *, by: str = "") -> OutboxRow:
        """Acknowledge an alert (and the alert it escalates): it will not be escalated (again)."""
        row = self.get(row_id)
        if row is None:
            raise MamoriError(f"There is no alert with id {row_id}; 'mamori alerts list' shows the ids.")
        ids = [row_id] + ([row.escalation_of] if row.escalation_of else [])
        with self.state.begin() as conn:
            conn.execute(
                update(alert_extra)
                .where(alert_extra.c.outbox_id.in_(ids), alert_extra.c.acked_at.is_(None))
                .values(acked_at=self.clock(), acked_by=by or "unknown")
            )
        return self.get(row_id)  # type: ignore[return-value]

    def retry_failed(self, row_id: int | None = None) -> int:
        query = update(alert_outbox).where(alert_outbox.c.status == "failed")
        if row_id is not None:
            query = query.where(alert_outbox.c.id == row_id)
        with self.state.begin() as conn:
            return int(conn.execute(query.values(status="pending", next_attempt_at=self.clock())).rowcount)

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
            kind=m["kind"] or "alert",
            group_id=m["group_id"],
            post_url=m["post_url"] or "",
            employees=tuple(json.loads(m["employees"] or "[]")),
            acked_at=_utc(m["acked_at"]),
            acked_by=m["acked_by"],
            escalated_at=_utc(m["escalated_at"]),
            escalation_of=m["escalation_of"],
        )
