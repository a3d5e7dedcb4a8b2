"""The ``[alerts]`` section: routes (``[[alerts.routes]]``), the legal clocks
(``[alerts.legal]``) and delivery settings, as frozen, typed models.

Checks across rules (unique names, ``escalate_to``, ``legal.routes``, roster ids) are made by
:func:`alerts.rules.validate_alerts` when :func:`crawler.config.load_config` loads the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from crawler.config_sections import FrozenSection
from crawler.items import SEVERITIES


class AlertRoute(FrozenSection):
    """One ``[[alerts.routes]]`` rule: what it matches, where it goes, when and how often.

    Every key is documented in docs/alerts-and-cases.md; time checks live in :mod:`alerts.rules`.
    """

    name: str = Field(min_length=1)
    urls: tuple[str, ...] = Field(min_length=1)
    """Apprise URLs; ``${ENV}`` placeholders keep secrets out of the file."""
    tags: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    """Finding labels that trigger this route; empty means any harassment label."""
    min_severity: str = "medium"
    platforms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    employees: tuple[str, ...] = ()
    mode: Literal["immediate", "digest"] = "immediate"
    digest_at: str = "09:00"
    """Local time (HH:MM in ``timezone``) at which a digest route sends its digest."""
    timezone: str = "Asia/Tokyo"
    quiet_hours: str = ""
    """``"HH:MM-HH:MM"`` local: non-critical alerts wait until the end; critical ones go at once."""
    group_by: Literal["thread", "author", "source", "route"] = "thread"
    group_window_minutes: float = Field(default=0, ge=0)
    """Fold further hits of one thread (or author, source, route) within this window into one alert."""
    group_wait_seconds: float = Field(default=0, ge=0)
    """Hold the first alert of a group this long so a burst arrives as one message."""
    escalate_to: str = ""
    """Another route that gets the alert when nobody acknowledged it in time."""
    escalate_after_minutes: float = Field(default=0, ge=0)
    notify_employee: bool = False
    """Also send to the named employee's own channel if they opted in (``[alerts.employee_contacts]``)."""

    @field_validator("min_severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        if value not in SEVERITIES:
            raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
        return value

    @field_validator("digest_at")
    @classmethod
    def _digest_at(cls, value: str) -> str:
        from alerts.rules import parse_hhmm

        parse_hhmm(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from alerts.rules import zone

        zone(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        from alerts.rules import parse_quiet_hours

        if value:
            parse_quiet_hours(value)
        return value

    @model_validator(mode="after")
    def _escalation(self) -> AlertRoute:
        if self.escalate_to and self.escalate_after_minutes <= 0:
            raise ValueError(
                f"rule {self.name!r}: escalate_to = {self.escalate_to!r} needs escalate_after_minutes "
                "greater than 0 (for example 30)"
            )
        if self.escalate_after_minutes and not self.escalate_to:
            raise ValueError(
                f"rule {self.name!r}: escalate_after_minutes is set but escalate_to is empty; "
                "name the route to escalate to"
            )
        if self.escalate_to == self.name:
            raise ValueError(f"rule {self.name!r}: escalate_to names the rule itself; name another route")
        if self.group_wait_seconds and not self.group_window_minutes:
            raise ValueError(
                f"rule {self.name!r}: group_wait_seconds needs group_window_minutes (the window that "
                "collects a thread or burst into one alert)"
            )
        return self


class LegalClocksConfig(FrozenSection):
    """``[alerts.legal]``: the legal clocks of cases and who is alerted when they fall due."""

    platform_response_days: int = Field(default=7, ge=1)
    isp_log_retention_days: int = Field(default=90, ge=1)
    complaint_months: int = Field(default=6, ge=1)
    due_soon_days: int = Field(default=3, ge=0)
    """Warn this many days before the platform response deadline."""
    isp_warn_days: int = Field(default=30, ge=0)
    """Warn this many days before the ISP log horizon (lawyers file within about 2 months)."""
    complaint_warn_days: int = Field(default=30, ge=0)
    timezone: str = "Asia/Tokyo"
    routes: tuple[str, ...] = ()
    """Routes that receive due and overdue clock alerts."""
    templates_dir: Path | None = None
    """A folder of Jinja2 templates overriding the built-in takedown drafts (same file names)."""
    requester_name: str = ""
    """Who signs takedown requests (default: the company name)."""
    requester_address: str = ""
    requester_contact: str = ""

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from alerts.rules import zone

        zone(value)
        return value


class AlertsConfig(FrozenSection):
    legal: LegalClocksConfig = LegalClocksConfig()
    routes: tuple[AlertRoute, ...] = ()
    portal_url: str = "http://127.0.0.1:8640"
    """Base URL of the portal, used for links in alerts."""
    retry_base_seconds: float = Field(default=30, gt=0)
    retry_max_seconds: float = Field(default=3600, gt=0)
    max_attempts: int = Field(default=50, ge=1)
    employee_contacts: dict[str, str] = Field(default_factory=dict)
    """Opt-in: employee id -> Apprise URL, used by routes with ``notify_employee = true``."""

    # Checks across rules (unique names, escalate_to, legal.routes, roster ids) are made by
    # alerts.rules.validate_alerts at load time, with messages naming the rule and the key.
