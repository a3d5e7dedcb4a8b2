"""The sustained-harassment engine, run by the index writer on every batch of indexed hits.

Processing is idempotent (a hit already recorded is skipped), so a replayed batch changes
nothing. Event times are the posts' times; ``clock`` (for closing quiet incidents) can be
replaced in tests.

This module holds the engine's entry point (:meth:`SustainedEngine.process`) and the
recording of hits. The engine's parts are mixins in their own modules:
:mod:`sustained.persistence` (persistence rules and escalations), :mod:`sustained.bursts`
(burst incidents) and :mod:`sustained.links` (cross-platform link suggestions); the hit
record is in :mod:`sustained.records`, whose names are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from crawler.state import State, now
from sustained.bursts import BurstIncidents
from sustained.config import SustainedConfig
from sustained.links import LinkSuggestions
from sustained.persistence import JST, PersistenceRules
from sustained.records import (
    ANONYMOUS,
    Announce,
    Escalate,
    HitRecord,
    author_key,
    phrase_counts,
    text_hash,
    to_record,
)
from sustained.store import author_hits, ensure_tables

__all__ = [
    "ANONYMOUS",
    "JST",
    "EngineReport",
    "HitRecord",
    "SustainedEngine",
    "author_key",
    "phrase_counts",
    "text_hash",
    "to_record",
]


@dataclass
class EngineReport:
    recorded: int = 0
    escalations: list[str] = field(default_factory=list)
    incidents_opened: list[int] = field(default_factory=list)
    links: int = 0

    def __bool__(self) -> bool:
        return bool(self.recorded)


class SustainedEngine(PersistenceRules, BurstIncidents, LinkSuggestions):
    def __init__(
        self,
        config: Any,
        state: State,
        *,
        clock: Callable[[], datetime] | None = None,
        escalate: Escalate | None = None,
        announce: Announce | None = None,
    ) -> None:
        self.config = config
        self.settings: SustainedConfig = getattr(config, "sustained", None) or SustainedConfig()
        self.state = state
        ensure_tables(state)
        self.clock = clock or now
        from sustained.actions import Actions

        actions = Actions(config, state, clock=self.clock)
        self.escalate = escalate or actions.escalate
        self.announce = announce or actions.announce

    # -- entry point -----------------------------------------------------------------------
    def process(self, docs: Iterable[dict[str, Any]]) -> EngineReport:
        report = EngineReport()
        for doc in docs:
            rec = to_record(doc, self.settings.link_min_chars)
            if rec is None or not self._record(rec):
                continue
            report.recorded += 1
            if rec.author_key:
                report.links += self._links(rec)
                fired = self._persistence(rec)
                if fired:
                    report.escalations.append(fired)
            if self.settings.bursts.enabled:
                report.incidents_opened.extend(self._bursts(rec))
        self.close_quiet_incidents()
        return report

    def _record(self, rec: HitRecord) -> bool:
        try:
            with self.state.begin() as conn:
                conn.execute(
                    author_hits.insert().values(
                        hit_id=rec.hit_id,
                        platform=rec.platform,
                        author_key=rec.author_key,
                        handle=rec.handle,
                        at=rec.at,
                        labels=json.dumps(rec.labels),
                        employees=json.dumps(rec.employees),
                        severity=rec.severity,
                        text_hash=rec.text_hash,
                        media_hashes=json.dumps(rec.media_hashes),
                        phrases=json.dumps(rec.phrases, ensure_ascii=False),
                        url=rec.url,
                    )
                )
        except IntegrityError:
            return False
        return True
