"""Sustained harassment on the legal desk: authors, an author's history, burst incidents.

Pages (``/authors``, ``/authors/<platform>/<handle>``, ``/incidents``, ``/incidents/<id>``)
and their JSON equivalents under ``/api/v1`` read the tables of the ``sustained`` package
through ``sustained.queries``; legal and admin only. Every read is audited. Cross-platform
links are shown as suggestions: nothing here merges two accounts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

from cases.model import OPEN_STATUSES, CaseError
from crawler.exceptions import MamoriError
from portal.app import portal
from portal.guard import audit, require
from sustained import queries
from sustained.config import HARASSMENT

bp = Blueprint("authors", __name__)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CHART_MAX_DAYS = 90
CHART_MIN_DAYS = 14
CHART_MAX_HOURS = 48


# -- reading -------------------------------------------------------------------------------------
def _paging() -> tuple[int, int]:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    size = max(1, min(request.args.get("size", PAGE_SIZE, type=int) or PAGE_SIZE, MAX_PAGE_SIZE))
    return page, size


def _case_status(case_id: int | None) -> dict[str, Any] | None:
    """The case a persistence rule opened (or noted on): id, status, whether it is still open."""
    if case_id is None:
        return None
    from portal.views.desk import case_store

    try:
        case = case_store().get(int(case_id))
    except CaseError:
        return {"id": case_id, "status": "unknown", "open": False}
    return {"id": case.id, "status": case.status, "open": case.status in OPEN_STATUSES}


def author_list() -> dict[str, Any]:
    """One page of authors with the most hits (or the most recent), as the page and API show it."""
    sort = request.args.get("sort") or "hits"
    if sort not in queries.AUTHOR_SORTS:
        abort(400, f"Authors can be sorted by {' or '.join(queries.AUTHOR_SORTS)}, not {sort!r}.")
    page, size = _paging()
    rows, total = queries.author_listing(portal().state, sort=sort, offset=(page - 1) * size, limit=size)
    for row in rows:
        esc = row["escalation"]
        row["case"] = _case_status(esc["case_id"]) if esc else None
    audit("list", "author", "*", f"sort={sort} page={page}")
    return {
        "total": total,
        "sort": sort,
        "page": page,
        "size": size,
        "next_page": page + 1 if page * size < total else None,
        "authors": rows,
    }


def split_author(ref: str) -> tuple[str, str]:
    """``"bluesky:did:plc:x"`` → ``("bluesky", "did:plc:x")`` (platform names hold no colon)."""
    platform, _, key = ref.partition(":")
    return platform, key


def load_author(platform: str, handle: str) -> Any:
    """The author's history, or a redirect when ``handle`` names exactly one author by handle."""
    state = portal().state
    try:
        page = queries.author_page(state, platform, handle)
    except MamoriError:
        keys = queries.author_keys_for_handle(state, platform, handle)
        if len(keys) == 1 and keys[0] != handle:
            endpoint = "authors.author_api" if request.path.startswith("/api/") else "authors.author"
            return redirect(url_for(endpoint, platform=platform, handle=keys[0]))
        abort(
            404,
            f"No harassment hits are recorded for author {handle!r} on {platform!r}; "
            "the authors list shows every recorded author.",
        )
    page["escalation"] = queries.author_escalation(state, platform, page["author"])
    page["case"] = _case_status(page["escalation"]["case_id"]) if page["escalation"] else None
    page["incidents"] = queries.author_incidents(state, platform, page["author"])
    for link in page["possible_same_person"]:
        link["other_platform"], link["other_author"] = split_author(link["other"])
        link["suggestion"] = link["status"] == "suggested"
    audit("read", "author", f"{platform}:{page['author']}")
    return page


def load_incident(incident_id: int) -> dict[str, Any]:
    state = portal().state
    try:
        timeline = queries.incident_timeline(state, incident_id)
        hits = queries.incident_hit_list(state, incident_id)
    except MamoriError:
        abort(404, f"There is no incident {incident_id}.")
    audit("read", "incident", str(incident_id))
    return {**timeline, "hit_list": hits}


def incident_list() -> dict[str, Any]:
    page, size = _paging()
    rows = queries.list_incidents(portal().state)
    audit("list", "incident", "*", f"page={page}")
    return {
        "total": len(rows),
        "page": page,
        "size": size,
        "next_page": page + 1 if page * size < len(rows) else None,
        "incidents": rows[(page - 1) * size : page * size],
    }


# -- charts --------------------------------------------------------------------------------------
def _day(iso: str | None) -> date:
    return datetime.fromisoformat(str(iso)).date()


def author_chart(page: dict[str, Any]) -> Markup:
    """Hits per day, and per label, from the author's first to last hit (at most 90 days shown)."""
    from portal.charts import line_chart

    last = _day(page["last_seen"])
    first = max(_day(page["first_seen"]), last - timedelta(days=CHART_MAX_DAYS - 1))
    first = min(first, last - timedelta(days=CHART_MIN_DAYS - 1))
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    per_day: dict[str, int] = {}
    for hit in page["hits"]:
        key = _day(hit["at"]).isoformat()
        per_day[key] = per_day.get(key, 0) + 1
    series = {"all hits": [per_day.get(d, 0) for d in days]}
    over_time: dict[str, dict[str, int]] = page["labels_over_time"]
    for label in sorted({lb for day in over_time.values() for lb in day} & set(HARASSMENT)):
        series[label] = [over_time.get(d, {}).get(label, 0) for d in days]
    return line_chart("Hits per day", days, series)


def incident_chart(timeline: dict[str, Any]) -> Markup:
    """Hits per 10 minutes of a burst that spans at most 3 hours, else per hour (gaps as zero up
    to 48 hours)."""
    from portal.charts import bar_chart

    times = [datetime.fromisoformat(h["at"]) for h in timeline["hit_list"] if h["at"]]
    if times and max(times) - min(times) <= timedelta(hours=3):
        start = min(times).replace(minute=min(times).minute // 10 * 10, second=0, microsecond=0)
        counts = [0] * (int((max(times) - start).total_seconds() // 600) + 1)
        for t in times:
            counts[int((t - start).total_seconds() // 600)] += 1
        items = [
            ((start + timedelta(minutes=10 * i)).strftime("%m-%d %H:%M"), n) for i, n in enumerate(counts)
        ]
        return bar_chart("Hits per 10 minutes (UTC)", items)
    per_hour: dict[str, int] = timeline["per_hour"]
    hours = sorted(per_hour)
    items = [(h, per_hour[h]) for h in hours]
    if hours:
        start = datetime.strptime(hours[0], "%Y-%m-%dT%H:00Z")
        end = datetime.strptime(hours[-1], "%Y-%m-%dT%H:00Z")
        span = int((end - start).total_seconds() // 3600) + 1
        if span <= CHART_MAX_HOURS:
            keys = [(start + timedelta(hours=i)).strftime("%Y-%m-%dT%H:00Z") for i in range(span)]
            items = [(k, per_hour.get(k, 0)) for k in keys]
    return bar_chart("Hits per hour (UTC)", [(k[5:16].replace("T", " "), n) for k, n in items])


# -- pages ---------------------------------------------------------------------------------------
@bp.get("/authors")
@require("legal", "admin")
def authors() -> Any:
    return render_template("authors.html", listing=author_list(), sorts=queries.AUTHOR_SORTS)


@bp.get("/authors/<platform>/<path:handle>")
@require("legal", "admin")
def author(platform: str, handle: str) -> Any:
    page = load_author(platform, handle)
    if not isinstance(page, dict):
        return page
    return render_template("authors_page.html", a=page, chart=author_chart(page))


@bp.get("/incidents")
@require("legal", "admin")
def incidents() -> Any:
    return render_template("incidents.html", listing=incident_list())


@bp.get("/incidents/<int:incident_id>")
@require("legal", "admin")
def incident(incident_id: int) -> Any:
    timeline = load_incident(incident_id)
    return render_template("incident.html", inc=timeline, chart=incident_chart(timeline))


# -- JSON API ------------------------------------------------------------------------------------
@bp.get("/api/v1/authors")
@require("legal", "admin")
def authors_api() -> Any:
    return jsonify(author_list())


@bp.get("/api/v1/authors/<platform>/<path:handle>")
@require("legal", "admin")
def author_api(platform: str, handle: str) -> Any:
    page = load_author(platform, handle)
    return jsonify(page) if isinstance(page, dict) else page


@bp.get("/api/v1/incidents")
@require("legal", "admin")
def incidents_api() -> Any:
    return jsonify(incident_list())


@bp.get("/api/v1/incidents/<int:incident_id>")
@require("legal", "admin")
def incident_api(incident_id: int) -> Any:
    return jsonify(load_incident(incident_id))
