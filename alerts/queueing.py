"""Writing alerts into the outbox (:mod:`alerts.outbox`), on a connection the caller owns.

An alert is first *prepared* for a route (rendered, no database access), then *written*:
alone (:func:`write_alert`, which may group it with an earlier alert of the same thread or
burst) or with many others in two statements (:func:`write_alerts`, which the crawl's batch
transaction uses). Inserts skip a (hit, route) pair already queued without failing the
caller's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Required, TypedDict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from alerts.format import render_alert
from alerts.rules import group_key
from cases.db import alert_extra
from crawler.items import Finding, Post, severity_rank
from crawler.state import alert_outbox, insert_ignoring_conflicts


@dataclass(frozen=True)
class PreparedAlert:
    """An alert rendered for one route, ready to be written."""

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

    @property
    def may_group(self) -> bool:
        """Whether writing it needs a look at earlier alerts (a grouping window, not a digest)."""
        return self.mode != "digest" and self.group_window_minutes > 0


def prepare_alert(post: Post, route: Any, findings: list[Finding], *, portal_url: str) -> PreparedAlert:
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


def write_alert(conn: Connection, alert: PreparedAlert, ts: datetime) -> bool:
    """Insert one prepared alert, grouped with an earlier alert of the same thread or burst
    when its route asks for it; False if this (hit, route) is already queued."""
    status, group_id, next_at = "pending", None, ts
    if alert.mode == "digest":
        status = "digest"
    elif alert.group_window_minutes > 0:
        since = ts - timedelta(minutes=alert.group_window_minutes)
        leader = _leader(conn, alert.route, alert.group_key, since)
        if leader is not None and severity_rank(alert.severity) <= severity_rank(leader[1]):
            status, group_id = "grouped", leader[0]
        else:
            next_at = ts + timedelta(seconds=alert.group_wait_seconds)
    row_id = insert_row(
        conn,
        ts,
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
    return row_id is not None


def write_alerts(conn: Connection, alerts: list[PreparedAlert], ts: datetime) -> int:
    """:func:`write_alert` for many: alerts that may be grouped one by one, in order, the
    others in two statements; returns how many were new."""
    new = sum(write_alert(conn, a, ts) for a in alerts if a.may_group)
    plain = [a for a in alerts if not a.may_group]
    if not plain:
        return new
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


class OutboxFields(TypedDict, total=False):
    """The keyword arguments of :func:`insert_row` (and :meth:`alerts.outbox.Outbox.insert`)."""

    hit_id: Required[str]
    route: Required[str]
    title: Required[str]
    body: Required[str]
    severity: Required[str]
    status: str
    next_attempt_at: datetime | None
    kind: str
    group_key: str | None
    group_id: int | None
    post_url: str
    employees: list[str] | None
    escalation_of: int | None


def insert_row(
    conn: Connection,
    ts: datetime,
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


def _leader(conn: Connection, route: str, key: str, since: datetime) -> tuple[int, str] | None:
    """The newest ungrouped alert of the same group on ``route`` since ``since``."""
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
