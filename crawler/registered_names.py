"""Names and nicknames employees registered in the portal's self-check, added to the roster the
name detector matches (so "みさきち" finds 田中 美咲 once she says she is called that)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from detectors.base import DetectorContext

logger = logging.getLogger(__name__)


def with_registered_names(context: DetectorContext, engine: Any) -> DetectorContext:
    """``context`` with each employee's portal-registered names added to their aliases."""
    try:
        from portal.db import ensure
        from portal.selfcheck import registered_names

        ensure(engine)
        extra = registered_names(engine)
    except Exception as exc:
        logger.warning("Names registered in the portal could not be read (%s); using the roster alone.", exc)
        return context
    if not extra:
        return context
    employees = []
    for emp in context.roster.employees:
        added = tuple(n for n in extra.get(emp.employee_id, ()) if n not in emp.aliases and n != emp.name)
        employees.append(replace(emp, aliases=emp.aliases + added) if added else emp)
    return replace(context, roster=replace(context.roster, employees=tuple(employees)))
