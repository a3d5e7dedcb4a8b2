"""Saved searches as live alert rules: stored in the state database, run on every indexed batch.

A rule is a name, a query in the index query language (:mod:`index.query`), one or more
``[[alerts.routes]]`` names to deliver through, and an enabled flag. The legal team manages
rules in the portal (``/alert-rules``); the table ``alert_saved_searches`` lives in its own
:class:`~sqlalchemy.MetaData` and is created on first use.

After each committed index batch the daemon calls :func:`alert_saved_searches` with the
documents just indexed. Every enabled rule runs once through the real index backend, its
query restricted to those ids (:attr:`index.base.SearchRequest.ids`), and every match is put
in the alert outbox with :meth:`alerts.outbox.Outbox.insert`. The outbox row's ``hit_id`` is
``saved-search:<rule id>:<hit id>``: the outbox's unique (hit, route) key then makes a match
alert once per (hit, rule, route) however often a batch is replayed, and never collides with
the alert the crawl pipeline queued for the same hit on the same route.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from crawler.exceptions import MamoriError, QuerySyntaxError
from crawler.state import create_tables
from index.base import Index, SearchRequest
from index.query import parse

logger = logging.getLogger(__name__)

metadata = MetaData()

rules_table = Table(
    "alert_saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("routes", Text, nullable=False),  # JSON list of route names
    Column("enabled", Integer, nullable=False, default=1),
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

HIT_PREFIX = "saved-search"


class RuleError(MamoriError):
    """A saved-search alert rule is not valid; ``field`` names the form field to fix."""

    def __init__(self, message: str, *, field: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.position = position


@dataclass(frozen=True)
class SavedSearchRule:
    id: int
    name: str
    query: str
    routes: tuple[str, ...]
    enabled: bool
    created_by: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "routes": list(self.routes),
            "created_at": self.created_at.isoformat(),
        }


def ensure(engine: Any) -> None:
    """Create the table once per process and database."""
    create_tables(metadata, engine)


def _row(m: Any) -> SavedSearchRule:
    created = m["created_at"]
    return SavedSearchRule(
        id=int(m["id"]),
        name=str(m["name"]),
        query=str(m["query"]),
        routes=tuple(json.loads(m["routes"] or "[]")),
        enabled=bool(m["enabled"]),
        created_by=str(m["created_by"] or ""),
        created_at=created.replace(tzinfo=UTC) if created.tzinfo is None else created,
    )


def validate(config: Any, name: str, query: str, routes: list[str]) -> SearchRequest:
    """Check a rule before it is saved; raises :class:`RuleError` naming the field to fix."""
    if not name.strip():
        raise RuleError("Give the alert rule a name.", field="name")
    if len(name) > 200:
        raise RuleError(f"The name is {len(name)} characters long; use at most 200.", field="name")
    if not query.strip():
        raise RuleError(
            "The query is empty, so the rule would alert on every hit; write a query such as "
            "'詐欺 label:defamation severity:high'.",
            field="query",
        )
    try:
        request = parse(query)
    except QuerySyntaxError as exc:
        raise RuleError(str(exc), field="query", position=exc.position) from exc
    configured = [r.name for r in config.alerts.routes]
    if not routes:
        if not configured:
            raise RuleError(
                "No [[alerts.routes]] are configured, so an alert rule has nowhere to send its alerts; "
                "add a route to the configuration first.",
                field="routes",
            )
        raise RuleError(
            f"Choose at least one route to send the alerts to: {', '.join(configured)}.", field="routes"
        )
    unknown = [r for r in routes if r not in configured]
    if unknown:
        raise RuleError(
            f"The route(s) {', '.join(map(repr, unknown))} are not configured; choose from "
            f"{', '.join(configured) or 'none (add [[alerts.routes]] to the configuration)'}.",
            field="routes",
        )
    return request


class RuleStore:
    """The rules in the state database."""

    def __init__(self, engine: Any) -> None:
        ensure(engine)
        self.engine = engine

    def add(
        self, config: Any, *, name: str, query: str, routes: list[str], enabled: bool = True, by: str = ""
    ) -> SavedSearchRule:
        name, query = name.strip(), query.strip()
        routes = list(dict.fromkeys(r.strip() for r in routes if r.strip()))
        validate(config, name, query, routes)
        with self.engine.begin() as conn:
            rule_id = conn.execute(
                insert(rules_table).values(
                    name=name,
                    query=query,
                    routes=json.dumps(routes),
                    enabled=1 if enabled else 0,
                    created_by=by,
                    created_at=datetime.now(UTC),
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        rule = self.get(int(rule_id))
        assert rule is not None
        return rule

    def get(self, rule_id: int) -> SavedSearchRule | None:
        with self.engine.connect() as conn:
            m = conn.execute(select(rules_table).where(rules_table.c.id == rule_id)).mappings().first()
        return _row(m) if m else None

    def list(self, *, enabled_only: bool = False) -> list[SavedSearchRule]:
        query = select(rules_table).order_by(rules_table.c.name, rules_table.c.id)
        if enabled_only:
            query = query.where(rules_table.c.enabled == 1)
        with self.engine.connect() as conn:
            return [_row(m) for m in conn.execute(query).mappings()]

    def set_enabled(self, rule_id: int, enabled: bool) -> bool:
        """Switch a rule on or off; False if there is no such rule."""
        with self.engine.begin() as conn:
            n = conn.execute(
                update(rules_table).where(rules_table.c.id == rule_id).values(enabled=1 if enabled else 0)
            ).rowcount
        return bool(n)

    def delete(self, rule_id: int) -> bool:
        """Delete a rule (alerts already queued stay); False if there is no such rule."""
        with self.engine.begin() as conn:
            n = conn.execute(delete(rules_table).where(rules_table.c.id == rule_id)).rowcount
        return bool(n)


def outbox_hit_id(rule_id: int, hit_id: str) -> str:
    return f"{HIT_PREFIX}:{rule_id}:{hit_id}"[:500]


def alert_saved_searches(config: Any, state: Any, index: Index | None, docs: list[dict[str, Any]]) -> int:
    """Run every enabled rule on ``docs`` (just committed to ``index``); return the alerts queued.

    A rule whose stored query no longer parses, or whose route left the configuration, is
    logged and skipped; an :class:`~crawler.exceptions.IndexBackendError` propagates so the
    daemon replays the batch (queueing is idempotent).
    """
    by_id = {str(d["id"]): d for d in docs if d.get("id")}
    if index is None or not by_id:
        return 0
    rules = RuleStore(state.engine).list(enabled_only=True)
    if not rules:
        return 0
    from alerts.outbox import Outbox

    routes = {r.name: r for r in config.alerts.routes}
    outbox = Outbox(state)
    queued = 0
    for rule in rules:
        try:
            request = parse(rule.query)
        except QuerySyntaxError as exc:
            logger.error(
                "The alert rule %r (id %d) has a query that no longer parses; it is skipped: %s",
                rule.name,
                rule.id,
                exc,
            )
            continue
        request = dataclasses.replace(
            request, ids=tuple(by_id), size=len(by_id), facets=False, search_after=None
        )
        matched = [h.id for h in index.search(request).hits]
        for hit_id in matched:
            for route_name in rule.routes:
                route = routes.get(route_name)
                if route is None:
                    logger.warning(
                        "The alert rule %r (id %d) sends to route %r, which is no longer configured; "
                        "that route is skipped.",
                        rule.name,
                        rule.id,
                        route_name,
                    )
                    continue
                if _queue(outbox, config, rule, route, by_id[hit_id]):
                    queued += 1
    if queued:
        logger.info("Saved-search alert rules queued %d alert(s).", queued)
    return queued


def _queue(outbox: Any, config: Any, rule: SavedSearchRule, route: Any, doc: dict[str, Any]) -> bool:
    from alerts.format import render_alert
    from crawler.items import Post

    post = Post.from_dict(doc)
    findings = [f for f in post.findings if f.severity != "info"] or list(post.findings)
    if not findings:
        return False
    title, body, severity = render_alert(post, findings, portal_url=config.alerts.portal_url)
    title = f"[mamori] Saved search {rule.name!r}: " + title.removeprefix("[mamori] ")
    body = f"The saved search {rule.name!r} ({rule.query}) matched a new hit.\n\n{body}"
    row_id = outbox.insert(
        hit_id=outbox_hit_id(rule.id, post.id),
        route=route.name,
        title=title[:500],
        body=body,
        severity=severity,
        status="digest" if getattr(route, "mode", "immediate") == "digest" else "pending",
        kind="alert",
        post_url=post.url,
        employees=sorted({f.employee_id for f in post.findings if f.employee_id}),
    )
    return row_id is not None
