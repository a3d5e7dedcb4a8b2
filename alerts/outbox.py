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
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from alerts.format import render_alert
from alerts.rules import group_key
from cases.db import alert_extra, ensure_schema
from crawler.exceptions import MamoriError
from crawler.items import Finding, Post, severity_rank
from crawler.state import State, _utc, alert_outbox, insert_ignoring_conflicts, now


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


@dataclass(frozen=True)
class PreparedAlert:
    """An alert rendered for one route, ready to be written (see :meth:`Outbox.write`)."""

    hit_id: str
    route: str
    title: str
    body: str
    severity: str
    mode: str
    group_key: str
    group_window_minutes: float
    group_wait_seconds: float
    post_url: str
    employees: list[str]


_COLUMNS = [*alert_outbox.c, *(c for c in alert_extra.c if c.name != "outbox_id")]


class Outbox:
    def __init__(self, state: State, *, clock: Callable[[], datetime] | None = None) -> None:
        self.state = state
        self.clock = clock or now
        ensure_schema(state.engine)

    # -- queueing --------------------------------------------------------------------------
    def enqueue(self, post: Post, route: Any, findings: list[Finding], *, portal_url: str) -> bool:
        """Queue an alert; return False if this hit was already queued for this route."""
        prepared = self.prepare(post, route, findings, portal_url=portal_url)
        with self.state.begin() as conn:
            return self.write(prepared, conn)

    def prepare(self, post: Post, route: Any, findings: list[Finding], *, portal_url: str) -> PreparedAlert:
        """Render an alert for ``route`` (no database access; see :meth:`write`)."""
        title, body, severity = render_alert(post, findings, portal_url=portal_url)
        return PreparedAlert(
            hit_id=post.id,
            route=route.name,
            title=title,
            body=body,
            severity=severity,
            mode=getattr(route, "mode", "immediate"),
            group_key=group_key(route, post),
            group_window_minutes=float(getattr(route, "group_window_minutes", 0) or 0),
            group_wait_seconds=float(getattr(route, "group_wait_seconds", 0) or 0),
            post_url=post.url,
            employees=sorted({f.employee_id for f in findings if f.employee_id}),
        )

    def write(self, alert: PreparedAlert, conn: Connection) -> bool:
        """Insert a prepared alert in ``conn``'s transaction, grouping it with an earlier
        alert of the same thread or burst when the route asks for it; False if already queued."""
        ts = self.clock()
        status, group_id = "pending", None
        next_at = ts
        if alert.mode == "digest":
            status = "digest"
        elif alert.group_window_minutes > 0:
            since = ts - timedelta(minutes=alert.group_window_minutes)
            leader = self._leader(alert.route, alert.group_key, since, conn)
            if leader is not None and severity_rank(alert.severity) <= severity_rank(leader[1]):
                status, group_id = "grouped", leader[0]
            else:
                next_at = ts + timedelta(seconds=alert.group_wait_seconds)
        return (
            self._insert(
                conn,
                hit_id=alert.hit_id,
                route=alert.route,
                title=alert.title,
                body=alert.body,
                severity=alert.severity,
                status=status,
                next_attempt_at=next_at,
                kind="alert",
                group_key=alert.group_key,
                group_id=group_id,
                post_url=alert.post_url,
                employees=alert.employees,
            )
            is not None
        )

    def write_many(self, alerts: list[PreparedAlert], conn: Connection) -> int:
        """:meth:`write` for many alerts in two statements (alerts that may be grouped with an
        earlier one are written one by one, in order); returns how many were new."""
        sequential = [a for a in alerts if a.mode != "digest" and a.group_window_minutes > 0]
        new = sum(self.write(a, conn) for a in sequential)
        plain = [a for a in alerts if not (a.mode != "digest" and a.group_window_minutes > 0)]
        if not plain:
            return new
        ts = self.clock()
        rows = [
            {
                "hit_id": a.hit_id,
                "route": a.route,
                "status": "digest" if a.mode == "digest" else "pending",
                "title": a.title,
                "body": a.body,
                "severity": a.severity,
                "created_at": ts,
                "next_attempt_at": ts,
                "attempts": 0,
            }
            for a in plain
        ]
        stmt = insert_ignoring_conflicts(conn, alert_outbox).returning(
            alert_outbox.c.id, alert_outbox.c.hit_id, alert_outbox.c.route
        )
        ids = {(r.hit_id, r.route): int(r.id) for r in conn.execute(stmt, rows)}
        extra = [
            {
                "outbox_id": ids[(a.hit_id, a.route)],
                "kind": "alert",
                "group_key": a.group_key,
                "group_id": None,
                "post_url": a.post_url,
                "employees": json.dumps(a.employees),
                "escalation_of": None,
            }
            for a in plain
            if (a.hit_id, a.route) in ids
        ]
        if extra:
            conn.execute(alert_extra.insert(), extra)
        return new + len(extra)

    def insert(
        self,
        *,
        hit_id: str,
        route: str,
        title: str,
        body: str,
        severity: str,
        status: str = "pending",
        next_attempt_at: datetime | None = None,
        kind: str = "alert",
        group_key: str | None = None,
        group_id: int | None = None,
        post_url: str = "",
        employees: list[str] | None = None,
        escalation_of: int | None = None,
    ) -> int | None:
        """Insert one outbox row with its metadata; None if (hit_id, route) is already queued."""
        with self.state.begin() as conn:
            return self._insert(
                conn,
                hit_id=hit_id,
                route=route,
                title=title,
                body=body,
                severity=severity,
                status=status,
                next_attempt_at=next_attempt_at,
                kind=kind,
                group_key=group_key,
                group_id=group_id,
                post_url=post_url,
                employees=employees,
                escalation_of=escalation_of,
            )

    def _insert(
        self,
        conn: Connection,
        *,
        hit_id: str,
        route: str,
        title: str,
        body: str,
        severity: str,
        status: str,
        next_attempt_at: datetime | None,
        kind: str,
        group_key: str | None,
        group_id: int | None,
        post_url: str,
        employees: list[str] | None,
        escalation_of: int | None = None,
    ) -> int | None:
        ts = self.clock()
        # ON CONFLICT DO NOTHING keeps the caller's transaction usable (a batch of a crawl
        # holds many rows; PostgreSQL would abort the whole transaction on an IntegrityError).
        inserted = conn.execute(
            insert_ignoring_conflicts(conn, alert_outbox)
            .values(
                hit_id=hit_id,
                route=route,
                status=status,
                title=title,
                body=body,
                severity=severity,
                created_at=ts,
                next_attempt_at=next_attempt_at or ts,
                attempts=0,
            )
            .returning(alert_outbox.c.id)
        ).first()
        if inserted is None:
            return None
        row_id = int(inserted[0])
        conn.execute(
            alert_extra.insert().values(
                outbox_id=row_id,
                kind=kind,
                group_key=group_key,
                group_id=group_id,
                post_url=post_url,
                employees=json.dumps(employees or []),
                escalation_of=escalation_of,
            )
        )
        return row_id

    def _leader(self, route: str, key: str, since: datetime, conn: Connection) -> tuple[int, str] | None:
        row = conn.execute(
            select(alert_outbox.c.id, alert_outbox.c.severity)
            .join(alert_extra, alert_extra.c.outbox_id == alert_outbox.c.id)
            .where(
                alert_outbox.c.route == route,
                alert_extra.c.group_key == key,
                alert_extra.c.kind == "alert",
                alert_extra.c.group_id.is_(None),
                alert_outbox.c.status.in_(("pending", "sent", "failed")),
                alert_outbox.c.created_at >= since,
            )
            .order_by(alert_outbox.c.id.desc())
            .limit(1)
        ).first()
        return (int(row[0]), str(row[1])) if row else None

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
