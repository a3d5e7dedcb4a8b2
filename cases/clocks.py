"""Legal clocks of a case, computed in the legal time zone (default Asia/Tokyo).

* ``platform_response``: a designated platform must answer a removal request within 7 days
  (情報流通プラットフォーム対処法); runs from ``takedown_requested_at`` while the case waits
  for the platform (takedown_requested).
* ``isp_log_retention``: carriers keep access logs about 90 days (docomo and SoftBank 93);
  runs from the post's publication (or capture) time until the offender is identified.
* ``complaint_period``: a criminal complaint for defamation or insult within 6 months of
  learning who the offender is; runs from ``offender_identified_at``.

Periods follow the Japanese Civil Code: the first day is not counted (民法140条) and a period
ends at the end of its last day (民法141条); a month period ends on the day before the
corresponding day, or at the end of a month that has no such day (民法143条). So an event on
3月2日 with a 7-day period ends 3月9日 24:00 JST; with 6 months, 9月2日 24:00 JST.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from alerts.rules import zone
from cases.model import Case

logger = logging.getLogger(__name__)

CLOCKS = ("platform_response", "isp_log_retention", "complaint_period")
TITLES = {
    "platform_response": "Platform response to the takedown request (7 days)",
    "isp_log_retention": "ISP access-log retention horizon (file the disclosure request before)",
    "complaint_period": "Criminal complaint period (6 months from identifying the offender)",
}


@dataclass(frozen=True)
class Clock:
    case_id: int
    name: str
    started_at: datetime
    due_at: datetime
    state: str  # running, due, overdue, stopped
    warn_days: int

    def to_dict(self, tz: str = "Asia/Tokyo") -> dict[str, Any]:
        local = self.due_at.astimezone(zone(tz))
        return {
            "case_id": self.case_id,
            "clock": self.name,
            "title": TITLES[self.name],
            "started_at": self.started_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "due_local": f"{local:%Y-%m-%d %H:%M} {tz}",
            "state": self.state,
        }


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: datetime, *, days: int = 0, months: int = 0, tz: str = "Asia/Tokyo") -> datetime:
    """The end (UTC instant) of a period of ``days`` or ``months`` that starts at ``start``."""
    z = zone(tz)
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    first = start.astimezone(z).date()
    last = _add_months(first, months) if months else first + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=z).astimezone(UTC)


def case_clocks(case: Case, config: Any, at: datetime) -> list[Clock]:
    """The clocks of ``case`` and their state at ``at``."""
    legal = config.alerts.legal
    tz = legal.timezone
    out: list[Clock] = []

    def add(name: str, start: datetime, due: datetime, warn: int, active: bool) -> None:
        if not active:
            state = "stopped"
        elif at >= due:
            state = "overdue"
        elif at >= due - timedelta(days=warn):
            state = "due"
        else:
            state = "running"
        out.append(Clock(case.id, name, start, due, state, warn))

    closed = case.status in ("closed", "removed")
    if case.takedown_requested_at:
        due = period_end(case.takedown_requested_at, days=legal.platform_response_days, tz=tz)
        add(
            "platform_response",
            case.takedown_requested_at,
            due,
            legal.due_soon_days,
            case.status == "takedown_requested",
        )
    posted = case.published_at or case.fetched_at or case.opened_at
    due = period_end(posted, days=legal.isp_log_retention_days, tz=tz)
    add(
        "isp_log_retention",
        posted,
        due,
        legal.isp_warn_days,
        not closed and case.offender_identified_at is None,
    )
    if case.offender_identified_at:
        due = period_end(case.offender_identified_at, months=legal.complaint_months, tz=tz)
        add(
            "complaint_period",
            case.offender_identified_at,
            due,
            legal.complaint_warn_days,
            case.status != "closed",
        )
    return out


def due_clocks(config: Any, store: Any, at: datetime) -> list[Clock]:
    """Every due or overdue clock of every open case, soonest first."""
    found = [
        c
        for case in store.list(open_only=True)
        for c in case_clocks(case, config, at)
        if c.state in ("due", "overdue")
    ]
    return sorted(found, key=lambda c: c.due_at)


def queue_clock_alerts(config: Any, outbox: Any, *, at: datetime) -> int:
    """Queue one alert per clock and state (due, then overdue) on the ``alerts.legal.routes``."""
    routes = config.alerts.legal.routes
    if not routes:
        return 0
    from cases.store import CaseStore

    store = CaseStore(config, outbox.state, clock=outbox.clock)
    tz = config.alerts.legal.timezone
    made = 0
    for clock in due_clocks(config, store, at):
        case = store.get(clock.case_id)
        info = clock.to_dict(tz)
        word = "OVERDUE" if clock.state == "overdue" else "due soon"
        title = f"[mamori] Case {case.id}: {TITLES[clock.name]} is {word} ({info['due_local']})"
        body = "\n".join(
            [
                f"Case {case.id} ({case.status}, assignee {case.assignee or 'nobody'}): {case.url}",
                f"Clock: {TITLES[clock.name]}",
                f"Started: {clock.started_at.astimezone(zone(tz)):%Y-%m-%d %H:%M} {tz}",
                f"Ends: {info['due_local']} ({clock.due_at:%Y-%m-%d %H:%M} UTC)",
                f"State: {clock.state}",
                "",
                f"See: mamori cases show {case.id}",
            ]
        )
        for route in routes:
            row = outbox.insert(
                hit_id=f"clock:{case.id}:{clock.name}:{clock.state}",
                route=route,
                title=title,
                body=body,
                severity="critical" if clock.state == "overdue" else "high",
                kind="clock",
                post_url=case.url,
            )
            made += row is not None
    return made
