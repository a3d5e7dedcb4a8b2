"""The ``[sustained]`` configuration section (persistence rules and burst detection)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crawler.items import SEVERITIES

HARASSMENT = ("defamation", "insult", "threat", "discrimination", "sexual", "personal_info")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PersistenceRule(_Frozen):
    """Fires when one author persists: ``min_findings`` harassment hits within ``within_days``,
    or (with ``same_employee_days``) naming the same employee on that many different days."""

    name: str = Field(min_length=1)
    within_days: float = Field(default=30, gt=0)
    min_findings: int | None = Field(default=None, ge=2)
    same_employee_days: int | None = Field(default=None, ge=2)
    labels: tuple[str, ...] = HARASSMENT
    severity: str = "critical"
    """The severity the grouped case and the escalation alert get."""
    routes: tuple[str, ...] = ()
    """Alert routes for the escalation; empty means every configured route."""

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        if value not in SEVERITIES:
            raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
        return value

    @model_validator(mode="after")
    def _one_condition(self) -> PersistenceRule:
        if self.min_findings is None and self.same_employee_days is None:
            raise ValueError(
                f"rule {self.name!r} needs min_findings or same_employee_days (or both) to say when it fires"
            )
        return self


class BurstConfig(_Frozen):
    """Many hits about the company or one employee, from many authors, in a short window."""

    enabled: bool = True
    window_minutes: float = Field(default=60, gt=0)
    min_hits: int = Field(default=20, ge=2)
    min_authors: int = Field(default=10, ge=1)
    quiet_minutes: float = Field(default=120, gt=0)
    """The incident closes when fewer than ``close_below`` hits arrived in this long."""
    close_below: int = Field(default=3, ge=1)
    routes: tuple[str, ...] = ()


class SustainedConfig(_Frozen):
    rules: tuple[PersistenceRule, ...] = (
        PersistenceRule(name="repeat-offender", min_findings=5, within_days=30),
        PersistenceRule(name="fixated-on-employee", same_employee_days=3, within_days=30),
    )
    bursts: BurstConfig = BurstConfig()
    link_min_chars: int = Field(default=40, ge=10)
    """Texts shorter than this never suggest a cross-platform link (too generic)."""
