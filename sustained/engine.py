"""The sustained-harassment engine, run by the index writer on every batch of indexed hits.

Processing is idempotent (a hit already recorded is skipped), so a replayed batch changes
nothing. Event times are the posts' times; ``clock`` (for closing quiet incidents) can be
replaced in tests.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from crawler.state import State, _utc, now
from sustained.config import HARASSMENT, PersistenceRule, SustainedConfig
from sustained.store import author_hits, author_links, ensure_tables, escalations, incident_hits, incidents

logger = logging.getLogger(__name__)
JST = timezone(timedelta(hours=9))
ANONYMOUS = {
    "",
    "名無し",
    "名無しさん",
    "名無しさん@お腹いっぱい。",
    "風吹けば名無し",
    "匿名",
    "anonymous",
    "[deleted]",
    "deleted",
}
_URL = re.compile(r"https?://\S+")


@dataclass
class HitRecord:
    hit_id: str
    platform: str
    author_key: str
    handle: str
    at: datetime
    labels: list[str]
    employees: list[str]
    severity: str
    text_hash: str
    media_hashes: list[str]
    phrases: list[str]
    url: str
    doc: dict[str, Any]

    @property
    def harassing(self) -> bool:
        return bool(set(self.labels) & set(HARASSMENT))


@dataclass
class EngineReport:
    recorded: int = 0
    escalations: list[str] = field(default_factory=list)
    incidents_opened: list[int] = field(default_factory=list)
    links: int = 0

    def __bool__(self) -> bool:
        return bool(self.recorded)


def author_key(doc: dict[str, Any]) -> tuple[str, str]:
    """``(key, handle)``: the platform's stable account id where it has one, else the handle.
    Anonymous board names without an ID give an empty key (they are not one person)."""
    author = doc.get("author") or {}
    handle = str(author.get("handle") or author.get("display_name") or "")
    account = str(author.get("account_id") or "")
    if account:
        return account, handle
    if handle.strip().lower() in ANONYMOUS:
        return "", handle
    return handle, handle


def text_hash(text: str, min_chars: int) -> str:
    folded = re.sub(r"\s+", " ", _URL.sub("", unicodedata.normalize("NFKC", text).lower())).strip()
    if len(folded) < min_chars:
        return ""
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def to_record(doc: dict[str, Any], min_chars: int) -> HitRecord | None:
    key, handle = author_key(doc)
    labels = list(doc.get("labels") or [])
    if not set(labels) & set(HARASSMENT):
        return None
    at = doc.get("published_at") or doc.get("fetched_at")
    when = _utc(datetime.fromisoformat(at)) if isinstance(at, str) else _utc(at) or now()
    findings = doc.get("findings") or []
    phrases = sorted(
        {
            s.get("text", "")
            for f in findings
            if f.get("label") in HARASSMENT
            for s in f.get("spans") or []
            if s.get("text")
        }
    )
    media = sorted(
        {
            hashlib.sha256(str(m.get("url", "")).encode()).hexdigest()[:32]
            for m in doc.get("media") or []
            if m.get("url")
        }
        | {str((f.get("extra") or {}).get("phash")) for f in findings if (f.get("extra") or {}).get("phash")}
    )
    return HitRecord(
        hit_id=doc["id"],
        platform=str(doc.get("platform") or ""),
        author_key=key,
        handle=handle,
        at=when,  # type: ignore[arg-type]
        labels=labels,
        employees=list(doc.get("employees") or []),
        severity=str(doc.get("severity") or "info"),
        text_hash=text_hash(str(doc.get("text") or ""), min_chars),
        media_hashes=media,
        phrases=phrases,
        url=str(doc.get("url") or ""),
        doc=doc,
    )


class SustainedEngine:
    def __init__(
        self,
        config: Any,
        state: State,
        *,
        clock: Callable[[], datetime] | None = None,
        escalate: Callable[[PersistenceRule, HitRecord, list[str]], int | None] | None = None,
        announce: Callable[[str, str, str, str, tuple[str, ...]], None] | None = None,
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

    # -- persistence ----------------------------------------------------------------------------
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

    # -- bursts ------------------------------------------------------------------------------------
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

    # -- cross-platform links (suggestions only) -----------------------------------------------------
    def _links(self, rec: HitRecord) -> int:
        made = 0
        with self.state.engine.connect() as conn:
            candidates = []
            if rec.text_hash:
                candidates += [
                    ("same_text", r)
                    for r in conn.execute(
                        select(author_hits).where(author_hits.c.text_hash == rec.text_hash)
                    ).mappings()
                ]
            if rec.media_hashes:
                for r in conn.execute(
                    select(author_hits).where(
                        author_hits.c.platform != rec.platform, author_hits.c.media_hashes != "[]"
                    )
                ).mappings():
                    if set(json.loads(r["media_hashes"])) & set(rec.media_hashes):
                        candidates.append(("same_media", r))
        for reason, other in candidates:
            if other["platform"] == rec.platform or not other["author_key"]:
                continue
            a, b = sorted([(rec.platform, rec.author_key), (other["platform"], other["author_key"])])
            try:
                with self.state.begin() as conn:
                    conn.execute(
                        author_links.insert().values(
                            a_platform=a[0],
                            a_key=a[1],
                            b_platform=b[0],
                            b_key=b[1],
                            reason=reason,
                            hit_ids=json.dumps(sorted({rec.hit_id, other["hit_id"]})),
                            status="suggested",
                            created_at=self.clock(),
                        )
                    )
                made += 1
            except IntegrityError:
                continue
        return made


def phrase_counts(rows: Iterable[Any]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in rows:
        counts.update(json.loads(r["phrases"]))
    return counts
