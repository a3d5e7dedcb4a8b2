"""Read side of sustained-harassment tracking: author listings, author pages, incidents."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from crawler.exceptions import MamoriError
from crawler.state import State, _utc
from sustained.engine import phrase_counts
from sustained.store import author_hits, author_links, ensure_tables, escalations, incident_hits, incidents


def _iso(value: datetime | None) -> str | None:
    return _utc(value).isoformat() if value else None  # type: ignore[union-attr]


def list_authors(state: State, *, limit: int = 50) -> list[dict[str, Any]]:
    """Authors by harassment count, then recency."""
    ensure_tables(state)
    with state.engine.connect() as conn:
        rows = conn.execute(select(author_hits).where(author_hits.c.author_key != "")).mappings().all()
        esc = {(r["platform"], r["author_key"]): r for r in conn.execute(select(escalations)).mappings()}
        links = conn.execute(select(author_links).where(author_links.c.status != "rejected")).mappings().all()
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in rows:
        grouped[(r["platform"], r["author_key"])].append(r)
    linked: dict[tuple[str, str], int] = Counter()
    for link in links:
        linked[(link["a_platform"], link["a_key"])] += 1
        linked[(link["b_platform"], link["b_key"])] += 1
    out = []
    for (platform, key), hits in grouped.items():
        labels: Counter[str] = Counter()
        employees: Counter[str] = Counter()
        for h in hits:
            labels.update(json.loads(h["labels"]))
            employees.update(json.loads(h["employees"]))
        e = esc.get((platform, key))
        out.append(
            {
                "platform": platform,
                "author": key,
                "handle": hits[-1]["handle"],
                "hits": len(hits),
                "first_seen": _iso(min(h["at"] for h in hits)),
                "last_seen": _iso(max(h["at"] for h in hits)),
                "labels": dict(labels.most_common()),
                "employees": dict(employees.most_common()),
                "escalated": bool(e),
                "case_id": e["case_id"] if e else None,
                "possible_links": linked.get((platform, key), 0),
            }
        )
    out.sort(key=lambda a: (a["hits"], a["last_seen"] or ""), reverse=True)
    return out[:limit]


def author_page(state: State, platform: str, key: str) -> dict[str, Any]:
    ensure_tables(state)
    with state.engine.connect() as conn:
        hits = (
            conn.execute(
                select(author_hits)
                .where(author_hits.c.platform == platform, author_hits.c.author_key == key)
                .order_by(author_hits.c.at)
            )
            .mappings()
            .all()
        )
        links = (
            conn.execute(
                select(author_links).where(
                    ((author_links.c.a_platform == platform) & (author_links.c.a_key == key))
                    | ((author_links.c.b_platform == platform) & (author_links.c.b_key == key))
                )
            )
            .mappings()
            .all()
        )
    if not hits:
        raise MamoriError(
            f"No hits are recorded for author {key!r} on {platform!r}; see 'mamori authors' for the list."
        )
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    for h in hits:
        by_day[_utc(h["at"]).date().isoformat()].update(json.loads(h["labels"]))  # type: ignore[union-attr]
    return {
        "platform": platform,
        "author": key,
        "handle": hits[-1]["handle"],
        "first_seen": _iso(hits[0]["at"]),
        "last_seen": _iso(hits[-1]["at"]),
        "labels_over_time": {day: dict(c) for day, c in sorted(by_day.items())},
        "employees_targeted": sorted({e for h in hits for e in json.loads(h["employees"])}),
        "hits": [
            {"id": h["hit_id"], "at": _iso(h["at"]), "labels": json.loads(h["labels"]), "url": h["url"]}
            for h in hits
        ],
        "possible_same_person": [
            {
                "id": link["id"],
                "other": f"{link['b_platform']}:{link['b_key']}"
                if (link["a_platform"], link["a_key"]) == (platform, key)
                else f"{link['a_platform']}:{link['a_key']}",
                "reason": link["reason"],
                "status": link["status"],
                "hits": json.loads(link["hit_ids"]),
            }
            for link in links
        ],
    }


def set_link_status(state: State, link_id: int, status: str) -> None:
    """A human confirms or rejects a suggested cross-platform link (never automatic)."""
    ensure_tables(state)
    if status not in ("confirmed", "rejected", "suggested"):
        raise MamoriError(f"A link status must be confirmed, rejected or suggested, not {status!r}.")
    with state.begin() as conn:
        if not conn.execute(
            update(author_links).where(author_links.c.id == link_id).values(status=status)
        ).rowcount:
            raise MamoriError(f"There is no suggested link {link_id}; see 'mamori authors show'.")


def list_incidents(state: State) -> list[dict[str, Any]]:
    ensure_tables(state)
    with state.engine.connect() as conn:
        rows = conn.execute(select(incidents).order_by(incidents.c.id.desc())).mappings().all()
        counts = Counter(r[0] for r in conn.execute(select(incident_hits.c.incident_id)))
    return [
        {
            "id": r["id"],
            "target": r["target"],
            "status": r["status"],
            "opened_at": _iso(r["opened_at"]),
            "closed_at": _iso(r["closed_at"]),
            "hits": counts.get(r["id"], 0),
        }
        for r in rows
    ]


def incident_timeline(state: State, incident_id: int) -> dict[str, Any]:
    ensure_tables(state)
    with state.engine.connect() as conn:
        inc = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()
        if inc is None:
            raise MamoriError(f"There is no incident {incident_id}; see 'mamori incidents'.")
        hits = (
            conn.execute(
                select(author_hits)
                .join(incident_hits, incident_hits.c.hit_id == author_hits.c.hit_id)
                .where(incident_hits.c.incident_id == incident_id)
                .order_by(author_hits.c.at)
            )
            .mappings()
            .all()
        )
    per_hour: Counter[str] = Counter(_utc(h["at"]).strftime("%Y-%m-%dT%H:00Z") for h in hits)  # type: ignore[union-attr]
    authors: Counter[str] = Counter(
        f"{h['platform']}:{h['handle'] or h['author_key'] or 'anonymous'}" for h in hits
    )
    return {
        "id": incident_id,
        "target": inc["target"],
        "status": inc["status"],
        "opened_at": _iso(inc["opened_at"]),
        "closed_at": _iso(inc["closed_at"]),
        "hits": len(hits),
        "per_hour": dict(sorted(per_hour.items())),
        "top_authors": authors.most_common(10),
        "top_phrases": phrase_counts(hits).most_common(10),
    }


AUTHOR_SORTS = ("hits", "last_seen")


def author_listing(
    state: State, *, sort: str = "hits", offset: int = 0, limit: int = 50
) -> tuple[list[dict[str, Any]], int]:
    """One page of :func:`list_authors`, sorted by ``hits`` or ``last_seen`` (newest first), and
    the total; each author also gets the persistence rule that fired for them, if any."""
    if sort not in AUTHOR_SORTS:
        raise MamoriError(f"Authors can be sorted by {' or '.join(AUTHOR_SORTS)}, not {sort!r}.")
    rows = list_authors(state, limit=2**31)
    if sort == "last_seen":
        rows.sort(key=lambda a: (a["last_seen"] or "", a["hits"]), reverse=True)
    page = rows[max(0, offset) : max(0, offset) + max(0, limit)]
    with state.engine.connect() as conn:
        esc = {(r["platform"], r["author_key"]): r for r in conn.execute(select(escalations)).mappings()}
    for a in page:
        e = esc.get((a["platform"], a["author"]))
        a["escalation"] = _escalation(e) if e else None
    return page, len(rows)


def _escalation(row: Any) -> dict[str, Any]:
    return {
        "rule": row["rule"],
        "fired_at": _iso(row["fired_at"]),
        "severity": row["severity"],
        "case_id": row["case_id"],
        "hits": json.loads(row["hit_ids"]),
    }


def author_escalation(state: State, platform: str, key: str) -> dict[str, Any] | None:
    """The escalation a persistence rule opened for the author (at most one), or None."""
    ensure_tables(state)
    with state.engine.connect() as conn:
        row = (
            conn.execute(
                select(escalations).where(escalations.c.platform == platform, escalations.c.author_key == key)
            )
            .mappings()
            .first()
        )
    return _escalation(row) if row else None


def author_incidents(state: State, platform: str, key: str) -> list[dict[str, Any]]:
    """The burst incidents holding at least one hit of the author, newest first, with how many
    of the incident's hits are the author's."""
    ensure_tables(state)
    with state.engine.connect() as conn:
        rows = conn.execute(
            select(incident_hits.c.incident_id, incident_hits.c.hit_id)
            .join(author_hits, incident_hits.c.hit_id == author_hits.c.hit_id)
            .where(author_hits.c.platform == platform, author_hits.c.author_key == key)
        ).all()
    mine = Counter(int(r[0]) for r in rows)
    if not mine:
        return []
    return [{**inc, "author_hits": mine[inc["id"]]} for inc in list_incidents(state) if inc["id"] in mine]


def incident_hit_list(state: State, incident_id: int) -> list[dict[str, Any]]:
    """The hits of an incident in time order, each with its author (platform, key, handle)."""
    ensure_tables(state)
    with state.engine.connect() as conn:
        if conn.execute(select(incidents.c.id).where(incidents.c.id == incident_id)).first() is None:
            raise MamoriError(f"There is no incident {incident_id}; see 'mamori incidents'.")
        rows = (
            conn.execute(
                select(author_hits)
                .join(incident_hits, incident_hits.c.hit_id == author_hits.c.hit_id)
                .where(incident_hits.c.incident_id == incident_id)
                .order_by(author_hits.c.at, author_hits.c.hit_id)
            )
            .mappings()
            .all()
        )
    return [
        {
            "id": h["hit_id"],
            "at": _iso(h["at"]),
            "platform": h["platform"],
            "author": h["author_key"],
            "handle": h["handle"],
            "labels": json.loads(h["labels"]),
            "employees": json.loads(h["employees"]),
            "severity": h["severity"],
            "url": h["url"],
        }
        for h in rows
    ]


def author_keys_for_handle(state: State, platform: str, handle: str) -> list[str]:
    """The author keys on ``platform`` whose latest recorded handle is ``handle`` (usually one)."""
    ensure_tables(state)
    with state.engine.connect() as conn:
        rows = conn.execute(
            select(author_hits.c.author_key, author_hits.c.handle)
            .where(author_hits.c.platform == platform, author_hits.c.author_key != "")
            .order_by(author_hits.c.at)
        ).all()
    latest = {key: h for key, h in rows}
    return sorted(key for key, h in latest.items() if h == handle)
