"""The OpenAPI 3.1 document of the JSON API (written by hand; tests check it lists every API route)."""

from __future__ import annotations

from typing import Any

_ERR = {
    "description": "Error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _op(
    summary: str,
    roles: str,
    *,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    ok: str = "200",
    schema: str = "Object",
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "description": f"Roles: {roles}.",
        "parameters": params or [],
        "responses": {
            ok: {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
            },
            "401": _ERR,
            "403": _ERR,
            "404": _ERR,
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        op["parameters"].append(
            {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"}}
        )
    return op


def _q(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": kind},
    }


def _path(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "mamori portal API", "version": "1"},
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "mamori_session"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                },
                "Object": {"type": "object"},
            },
        },
        "security": [{"session": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {**_op("This document", "anyone"), "security": []}},
            "/api/v1/me": {"get": _op("The signed-in user and the CSRF token", "any signed-in user")},
            "/api/v1/search": {
                "get": _op(
                    "Search hits with the query language (facets and highlighted snippets)",
                    "legal, admin",
                    params=[
                        _q("q", "query, e.g. 詐欺 label:defamation since:30d"),
                        _q("sort", "relevance, newest, oldest or severity"),
                        _q("size", "hits per page (1-200)", "integer"),
                        _q("after", "next_after of the previous page (JSON)"),
                    ],
                )
            },
            "/api/v1/hits/{hit_id}": {
                "get": _op(
                    "One hit (an employee gets only hits naming them, with only their findings)",
                    "any signed-in user",
                    params=[{"name": "hit_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                )
            },
            "/api/v1/alert-rules": {
                "get": _op("Saved-search alert rules and the configured route names", "legal, admin"),
                "post": _op(
                    "Save a search as a live alert rule (the query is validated; a 400 gives field and position)",
                    "legal, admin",
                    ok="201",
                    body={
                        "type": "object",
                        "required": ["name", "query", "routes"],
                        "properties": {
                            "name": {"type": "string"},
                            "query": {"type": "string"},
                            "routes": {"type": "array", "items": {"type": "string"}},
                            "enabled": {"type": "boolean"},
                        },
                    },
                ),
            },
            "/api/v1/alert-rules/{rule_id}": {
                "patch": _op(
                    "Enable or disable an alert rule",
                    "legal, admin",
                    params=[_path("rule_id", "integer")],
                    body={
                        "type": "object",
                        "required": ["enabled"],
                        "properties": {"enabled": {"type": "boolean"}},
                    },
                ),
                "delete": _op("Delete an alert rule", "legal, admin", params=[_path("rule_id", "integer")]),
            },
            "/api/v1/authors": {
                "get": _op(
                    "Authors with harassment hits (count, first and last seen, escalation and its case), paged",
                    "legal, admin",
                    params=[
                        _q("sort", "hits (default) or last_seen, both descending"),
                        _q("page", "page number, from 1", "integer"),
                        _q("size", "authors per page (1-200, default 50)", "integer"),
                    ],
                )
            },
            "/api/v1/authors/{platform}/{handle}": {
                "get": _op(
                    "An author's history: hits, labels per day, escalation and case, burst incidents, "
                    "suggested cross-platform links (suggestions only, never merged)",
                    "legal, admin",
                    params=[
                        _path("platform"),
                        {
                            **_path("handle"),
                            "description": "the author key of the authors list (the platform's account id, "
                            "else the handle); a handle that names one author redirects to it",
                        },
                    ],
                )
            },
            "/api/v1/incidents": {
                "get": _op(
                    "Burst incidents, newest first, with status and size, paged",
                    "legal, admin",
                    params=[
                        _q("page", "page number, from 1", "integer"),
                        _q("size", "incidents per page (1-200, default 50)", "integer"),
                    ],
                )
            },
            "/api/v1/incidents/{incident_id}": {
                "get": _op(
                    "One incident: status, hits per hour, top authors and phrases, its hits (hit_list)",
                    "legal, admin",
                    params=[_path("incident_id", "integer")],
                )
            },
            "/api/v1/me/hits": {"get": _op("The hits naming the signed-in employee", "employee")},
            "/api/v1/me/requests": {
                "get": _op("The employee's requests for help", "employee"),
                "post": _op(
                    "Ask the legal team for help on a hit (opens a case)",
                    "employee",
                    ok="201",
                    body={
                        "type": "object",
                        "required": ["hit_id"],
                        "properties": {"hit_id": {"type": "string"}, "message": {"type": "string"}},
                    },
                ),
            },
        },
    }
