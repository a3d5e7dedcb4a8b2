"""The JSON API (``/api/v1``), described by the OpenAPI document at ``/api/v1/openapi.json``.

It uses the same session cookie as the pages; requests that change something need the
``X-CSRF-Token`` header (the token is in ``GET /api/v1/me`` and in every page).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request

from crawler.exceptions import IndexBackendError, QuerySyntaxError
from portal.app import csrf_token, portal
from portal.guard import audit, current_user, require
from portal.hits import concerns
from portal.openapi import openapi_document
from portal.selfcheck import ask_for_help, my_hits, my_requests
from portal.views.desk import load_hit, run_search

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _hit_summary(hit: Any) -> dict[str, Any]:
    d = hit.doc
    return {
        "id": hit.id,
        "score": hit.score,
        "url": d.get("url"),
        "platform": d.get("platform"),
        "source": d.get("source"),
        "published_at": d.get("published_at"),
        "labels": d.get("labels", []),
        "severity": d.get("severity"),
        "employees": d.get("employees", []),
        "status": d.get("status"),
        "snippet": hit.snippet,
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document())


@bp.get("/me")
@require()
def me() -> Any:
    user = current_user()
    return jsonify(
        {
            "username": user.username,
            "role": user.role,
            "employee_id": user.employee_id,
            "csrf_token": csrf_token(),
        }
    )


@bp.get("/search")
@require("legal", "admin")
def search() -> Any:
    q = request.args.get("q", "")
    size = max(1, min(request.args.get("size", 20, type=int) or 20, 200))
    try:
        _req, result = run_search(q, request.args.get("sort", ""), request.args.get("after"), size=size)
    except QuerySyntaxError as exc:
        abort(400, str(exc))
    except IndexBackendError as exc:
        abort(503, f"The index cannot be searched right now: {exc}")
    audit("search", "query", q[:500])
    return jsonify(
        {
            "total": result.total,
            "hits": [_hit_summary(h) for h in result.hits],
            "facets": result.facets,
            "next_after": result.next_search_after,
        }
    )


@bp.get("/hits/<path:hit_id>")
@require()
def hit(hit_id: str) -> Any:
    return jsonify(load_hit(hit_id))


@bp.get("/me/hits")
@require("employee")
def my_hits_api() -> Any:
    hits = my_hits(portal(), current_user())
    audit("selfcheck", "hit", "*", f"{len(hits)} hit(s)")
    return jsonify({"hits": hits})


@bp.get("/me/requests")
@require("employee")
def my_requests_api() -> Any:
    rows = my_requests(portal().state.engine, str(current_user().employee_id))
    return jsonify({"requests": [{**r, "created_at": r["created_at"].isoformat()} for r in rows]})


@bp.post("/me/requests")
@require("employee")
def create_request() -> Any:
    body = request.get_json(silent=True) or {}
    hit_id = str(body.get("hit_id") or "")
    user = current_user()
    doc = portal().hits.get(hit_id)
    if doc is None or not concerns(doc, user.employee_id):
        abort(404, "There is no such hit, or it does not concern you.")
    row = ask_for_help(portal(), user, hit_id, doc, str(body.get("message") or "").strip())
    audit("help", "hit", hit_id, f"request {row.get('id')}")
    resp = jsonify({**row, "created_at": row["created_at"].isoformat()})
    resp.status_code = 201
    return resp
