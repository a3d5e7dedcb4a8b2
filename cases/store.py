"""Cases in the state database: open from a hit, assign, change status, add notes.

Every change writes one row to the append-only audit log ``case_events`` in the same
transaction (who, what, when, from which status to which). Status and assignee changes are
mirrored into the hit index: only the daemon holds the index writer, so the updated hit
document goes through the durable hand-off queue (:func:`crawler.handoff.enqueue`, an
idempotent upsert by hit id) that the daemon's index tick drains.
"""

from __future__ import annotations

import builtins
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from cases.db import case_events, cases, ensure_schema
from cases.model import (
    OPEN_STATUSES,
    WATCHED_STATUSES,
    Case,
    CaseError,
    CaseEvent,
    check_transition,
    dumps,
)
from crawler.exceptions import IndexBackendError
from crawler.state import State, _utc, index_queue, now

logger = logging.getLogger(__name__)


def find_hit(config: Any, state: State, hit_id: str) -> dict[str, Any] | None:
    """The hit document: from the index (read-only), else still waiting in the hand-off queue."""
    try:
        from index import open_index

        index = open_index(config, readonly=True)
        try:
            doc = index.get(hit_id)
        finally:
            close = getattr(index, "close", None)
            if close:
                close()
        if doc:
            return doc
    except IndexBackendError as exc:
        logger.warning("The index cannot be read (%s); looking in the hand-off queue.", exc)
    with state.engine.connect() as conn:
        row = conn.execute(
            select(index_queue.c.doc).where(index_queue.c.post_id == hit_id).order_by(index_queue.c.id.desc())
        ).first()
    return json.loads(row[0]) if row else None


def default_reason(doc: dict[str, Any]) -> str:
    findings = doc.get("findings") or []
    parts = [f"{f.get('label')}: {f.get('explanation')}" for f in findings if f.get("label")]
    return "; ".join(parts)


def case_fields(state: State, hit_id: str) -> dict[str, str] | None:
    """``{"status", "assignee"}`` of the newest case of ``hit_id`` (None without a case).

    For the index hand-off of a re-crawled (edited) hit, so a new version of the post keeps
    its case status instead of going back to ``new``.
    """
    ensure_schema(state.engine)
    with state.engine.connect() as conn:
        row = conn.execute(
            select(cases.c.status, cases.c.assignee)
            .where(cases.c.hit_id == hit_id)
            .order_by(cases.c.id.desc())
        ).first()
    return {"status": row[0], "assignee": row[1]} if row else None


class CaseStore:
    def __init__(
        self, config: Any, state: State | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.config = config
        self.state = state or State.from_config(config)
        self.clock = clock or now
        ensure_schema(self.state.engine)

    # -- reading ---------------------------------------------------------------------------
    def get(self, case_id: int) -> Case:
        with self.state.engine.connect() as conn:
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise CaseError(f"There is no case {case_id}; 'mamori cases list' shows the cases.")
        return _case(row)

    def list(
        self, *, status: str | None = None, assignee: str | None = None, open_only: bool = False
    ) -> builtins.list[Case]:
        query = select(cases).order_by(cases.c.id)
        if status:
            query = query.where(cases.c.status == status)
        if assignee:
            query = query.where(cases.c.assignee == assignee)
        if open_only:
            query = query.where(cases.c.status.in_(sorted(OPEN_STATUSES)))
        with self.state.engine.connect() as conn:
            return [_case(r) for r in conn.execute(query).all()]

    def for_hit(self, hit_id: str) -> builtins.list[Case]:
        with self.state.engine.connect() as conn:
            return [_case(r) for r in conn.execute(select(cases).where(cases.c.hit_id == hit_id)).all()]

    def events(self, case_id: int) -> builtins.list[CaseEvent]:
        with self.state.engine.connect() as conn:
            rows = conn.execute(
                select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.id)
            ).all()
        return [
            CaseEvent(r.id, r.case_id, _utc(r.at), r.actor, r.action, r.from_status, r.to_status, r.detail)  # type: ignore[arg-type]
            for r in rows
        ]

    # -- changes ---------------------------------------------------------------------------
    def open(
        self,
        hit_id: str,
        *,
        actor: str,
        reason: str = "",
        doc: dict[str, Any] | None = None,
        assignee: str = "",
        linked_case_id: int | None = None,
    ) -> Case:
        """Open a case for ``hit_id`` (its document looked up unless given)."""
        doc = doc or find_hit(self.config, self.state, hit_id)
        if doc is None:
            raise CaseError(
                f"There is no hit {hit_id!r} in the index or the hand-off queue; check the id with "
                "'mamori search' (the id looks like platform:post-id)."
            )
        existing = [c for c in self.for_hit(hit_id) if c.status in OPEN_STATUSES]
        if existing and linked_case_id is None:
            raise CaseError(f"Hit {hit_id!r} already has the open case {existing[0].id}; use that case.")
        ts = self.clock()
        reason = reason or default_reason(doc)
        with self.state.begin() as conn:
            case_id = int(
                conn.execute(
                    insert(cases).values(
                        hit_id=hit_id,
                        status="new",
                        assignee=assignee,
                        platform=str(doc.get("platform") or ""),
                        url=str(doc.get("url") or ""),
                        hit_doc=dumps(doc),
                        reason=reason,
                        opened_at=ts,
                        updated_at=ts,
                        linked_case_id=linked_case_id,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._event(
                conn,
                case_id,
                actor,
                "opened",
                None,
                "new",
                dumps({"hit_id": hit_id, "reason": reason, "linked_case_id": linked_case_id}),
            )
            if assignee:
                self._event(conn, case_id, actor, "assigned", None, None, assignee)
        case = self.get(case_id)
        self._sync_index(case)
        return case

    def set_status(
        self, case_id: int, status: str, *, actor: str, note: str = "", evidence: dict[str, Any] | None = None
    ) -> Case:
        case = self.get(case_id)
        check_transition(case_id, case.status, status)
        ts = self.clock()
        values: dict[str, Any] = {"status": status, "updated_at": ts}
        if status == "takedown_requested":
            values["takedown_requested_at"] = ts
        if status == "removed":
            values["removed_at"] = ts
            if evidence is not None:
                values["removal_evidence"] = dumps(evidence)
        with self.state.begin() as conn:
            conn.execute(update(cases).where(cases.c.id == case_id).values(**values))
            detail = dumps({"note": note, "evidence": evidence}) if evidence else note
            self._event(conn, case_id, actor, "status", case.status, status, detail)
        case = self.get(case_id)
        self._sync_index(case)
        self._media_prints(case)
        return case

    def assign(self, case_id: int, assignee: str, *, actor: str) -> Case:
        case = self.get(case_id)
        with self.state.begin() as conn:
            conn.execute(
                update(cases).where(cases.c.id == case_id).values(assignee=assignee, updated_at=self.clock())
            )
            self._event(conn, case_id, actor, "assigned", None, None, f"{case.assignee or '-'} -> {assignee}")
        case = self.get(case_id)
        self._sync_index(case)
        return case

    def note(self, case_id: int, text: str, *, actor: str) -> Case:
        if not text.strip():
            raise CaseError("A note cannot be empty; write what happened.")
        self.get(case_id)
        with self.state.begin() as conn:
            conn.execute(update(cases).where(cases.c.id == case_id).values(updated_at=self.clock()))
            self._event(conn, case_id, actor, "note", None, None, text)
        return self.get(case_id)

    def set_date(self, case_id: int, field: str, value: datetime, *, actor: str) -> Case:
        """Record a date the clocks need (``offender_identified_at``, ``takedown_requested_at``)."""
        if field not in ("offender_identified_at", "takedown_requested_at"):
            raise CaseError(f"{field!r} cannot be set; use offender_identified_at or takedown_requested_at.")
        self.get(case_id)
        with self.state.begin() as conn:
            conn.execute(
                update(cases)
                .where(cases.c.id == case_id)
                .values(**{field: value, "updated_at": self.clock()})
            )
            self._event(conn, case_id, actor, "date", None, None, f"{field} = {value.isoformat()}")
        return self.get(case_id)

    def checked(self, case_id: int, detail: dict[str, Any], *, actor: str = "recheck") -> None:
        """Record a removal re-check that found the post still online."""
        with self.state.begin() as conn:
            conn.execute(update(cases).where(cases.c.id == case_id).values(last_checked_at=self.clock()))
            self._event(conn, case_id, actor, "recheck", None, None, dumps(detail))

    # -- internals -------------------------------------------------------------------------
    def _event(
        self,
        conn: Any,
        case_id: int,
        actor: str,
        action: str,
        from_status: str | None,
        to_status: str | None,
        detail: str,
    ) -> None:
        conn.execute(
            insert(case_events).values(
                case_id=case_id,
                at=self.clock(),
                actor=actor or "unknown",
                action=action,
                from_status=from_status,
                to_status=to_status,
                detail=detail,
            )
        )

    def _media_prints(self, case: Case) -> None:
        """Fingerprint the media of a case that becomes watched; forget them when it closes.

        Best effort: a failure is logged and never stops the status change.
        """
        from cases import media_prints

        try:
            if case.status in WATCHED_STATUSES:
                media_prints.record_case_media(self.config, self.state, case)
            elif case.status == "closed":
                media_prints.forget_case_media(self.state, case.id)
        except Exception as exc:
            logger.warning("The media of case %d could not be fingerprinted: %s", case.id, exc)

    def _sync_index(self, case: Case) -> None:
        """Queue the hit document with the case fields for the daemon's index writer."""
        from crawler.handoff import enqueue

        doc = find_hit(self.config, self.state, case.hit_id) or dict(case.doc)
        if "id" not in doc:
            return
        doc.update({"status": case.status, "assignee": case.assignee})
        enqueue(self.state, doc)


def _case(row: Any) -> Case:
    m = row._mapping
    return Case(
        id=m["id"],
        hit_id=m["hit_id"],
        status=m["status"],
        assignee=m["assignee"],
        platform=m["platform"],
        url=m["url"],
        doc=json.loads(m["hit_doc"]),
        reason=m["reason"],
        opened_at=_utc(m["opened_at"]),  # type: ignore[arg-type]
        updated_at=_utc(m["updated_at"]),  # type: ignore[arg-type]
        takedown_requested_at=_utc(m["takedown_requested_at"]),
        offender_identified_at=_utc(m["offender_identified_at"]),
        removed_at=_utc(m["removed_at"]),
        removal_evidence=json.loads(m["removal_evidence"]) if m["removal_evidence"] else None,
        last_checked_at=_utc(m["last_checked_at"]),
        linked_case_id=m["linked_case_id"],
    )
