"""The legal desk: search, hit page, cases, help requests, dashboard; admin pages."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import insert, select

from cases.model import STATUSES, CaseError
from crawler.exceptions import IndexBackendError, MamoriError, QuerySyntaxError
from index.base import FACET_FIELDS, SearchRequest
from index.query import parse
from portal.accounts import AccountError
from portal.app import portal
from portal.db import ROLES, saved_searches, utcnow
from portal.db import requests as requests_t
from portal.guard import audit, current_user, require
from portal.hits import highlight, may_see, safe_snippet, view_of

bp = Blueprint("desk", __name__)
SORTS = ("relevance", "newest", "oldest", "severity")


def run_search(q: str, sort: str, after: str | None, size: int = 20) -> Any:
    """Parse ``q`` with the query language and search; raises QuerySyntaxError on bad input."""
    req = parse(q, SearchRequest(sort="relevance" if q.strip() else "newest", size=size, facets=True))
    if sort in SORTS and "sort:" not in q:
        req = dataclasses.replace(req, sort=sort)  # type: ignore[arg-type]  # checked against SORTS
    if after:
        try:
            cursor = json.loads(after)
        except ValueError:
            abort(400, "The page cursor is not valid; start the search again.")
        if not isinstance(cursor, list):
            abort(400, "The page cursor is not valid; start the search again.")
        req = dataclasses.replace(req, search_after=cursor)
    return req, portal().hits.search(req)


@bp.get("/search")
@require("legal", "admin")
def search() -> Any:
    q = request.args.get("q", "")
    sort = request.args.get("sort", "")
    error, result, req, status = "", None, None, 200
    try:
        req, result = run_search(q, sort, request.args.get("after"))
    except QuerySyntaxError as exc:
        error, status = str(exc), 400
    except IndexBackendError as exc:
        error, status = f"The index cannot be searched right now: {exc}", 503
    audit("search", "query", q[:500])
    user = current_user()
    with portal().state.engine.connect() as conn:
        saved = (
            conn.execute(
                select(saved_searches)
                .where(saved_searches.c.user_id == user.id)
                .order_by(saved_searches.c.name)
            )
            .mappings()
            .all()
        )
    next_after = (
        json.dumps(result.next_search_after)
        if result and len(result.hits) >= (req.size if req else 0)
        else ""
    )
    return render_template(
        "search.html",
        q=q,
        sort=sort or (req.effective_sort if req else ""),
        sorts=SORTS,
        error=error,
        result=result,
        snippet=safe_snippet,
        facet_fields=FACET_FIELDS,
        saved=saved,
        next_after=next_after,
    ), status


@bp.post("/searches")
@require("legal", "admin")
def save_search() -> Any:
    name = (request.form.get("name") or "").strip()[:200]
    q = (request.form.get("q") or "").strip()
    if not name:
        abort(400, "Give the saved search a name.")
    try:
        parse(q)
    except QuerySyntaxError as exc:
        abort(400, str(exc))
    with portal().state.begin() as conn:
        conn.execute(
            insert(saved_searches).values(user_id=current_user().id, name=name, query=q, created_at=utcnow())
        )
    return redirect(url_for("desk.search", q=q))


@bp.get("/searches/<int:search_id>/rule")
@require("legal", "admin")
def search_rule(search_id: int) -> Any:
    """A saved search made a live alert rule (a form), or a route to paste into the configuration."""
    from portal.rules import route_toml

    with portal().state.engine.connect() as conn:
        row = (
            conn.execute(
                select(saved_searches).where(
                    saved_searches.c.id == search_id, saved_searches.c.user_id == current_user().id
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        abort(404, "There is no such saved search of yours.")
    return render_template(
        "rule.html",
        name=row["name"],
        query=row["query"],
        toml=route_toml(row["name"], row["query"]),
        routes=[r.name for r in portal().config.alerts.routes],
    )


def load_hit(hit_id: str) -> dict[str, Any]:
    """The hit as the current user may see it; 404 for a hit that is absent *or* not theirs."""
    doc = portal().hits.get(hit_id)
    user = current_user()
    if doc is None or not may_see(user, doc):
        abort(404, "There is no such hit, or it does not concern you.")
    audit("read", "hit", hit_id)
    return view_of(user, doc)


@bp.get("/hits/<path:hit_id>")
@require()
def hit(hit_id: str) -> Any:
    doc = load_hit(hit_id)
    user = current_user()
    captures: list[dict[str, Any]] = []
    cases: list[Any] = []
    if user.role != "employee":
        try:
            from evidence.db import captures as list_captures

            captures = list_captures(portal().state, hit_id)
        except (ImportError, MamoriError):
            captures = []
        cases = case_store().for_hit(hit_id)
    text = str(doc.get("text") or "")
    from portal.views.media import items_for

    return render_template(
        "hit.html",
        doc=doc,
        media=items_for(portal().hits.get(hit_id) or doc),
        text_html=highlight(text, doc.get("findings") or []),
        title_html=highlight(str(doc.get("title") or ""), doc.get("findings") or [], field="title"),
        captures=captures,
        cases=cases,
        employees=portal().config.employees,
    )


def case_store() -> Any:
    from cases.store import CaseStore

    return CaseStore(portal().config, portal().state)


@bp.post("/cases")
@require("legal", "admin")
def open_case() -> Any:
    hit_id = request.form.get("hit_id") or ""
    doc = portal().hits.get(hit_id)
    if doc is None:
        abort(404, "There is no such hit.")
    try:
        case = case_store().open(
            hit_id, actor=current_user().username, reason=request.form.get("reason", ""), doc=doc
        )
    except CaseError as exc:
        abort(409, str(exc))
    audit("open", "case", str(case.id), hit_id)
    return redirect(url_for("desk.case", case_id=case.id))


@bp.get("/cases")
@require("legal", "admin")
def cases() -> Any:
    items = case_store().list()
    audit("list", "case", "*")
    return render_template("cases.html", cases=items)


@bp.get("/cases/<int:case_id>")
@require("legal", "admin")
def case(case_id: int) -> Any:
    store = case_store()
    try:
        item = store.get(case_id)
    except CaseError:
        abort(404, f"There is no case {case_id}.")
    audit("read", "case", str(case_id))
    from cases.drafts import KINDS
    from portal.views.work import clocks_of

    return render_template(
        "case.html",
        case=item,
        events=store.events(case_id),
        statuses=STATUSES,
        clocks=clocks_of(item),
        draft_kinds=KINDS,
    )


@bp.post("/cases/<int:case_id>/<action>")
@require("legal", "admin")
def case_action(case_id: int, action: str) -> Any:
    store = case_store()
    actor = current_user().username
    try:
        store.get(case_id)
        if action == "status":
            store.set_status(
                case_id, request.form.get("status", ""), actor=actor, note=request.form.get("note", "")
            )
        elif action == "note":
            store.note(case_id, request.form.get("note", ""), actor=actor)
        elif action == "assign":
            store.assign(case_id, (request.form.get("assignee") or "").strip()[:200], actor=actor)
        else:
            abort(404, f"There is no case action {action!r}; use status, note or assign.")
    except CaseError as exc:
        abort(400 if "There is no case" not in str(exc) else 404, str(exc))
    audit(action, "case", str(case_id))
    return redirect(url_for("desk.case", case_id=case_id))


@bp.get("/requests")
@require("legal", "admin")
def help_requests() -> Any:
    with portal().state.engine.connect() as conn:
        rows = conn.execute(select(requests_t).order_by(requests_t.c.id.desc()).limit(500)).mappings().all()
    audit("list", "request", "*")
    return render_template("requests.html", rows=rows)


@bp.get("/dashboard")
@require("legal", "admin")
def dashboard() -> Any:
    from portal.charts import dashboard_charts

    return render_template("dashboard.html", charts=dashboard_charts(portal(), case_store()))


@bp.route("/admin/users", methods=["GET", "POST"])
@require("admin")
def users() -> Any:
    accounts = portal().accounts
    error, status = "", 200
    if request.method == "POST":
        try:
            accounts.add(
                (request.form.get("username") or "").strip(),
                request.form.get("password") or "",
                request.form.get("role") or "",
                employee_id=(request.form.get("employee_id") or "").strip() or None,
                display_name=(request.form.get("display_name") or "").strip(),
            )
        except AccountError as exc:
            error, status = str(exc), 400
        else:
            audit("create", "user", request.form.get("username") or "")
            return redirect(url_for("desk.users"))
    return render_template("users.html", users=accounts.list(), roles=ROLES, error=error), status


@bp.get("/admin/audit")
@require("admin")
def audit_log() -> Any:
    return render_template("audit.html", rows=portal().audit.list(limit=500))
