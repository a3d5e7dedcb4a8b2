"""Burst incidents of the sustained-harassment engine: many hits about one target (an
employee, or the company) from several authors within a short window open one incident; later
hits about that target join it until the rate falls back and the incident is closed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update

from crawler.state import State, _utc
from sustained.config import SustainedConfig
from sustained.records import Announce, HitRecord
from sustained.store import author_hits, incident_hits, incidents

logger = logging.getLogger("sustained.engine")  # the engine's logger


class BurstIncidents:
    """Mixin of :class:`sustained.engine.SustainedEngine`: burst incidents per target."""

    state: State
    settings: SustainedConfig
    clock: Callable[[], datetime]
    announce: Announce

    def _targets(self, rec: HitRecord) -> list[str]:
        targets = [f"employee:{e}" for e in rec.employees]
        if "company_mentioned" in rec.labels or not targets:
            targets.append("company")
        return targets

    def _bursts(self, rec: HitRecord) -> list[int]:
        burst = self.settings.bursts
        opened: list[int] = []
        for target in self._targets(rec):
            with self.state.begin() as conn:
                open_row = conn.execute(
                    select(incidents.c.id).where(incidents.c.target == target, incidents.c.status == "open")
                ).first()
                if open_row is not None:
                    self._attach(conn, int(open_row[0]), [rec.hit_id], rec.at)
                    continue
                since = rec.at - timedelta(minutes=burst.window_minutes)
                rows = conn.execute(
                    select(
                        author_hits.c.hit_id,
                        author_hits.c.author_key,
                        author_hits.c.employees,
                        author_hits.c.labels,
                    ).where(author_hits.c.at >= since, author_hits.c.at <= rec.at)
                ).all()
                window = [r for r in rows if target in self._targets_of(r)]
                authors = {r[1] or f"anon:{r[0]}" for r in window}
                if len(window) < burst.min_hits or len(authors) < burst.min_authors:
                    continue
                incident_id = int(
                    conn.execute(
                        incidents.insert().values(
                            target=target, status="open", opened_at=rec.at, last_hit_at=rec.at
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
                )
                self._attach(conn, incident_id, [r[0] for r in window], rec.at)
            opened.append(incident_id)
            who = target.replace("employee:", "employee ")
            self.announce(
                f"incident:{incident_id}",
                f"[mamori] HIGH burst of {len(window)} hits about {who} from {len(authors)} authors",
                f"Incident {incident_id}: {len(window)} harassment hits about {who} from {len(authors)} authors "
                f"within {burst.window_minutes:g} minutes (since {since.isoformat()}). Further hits are grouped "
                "into this incident until the rate falls back; see 'mamori incidents'.",
                "high",
                burst.routes,
            )
            logger.warning(
                "Burst about %s: incident %d opened (%d hits, %d authors).",
                who,
                incident_id,
                len(window),
                len(authors),
            )
        return opened

    def _targets_of(self, row: Any) -> list[str]:
        employees = json.loads(row[2])
        labels = json.loads(row[3])
        targets = [f"employee:{e}" for e in employees]
        if "company_mentioned" in labels or not targets:
            targets.append("company")
        return targets

    @staticmethod
    def _attach(conn: Any, incident_id: int, hit_ids: list[str], at: datetime) -> None:
        for hit_id in hit_ids:
            exists = conn.execute(
                select(incident_hits.c.hit_id).where(
                    and_(incident_hits.c.incident_id == incident_id, incident_hits.c.hit_id == hit_id)
                )
            ).first()
            if exists is None:
                conn.execute(incident_hits.insert().values(incident_id=incident_id, hit_id=hit_id))
        conn.execute(update(incidents).where(incidents.c.id == incident_id).values(last_hit_at=at))

    def close_quiet_incidents(self, at: datetime | None = None) -> list[int]:
        """Close open incidents whose rate fell back (fewer than ``close_below`` hits in ``quiet_minutes``)."""
        burst = self.settings.bursts
        at = at or self.clock()
        closed = []
        with self.state.begin() as conn:
            for inc in conn.execute(select(incidents).where(incidents.c.status == "open")).mappings().all():
                recent = conn.execute(
                    select(author_hits.c.hit_id)
                    .join(incident_hits, incident_hits.c.hit_id == author_hits.c.hit_id)
                    .where(
                        incident_hits.c.incident_id == inc["id"],
                        author_hits.c.at > at - timedelta(minutes=burst.quiet_minutes),
                    )
                ).all()
                if len(recent) < burst.close_below and _utc(inc["last_hit_at"]) <= at - timedelta(  # type: ignore[operator]
                    minutes=burst.quiet_minutes / 2
                ):
                    conn.execute(
                        update(incidents)
                        .where(incidents.c.id == inc["id"])
                        .values(status="closed", closed_at=at)
                    )
                    closed.append(int(inc["id"]))
        return closed
