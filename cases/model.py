"""Case statuses, the transitions allowed between them, and the :class:`Case` record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.exceptions import MamoriError

STATUSES: tuple[str, ...] = (
    "new",
    "triaged",
    "takedown_requested",
    "removed",
    "refused",
    "escalated_to_counsel",
    "closed",
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("triaged", "takedown_requested", "escalated_to_counsel", "removed", "closed"),
    "triaged": ("takedown_requested", "escalated_to_counsel", "removed", "closed"),
    "takedown_requested": ("removed", "refused", "escalated_to_counsel", "closed"),
    "refused": ("takedown_requested", "escalated_to_counsel", "removed", "closed"),
    "escalated_to_counsel": ("takedown_requested", "removed", "refused", "closed"),
    "removed": ("closed", "triaged"),
    "closed": ("triaged",),
}
"""``status -> statuses it may move to``. ``removed -> triaged`` is for a post that came back;
``closed -> triaged`` re-opens a case."""

OPEN_STATUSES = frozenset(STATUSES) - {"closed"}

WATCHED_STATUSES: tuple[str, ...] = ("takedown_requested", "removed", "refused", "escalated_to_counsel")
"""Statuses whose post is watched for re-uploads (text and media) elsewhere."""


class CaseError(MamoriError):
    """A case operation is not possible (unknown case, hit or status, forbidden transition)."""


def check_transition(case_id: int, current: str, wanted: str) -> None:
    """Raise :class:`CaseError` unless ``current -> wanted`` is allowed."""
    if wanted not in STATUSES:
        raise CaseError(f"{wanted!r} is not a case status; use one of {', '.join(STATUSES)}.")
    if wanted == current:
        raise CaseError(f"Case {case_id} is already {current}.")
    allowed = TRANSITIONS[current]
    if wanted not in allowed:
        raise CaseError(
            f"Case {case_id} cannot go from {current} to {wanted}; from {current} it can go to "
            f"{', '.join(allowed)}."
        )


@dataclass(frozen=True)
class Case:
    id: int
    hit_id: str
    status: str
    assignee: str
    platform: str
    url: str
    doc: dict[str, Any]
    reason: str
    opened_at: datetime
    updated_at: datetime
    takedown_requested_at: datetime | None = None
    offender_identified_at: datetime | None = None
    removed_at: datetime | None = None
    removal_evidence: dict[str, Any] | None = None
    last_checked_at: datetime | None = None
    linked_case_id: int | None = None

    @property
    def text(self) -> str:
        return str(self.doc.get("text") or "")

    @property
    def published_at(self) -> datetime | None:
        value = self.doc.get("published_at")
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None

    @property
    def fetched_at(self) -> datetime | None:
        value = self.doc.get("fetched_at")
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = value.isoformat() if isinstance(value, datetime) else value
        return out


@dataclass(frozen=True)
class CaseEvent:
    id: int
    case_id: int
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "at": self.at.isoformat()}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
