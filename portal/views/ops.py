"""Health and Prometheus metrics (no session needed; ``/metrics`` may need a bearer token)."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from portal.app import portal
from portal.metrics import health, prometheus_text

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    report = health(portal())
    resp = jsonify(report)
    resp.status_code = 200 if report["status"] == "ok" else 503
    return resp


@bp.get("/metrics")
def metrics() -> Any:
    token = portal().config.portal.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            abort(401, "The metrics need 'Authorization: Bearer <[portal] metrics_token>'.")
    return Response(prometheus_text(portal()), content_type="text/plain; version=0.0.4; charset=utf-8")
