"""Case work beyond the status: evidence verification and takedown drafts (legal, admin)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from cases.model import CaseError
from crawler.exceptions import EvidenceError, MamoriError
from portal.app import portal
from portal.guard import audit, require
from portal.views.desk import case_store

bp = Blueprint("work", __name__)


@bp.post("/evidence/verify")
@require("legal", "admin")
def verify() -> Any:
    from evidence.verify import verify_hit

    hit_id = request.form.get("hit_id") or ""
    if portal().hits.get(hit_id) is None:
        abort(404, "There is no such hit.")
    try:
        reports = verify_hit(portal().config, hit_id)
    except EvidenceError as exc:
        abort(404, str(exc))
    audit("verify", "evidence", hit_id, "ok" if all(r.ok for r in reports) else "FAILED")
    return render_template("verify.html", hit_id=hit_id, reports=reports)


@bp.get("/cases/<int:case_id>/draft/<kind>")
@require("legal", "admin")
def draft(case_id: int, kind: str) -> Any:
    from cases.drafts import KINDS, render_draft

    if kind not in KINDS:
        abort(404, f"There is no draft {kind!r}; use one of {', '.join(KINDS)}.")
    try:
        case = case_store().get(case_id)
    except CaseError:
        abort(404, f"There is no case {case_id}.")
    try:
        text = render_draft(case, portal().config, kind)
    except MamoriError as exc:
        abort(500, str(exc))
    audit("draft", "case", str(case_id), kind)
    return render_template("draft.html", case=case, kind=kind, text=text)


def clocks_of(case: Any) -> list[dict[str, Any]]:
    """The legal clocks of ``case`` for display (empty if the cases package cannot compute them)."""
    from datetime import UTC, datetime

    try:
        from cases.clocks import case_clocks
    except ImportError:
        return []
    tz = portal().config.alerts.legal.timezone
    return [c.to_dict(tz) for c in case_clocks(case, portal().config, datetime.now(UTC))]
