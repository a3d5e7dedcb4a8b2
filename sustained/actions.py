"""What the sustained-harassment engine does when a rule fires: one grouped case for the
author (or the author's open case), and one alert per route through the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from crawler.state import State

logger = logging.getLogger(__name__)


class Actions:
    def __init__(self, config: Any, state: State, *, clock: Callable[[], datetime]) -> None:
        self.config = config
        self.state = state
        self.clock = clock

    def _cases(self) -> Any:
        from cases.store import CaseStore

        return CaseStore(self.config, self.state, clock=self.clock)

    def escalate(self, rule: Any, rec: Any, hit_ids: list[str]) -> int | None:
        """Group the author's hits into one case (linked to an open one if there is) and raise it."""
        from cases.model import OPEN_STATUSES

        store = self._cases()
        existing = None
        for hit_id in hit_ids:
            for case in store.for_hit(hit_id):
                if case.status in OPEN_STATUSES:
                    existing = case
                    break
            if existing:
                break
        summary = (
            f"Persistent harassment (rule {rule.name!r}) by {rec.handle or rec.author_key} on {rec.platform}: "
            f"{len(hit_ids)} hits grouped in this case; severity raised to {rule.severity}. Hits: {', '.join(hit_ids)}"
        )
        if existing is not None:
            store.note(existing.id, summary, actor="mamori:sustained")
            return int(existing.id)
        case = store.open(rec.hit_id, actor="mamori:sustained", reason=summary, doc=rec.doc)
        return int(case.id)

    def link_hit(self, case_id: int | None, rec: Any) -> None:
        """A later hit of an escalated author joins the author's case."""
        if case_id is None:
            return
        self._cases().note(
            case_id,
            f"Another hit by the same author ({rec.handle or rec.author_key}, {rec.platform}): {rec.hit_id} {rec.url}",
            actor="mamori:sustained",
        )

    def announce(self, key: str, title: str, body: str, severity: str, routes: tuple[str, ...]) -> None:
        """One alert per route for ``key`` (an author or an incident); never twice."""
        from alerts.outbox import Outbox

        outbox = Outbox(self.state, clock=self.clock)
        names = list(routes) or [r.name for r in self.config.alerts.routes]
        for name in names:
            outbox.insert(
                hit_id=key, route=name, title=title, body=body, severity=severity, kind="escalation"
            )
