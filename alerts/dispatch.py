"""Deliver due alerts from the outbox through Apprise, with retries and backoff.

Each :meth:`Dispatcher.dispatch_due` (the daemon's alert tick) first applies the time rules
of the routes: it builds the digests whose time has come, escalates sent alerts nobody
acknowledged in time, and queues due or overdue legal clocks of cases; then it sends every
due row once, holding non-critical alerts during a route's quiet hours.

Apprise URLs can carry secrets (tokens, passwords): they are never logged; logs show the
route name and Apprise's own masked form of the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import apprise

from alerts.outbox import Outbox, OutboxRow
from alerts.rules import last_digest_instant, quiet_until, validate_alerts
from crawler.exceptions import DeliveryError
from crawler.items import severity_rank

logger = logging.getLogger(__name__)

ROUTE_TAG = "mamori-route"


def masked(url: str) -> str:
    """Apprise's privacy-masked form of a notification URL (secrets replaced)."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return url.split("://", 1)[0] + "://…"
    return str(plugin.url(privacy=True))


class Dispatcher:
    def __init__(self, config: Any, outbox: Outbox, *, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.outbox = outbox
        self.clock = clock or outbox.clock
        self.routes = {r.name: r for r in config.alerts.routes}
        validate_alerts(config)

    # -- composing -------------------------------------------------------------------------
    def _body(self, row: OutboxRow) -> str:
        """The row's body plus the hits folded into it (a thread or a burst)."""
        if row.kind != "alert":
            return row.body
        members = self.outbox.members(row.id)
        if not members:
            return row.body
        lines = [row.body, "", f"Also in this thread or burst ({len(members)} more):"]
        lines += [f"- [{m.severity}] {m.post_url or m.hit_id}" for m in members]
        return "\n".join(lines)

    def _send(self, row: OutboxRow) -> None:
        route = self.routes.get(row.route)
        if route is None:
            raise DeliveryError(
                f"The route {row.route!r} of alert {row.id} is no longer in the configuration; "
                "add it back or mark the alert failed."
            )
        notifier = apprise.Apprise()
        for url in route.urls:
            if not notifier.add(url, tag=[ROUTE_TAG, *route.tags]):
                raise DeliveryError(
                    f"The Apprise URL {masked(url)} of route {route.name!r} is not valid; fix it in the configuration."
                )
        tags = [ROUTE_TAG]
        if getattr(route, "notify_employee", False):
            contacts = self.config.alerts.employee_contacts
            for emp in row.employees:
                if emp in contacts and notifier.add(contacts[emp], tag=f"employee:{emp}"):
                    tags.append(f"employee:{emp}")
        with apprise.LogCapture(level=apprise.logging.WARNING) as captured:
            ok = notifier.notify(
                title=row.title,
                body=self._body(row),
                tag=tags,
                notify_type=apprise.NotifyType.FAILURE
                if row.severity in ("high", "critical")
                else apprise.NotifyType.WARNING,
            )
        if not ok:
            detail = captured.getvalue().strip().splitlines()  # type: ignore[attr-defined]
            reason = detail[-1] if detail else "the channel refused the message"
            raise DeliveryError(f"Route {route.name!r} could not deliver alert {row.id}: {reason}")

    # -- time rules ------------------------------------------------------------------------
    def build_digests(self, at: datetime) -> int:
        """Fold waiting digest rows into one alert per route once its digest time has passed."""
        made = 0
        for route in self.routes.values():
            if route.mode != "digest":
                continue
            instant = last_digest_instant(route, at)
            waiting = [
                r
                for r in self.outbox.list("digest", limit=10_000)
                if r.route == route.name and r.created_at < instant
            ]
            if not waiting:
                continue
            waiting.sort(key=lambda r: r.id)
            top = max((r.severity for r in waiting), key=severity_rank)
            local = instant.astimezone(_tz(route.timezone))
            title = f"[mamori] Digest {local:%Y-%m-%d %H:%M} ({route.timezone}): {len(waiting)} hit(s) on route {route.name}"
            lines = [f"{len(waiting)} hit(s) since the last digest; the most severe is {top}.", ""]
            for r in waiting:
                lines += [f"- {r.title}", f"  {r.post_url or r.hit_id}"]
            row_id = self.outbox.insert(
                hit_id=f"digest:{route.name}:{instant:%Y-%m-%dT%H:%MZ}",
                route=route.name,
                title=title,
                body="\n".join(lines),
                severity=top,
                kind="digest",
            )
            if row_id is not None:
                self.outbox.set_status([r.id for r in waiting], "digested", group_id=row_id)
                made += 1
        return made

    def escalate(self, at: datetime) -> int:
        """Queue an escalation for every sent alert nobody acknowledged within its route's time."""
        made = 0
        escalating = [r.name for r in self.routes.values() if r.escalate_to]
        for row in self.outbox.unacknowledged(escalating):
            route = self.routes.get(row.route)
            if (
                route is None
                or not route.escalate_to
                or row.acked_at
                or row.escalated_at
                or row.sent_at is None
            ):
                continue
            if row.kind not in ("alert", "digest", "clock"):
                continue
            if at - row.sent_at < timedelta(minutes=route.escalate_after_minutes):
                continue
            body = (
                f"Alert {row.id} on route {route.name!r} was not acknowledged within "
                f"{route.escalate_after_minutes:g} minute(s) of being sent. "
                f"Acknowledge it with: mamori alerts ack {row.id}\n\n{self._body(row)}"
            )
            self.outbox.insert(
                hit_id=f"escalation:{row.id}",
                route=route.escalate_to,
                title=f"[ESCALATED] {row.title}",
                body=body,
                severity=row.severity,
                kind="escalation",
                escalation_of=row.id,
                post_url=row.post_url,
                employees=list(row.employees),
            )
            self.outbox.mark_escalated(row.id)
            logger.info("Alert %d was not acknowledged; escalated to route %r.", row.id, route.escalate_to)
            made += 1
        return made

    def tick(self, at: datetime) -> None:
        self.build_digests(at)
        self.escalate(at)
        try:
            from cases.clocks import queue_clock_alerts

            queue_clock_alerts(self.config, self.outbox, at=at)
        except Exception as exc:
            logger.error("The legal clocks could not be checked: %s", exc)

    # -- delivery --------------------------------------------------------------------------
    def dispatch_due(self) -> tuple[int, int]:
        """Apply the time rules, then send every due alert once; return ``(sent, failed)``."""
        at = self.clock()
        self.tick(at)
        sent = failed = 0
        alerts_cfg = self.config.alerts
        for row in self.outbox.due(at=at):
            route = self.routes.get(row.route)
            if route is not None and row.severity != "critical":
                until = quiet_until(route, at)
                if until is not None:
                    self.outbox.postpone(row.id, until)
                    logger.info(
                        "Alert %d waits for the end of the quiet hours of route %r.", row.id, row.route
                    )
                    continue
            try:
                self._send(row)
            except DeliveryError as exc:
                failed += 1
                logger.warning("%s (attempt %d; will retry)", exc, row.attempts + 1)
                self.outbox.mark_failed(
                    row,
                    str(exc),
                    base=alerts_cfg.retry_base_seconds,
                    cap=alerts_cfg.retry_max_seconds,
                    max_attempts=alerts_cfg.max_attempts,
                )
                continue
            self.outbox.mark_sent(row.id)
            sent += 1
            logger.info("Alert %d for %s sent on route %r.", row.id, row.hit_id, row.route)
        return sent, failed


def _tz(name: str) -> Any:
    from alerts.rules import zone

    return zone(name)
