"""Source schedules: an interval (``"90s"``, ``"15m"``, ``"1h30m"``) or a cron expression
(``"*/10 * * * *"``, five fields, evaluated in the ``timezone`` of the daemon)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_INTERVAL_RE = re.compile(r"^\s*(?:every\s+)?((?:\d+\s*[smhd]\s*)+)$", re.IGNORECASE)
_PART_RE = re.compile(r"(\d+)\s*([smhd])", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Schedule:
    """Either ``interval`` (seconds) or ``cron`` is set."""

    text: str
    interval: float | None = None
    cron: str | None = None

    def trigger(self, timezone: str = "UTC") -> object:
        """An APScheduler trigger for this schedule."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        if self.interval is not None:
            return IntervalTrigger(seconds=self.interval, timezone=timezone)
        assert self.cron is not None
        return CronTrigger.from_crontab(self.cron, timezone=timezone)

    def __str__(self) -> str:
        return self.text


def parse_schedule(text: str) -> Schedule:
    """Parse a schedule string; raise ``ValueError`` with a full sentence when it is invalid."""
    match = _INTERVAL_RE.match(text)
    if match:
        seconds = sum(int(n) * _UNITS[u.lower()] for n, u in _PART_RE.findall(match.group(1)))
        if seconds < 1:
            raise ValueError("an interval must be at least one second")
        return Schedule(text=text, interval=float(timedelta(seconds=seconds).total_seconds()))
    fields = text.split()
    if len(fields) == 5:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(text)
        except ValueError as exc:
            raise ValueError(f"it is not a valid cron expression ({exc})") from None
        return Schedule(text=text, cron=text)
    raise ValueError(
        'it is neither an interval such as "30s", "15m" or "1h30m" nor a cron expression '
        'with five fields such as "*/10 * * * *"'
    )
