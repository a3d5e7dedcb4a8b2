"""Which findings of a hit go to which ``[[alerts.routes]]`` entry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from crawler.items import Finding, Post, severity_rank
from index.base import HARASSMENT_LABELS

MEDIA_LABELS = ("face_match", "voice_match", "known_photo", "known_recording")
DEFAULT_ALERT_LABELS = HARASSMENT_LABELS + MEDIA_LABELS
"""What a route without ``labels`` alerts on: harassment, and an employee's face, voice or a
registered photo or recording published."""


def route_findings(route: Any, post: Post) -> list[Finding]:
    """The findings of ``post`` that ``route`` wants (empty when the route does not match)."""
    if route.platforms and post.platform not in route.platforms:
        return []
    if route.sources and post.source not in route.sources:
        return []
    labels = set(route.labels) if route.labels else set(DEFAULT_ALERT_LABELS)
    minimum = severity_rank(route.min_severity)
    wanted = [
        f
        for f in post.findings
        if f.label in labels
        and severity_rank(f.severity) >= minimum
        and (
            not route.employees or f.employee_id in route.employees or _names_employee(post, route.employees)
        )
    ]
    return wanted


def _names_employee(post: Post, employees: Iterable[str]) -> bool:
    wanted = set(employees)
    return any(f.employee_id in wanted for f in post.findings)


def matching_routes(routes: Iterable[Any], post: Post) -> Iterator[tuple[Any, list[Finding]]]:
    for route in routes:
        findings = route_findings(route, post)
        if findings:
            yield route, findings
