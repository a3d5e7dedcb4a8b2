"""Persistence rules of the sustained-harassment engine: when one author's hits within a
window reach a rule (so many hits, or one employee named on so many days), fire once per
author: one escalation row, one grouped case and one alert. Later hits of the author join it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from crawler.state import State, _utc
from sustained.config import PersistenceRule, SustainedConfig
from sustained.records import Announce, Escalate, HitRecord
from sustained.store import author_hits, escalations

logger = logging.getLogger("sustained.engine")  # the engine's logger
JST = timezone(timedelta(hours=9))


class PersistenceRules:
    """Mixin of :class:`sustained.engine.SustainedEngine`: the per-author persistence rules."""

    config: Any
    state: State
    settings: SustainedConfig
    clock: Callable[[], datetime]
    escalate: Escalate
    announce: Announce

    def _author_rows(self, rec: HitRecord, since: datetime) -> list[Any]:
        with self.state.engine.connect() as conn:
            return list(
                conn.execute(
                    select(author_hits).where(
                        author_hits.c.platform == rec.platform,
                        author_hits.c.author_key == rec.author_key,
                        author_hits.c.at >= since,
                        author_hits.c.at <= rec.at,
                    )
                ).mappings()
            )

    def _persistence(self, rec: HitRecord) -> str | None:
        with self.state.engine.connect() as conn:
            done = conn.execute(
                select(escalations.c.id, escalations.c.case_id).where(
                    escalations.c.platform == rec.platform, escalations.c.author_key == rec.author_key
                )
            ).first()
        if done is not None:
            self._attach_to_escalation(int(done[0]), rec)
            return None
        for rule in self.settings.rules:
            rows = self._author_rows(rec, rec.at - timedelta(days=rule.within_days))
            hits = [r for r in rows if set(json.loads(r["labels"])) & set(rule.labels)]
            why = ""
            if rule.min_findings and len(hits) >= rule.min_findings:
                why = f"{len(hits)} harassment hits within {rule.within_days:g} days"
            if not why and rule.same_employee_days:
                days: dict[str, set[str]] = {}
                for r in hits:
                    day = _utc(r["at"]).astimezone(JST).date().isoformat()  # type: ignore[union-attr]
                    for emp in json.loads(r["employees"]):
                        days.setdefault(emp, set()).add(day)
                best = max(days.items(), key=lambda kv: len(kv[1]), default=("", set()))
                if len(best[1]) >= rule.same_employee_days:
                    why = f"named employee {best[0]} on {len(best[1])} different days within {rule.within_days:g} days"
            if why:
                return self._fire(rule, rec, [r["hit_id"] for r in hits], why)
        return None

    def _fire(self, rule: PersistenceRule, rec: HitRecord, hit_ids: list[str], why: str) -> str | None:
        ts = self.clock()
        try:
            with self.state.begin() as conn:
                esc_id = conn.execute(
                    escalations.insert().values(
                        platform=rec.platform,
                        author_key=rec.author_key,
                        rule=rule.name,
                        fired_at=ts,
                        severity=rule.severity,
                        hit_ids=json.dumps(sorted(hit_ids)),
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:
            return None  # another writer fired it first
        case_id = self.escalate(rule, rec, sorted(hit_ids))
        with self.state.begin() as conn:
            conn.execute(update(escalations).where(escalations.c.id == esc_id).values(case_id=case_id))
        title = f"[mamori] {rule.severity.upper()} persistent harassment by {rec.handle or rec.author_key} on {rec.platform}"
        body = (
            f"Rule {rule.name!r} fired: {rec.handle or rec.author_key} ({rec.platform}) {why}.\n"
            f"The author's hits are grouped in case {case_id}.\n\nHits:\n"
            + "\n".join(f"- {h}" for h in sorted(hit_ids))
        )
        self.announce(f"author:{rec.platform}:{rec.author_key}", title, body, rule.severity, rule.routes)
        logger.warning(
            "Persistent harassment by %s on %s: %s (case %s).", rec.handle, rec.platform, why, case_id
        )
        return f"{rec.platform}:{rec.author_key}"

    def _attach_to_escalation(self, esc_id: int, rec: HitRecord) -> None:
        with self.state.begin() as conn:
            row = conn.execute(select(escalations).where(escalations.c.id == esc_id)).mappings().one()
            ids = set(json.loads(row["hit_ids"])) | {rec.hit_id}
            conn.execute(
                update(escalations).where(escalations.c.id == esc_id).values(hit_ids=json.dumps(sorted(ids)))
            )
        from sustained.actions import Actions

        Actions(self.config, self.state, clock=self.clock).link_hit(row["case_id"], rec)
