"""Saved searches as live alert rules (legal, admin): pages under ``/alert-rules`` and the API.

The rules live in the state database (:mod:`alerts.saved_searches`); the daemon runs every
enabled rule on each batch of hits it indexes and queues an alert per match on the rule's
routes. Every change is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from alerts.saved_searches import RuleError, RuleStore, SavedSearchRule
from portal.app import portal
from portal.guard import audit, current_user, require

bp = Blueprint("rules", __name__)


def store() -> RuleStore:
    return RuleStore(portal().state.engine)


def route_names() -> list[str]:
    return [r.name for r in portal().config.alerts.routes]


def render_rules(
    form: dict[str, Any] | None = None, error: RuleError | None = None, status: int = 200
) -> Any:
    form = form or {
        "name": request.args.get("name", ""),
        "query": request.args.get("q", ""),
        "routes": route_names()[:1],
        "enabled": True,
    }
    return render_template(
        "alert_rules.html", rules=store().list(), routes=route_names(), form=form, error=error
    ), status


def _create(name: str, query: str, routes: list[str], enabled: bool) -> SavedSearchRule:
    rule = store().add(
        portal().config, name=name, query=query, routes=routes, enabled=enabled, by=current_user().username
    )
    audit("create", "alert_rule", str(rule.id), f"{rule.name}: {rule.query} -> {', '.join(rule.routes)}")
    return rule


def _change(rule_id: int, action: str) -> SavedSearchRule:
    rules = store()
    rule = rules.get(rule_id)
    if rule is None:
        abort(404, f"There is no alert rule {rule_id}.")
    if action == "delete":
        rules.delete(rule_id)
    else:
        rules.set_enabled(rule_id, action == "enable")
    audit(action, "alert_rule", str(rule_id), rule.name)
    return rule


@bp.get("/alert-rules")
@require("legal", "admin")
def rules_page() -> Any:
    return render_rules()


@bp.post("/alert-rules")
@require("legal", "admin")
def create_rule() -> Any:
    form: dict[str, Any] = {
        "name": (request.form.get("name") or "").strip(),
        "query": (request.form.get("query") or "").strip(),
        "routes": request.form.getlist("routes"),
        "enabled": bool(request.form.get("enabled")),
    }
    try:
        _create(form["name"], form["query"], form["routes"], form["enabled"])
    except RuleError as exc:
        return render_rules(form, exc, 400)
    return redirect(url_for("rules.rules_page"))


@bp.post("/alert-rules/<int:rule_id>/<any(enable, disable, delete):action>")
@require("legal", "admin")
def change_rule(rule_id: int, action: str) -> Any:
    _change(rule_id, action)
    return redirect(url_for("rules.rules_page"))


@bp.get("/api/v1/alert-rules")
@require("legal", "admin")
def list_rules_api() -> Any:
    return jsonify({"rules": [r.to_dict() for r in store().list()], "routes": route_names()})


@bp.post("/api/v1/alert-rules")
@require("legal", "admin")
def create_rule_api() -> Any:
    body = request.get_json(silent=True) or {}
    routes = body.get("routes") or []
    if isinstance(routes, str):
        routes = [routes]
    try:
        rule = _create(
            str(body.get("name") or ""),
            str(body.get("query") or ""),
            [str(r) for r in routes],
            bool(body.get("enabled", True)),
        )
    except RuleError as exc:
        resp = jsonify({"error": str(exc), "status": 400, "field": exc.field, "position": exc.position})
        resp.status_code = 400
        return resp
    resp = jsonify(rule.to_dict())
    resp.status_code = 201
    return resp


@bp.patch("/api/v1/alert-rules/<int:rule_id>")
@require("legal", "admin")
def patch_rule_api(rule_id: int) -> Any:
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("enabled"), bool):
        abort(400, 'Send {"enabled": true} or {"enabled": false}; only the enabled flag can be changed.')
    _change(rule_id, "enable" if body["enabled"] else "disable")
    return jsonify(store().get(rule_id).to_dict())  # type: ignore[union-attr]


@bp.delete("/api/v1/alert-rules/<int:rule_id>")
@require("legal", "admin")
def delete_rule_api(rule_id: int) -> Any:
    _change(rule_id, "delete")
    return jsonify({"deleted": rule_id})
