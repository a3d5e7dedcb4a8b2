"""Time rules of alert routes: local time zones, quiet hours, digest times, grouping keys.

Every function takes the current time as an argument (never reads the clock itself), so the
daemon passes the real time and the tests a controllable one.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.exceptions import ConfigError
from crawler.items import Post


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Asia/Tokyo``); a ValueError names it if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name!r} is not a known time zone; use an IANA name such as Asia/Tokyo or UTC"
        ) from None


def parse_hhmm(value: str) -> time:
    """``"09:30"`` -> ``time(9, 30)``; a ValueError says the expected form."""
    try:
        hh, mm = value.strip().split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day; write HH:MM such as 09:00") from None


def parse_quiet_hours(value: str) -> tuple[time, time]:
    """``"22:00-07:00"`` -> (start, end); the range may wrap past midnight."""
    parts = value.split("-")
    if len(parts) != 2:
        raise ValueError(f"{value!r} is not a range of hours; write HH:MM-HH:MM such as 22:00-07:00")
    start, end = parse_hhmm(parts[0]), parse_hhmm(parts[1])
    if start == end:
        raise ValueError(f"{value!r} starts and ends at the same time; give a real range such as 22:00-07:00")
    return start, end


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def quiet_until(route: Any, at: datetime) -> datetime | None:
    """If ``at`` falls in the route's quiet hours, the UTC instant they end; else None."""
    if not route.quiet_hours:
        return None
    start, end = parse_quiet_hours(route.quiet_hours)
    local = _aware(at).astimezone(zone(route.timezone))
    t = local.time().replace(tzinfo=None)
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_dt = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if end_dt <= local:
        end_dt += timedelta(days=1)
    return end_dt.astimezone(UTC)


def last_digest_instant(route: Any, at: datetime) -> datetime:
    """The most recent scheduled digest time of ``route`` at or before ``at`` (UTC)."""
    tz = zone(route.timezone)
    wanted = parse_hhmm(route.digest_at)
    local = _aware(at).astimezone(tz)
    candidate = datetime.combine(local.date(), wanted, tzinfo=tz)
    if candidate > local:
        candidate = datetime.combine(local.date() - timedelta(days=1), wanted, tzinfo=tz)
    return candidate.astimezone(UTC)


def group_key(route: Any, post: Post) -> str:
    """What makes two hits "the same thing" for the route's grouping window."""
    if route.group_by == "author":
        return f"author:{post.platform}:{post.author.handle or post.author.account_id or post.id}"
    if route.group_by == "source":
        return f"source:{post.source}"
    if route.group_by == "route":
        return "route"
    return f"thread:{post.thread_id or post.thread_url or post.parent_id or post.id}"


def validate_alerts(config: Any, *, path: Any = None, roster: Any = None) -> None:
    """Checks across rules, made when the configuration is loaded: unique route names,
    ``escalate_to`` and ``alerts.legal.routes`` naming routes, and employee ids that exist in
    the roster. Raises :class:`ConfigError` naming the rule and the key.
    """
    where = path or config.config_path or "the configuration"
    routes = config.alerts.routes
    names = [r.name for r in routes]

    def fail(key: str, message: str) -> None:
        raise ConfigError(f"{where}: {key}: {message}", path=str(where), key=key)

    for i, route in enumerate(routes):
        key = f"alerts.routes[{i + 1}] (rule {route.name!r})"
        if route.name in names[:i]:
            fail(f"{key}.name", f"two routes are named {route.name!r}; give every route a unique name.")
        if route.escalate_to and route.escalate_to not in names:
            fail(
                f"{key}.escalate_to",
                f"{route.escalate_to!r} is not a route; use one of {', '.join(names)}.",
            )
    for name in config.alerts.legal.routes:
        if name not in names:
            fail(
                "alerts.legal.routes",
                f"{name!r} is not a route; use one of {', '.join(names) or 'none (add a route)'}.",
            )
    employees = roster if roster is not None else config.employees
    known = {e.employee_id for e in employees}
    if not known:
        return
    listing = ", ".join(sorted(known))
    for emp_id in config.alerts.employee_contacts:
        if emp_id not in known:
            fail(
                f"alerts.employee_contacts.{emp_id}",
                f"{emp_id!r} is not in the roster; use one of {listing} or remove the line.",
            )
    for i, route in enumerate(routes):
        for emp_id in route.employees:
            if emp_id not in known:
                fail(
                    f"alerts.routes[{i + 1}] (rule {route.name!r}).employees",
                    f"{emp_id!r} is not in the roster; use one of {listing}.",
                )
