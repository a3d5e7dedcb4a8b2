"""The employee's self-check pages. Every query is scoped to the signed-in employee's id."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from crawler.exceptions import MamoriError
from portal.app import portal
from portal.fetch import FetchRefused
from portal.guard import audit, current_user, require
from portal.hits import concerns
from portal.selfcheck import (
    add_name,
    ask_for_help,
    check_url,
    my_hits,
    my_names,
    my_request,
    my_requests,
    remove_name,
)

bp = Blueprint("me", __name__)


def biometric_store() -> Any:
    from media.biometrics import BiometricStore

    return BiometricStore.from_config(portal().config)


def case_status(case_id: int | None) -> str:
    if case_id is None:
        return "waiting for the legal team"
    from cases.model import CaseError
    from cases.store import CaseStore

    try:
        return CaseStore(portal().config, portal().state).get(case_id).status
    except CaseError:
        return "unknown"


def page(check: dict[str, Any] | None = None, error: str = "", status: int = 200, notice: str = "") -> Any:
    user = current_user()
    eid = str(user.employee_id)
    hits = my_hits(portal(), user)
    audit("selfcheck", "hit", "*", f"{len(hits)} hit(s)")
    engine = portal().state.engine
    reqs = my_requests(engine, eid)
    for r in reqs:
        r["case_status"] = case_status(r["case_id"])
    return render_template(
        "me.html",
        hits=hits,
        names=my_names(engine, eid),
        requests=reqs,
        consent=biometric_store().consent_for(eid),
        check=check,
        error=error,
        notice=notice,
        roster=portal().config.employees,
    ), status


@bp.get("/me")
@require("employee")
def selfcheck() -> Any:
    return page()


@bp.post("/me/consent")
@require("employee")
def consent() -> Any:
    user = current_user()
    scope = [s for s in request.form.getlist("scope") if s in ("face", "voice")]
    if not scope:
        return page(error="Choose face, voice or both to give consent.", status=400)
    try:
        biometric_store().record_consent(
            str(user.employee_id),
            scope,
            portal().config.portal.consent_policy_version,
            by=f"self:{user.username}",
        )
    except MamoriError as exc:
        return page(error=str(exc), status=400)
    audit("consent", "employee", str(user.employee_id), ",".join(scope))
    return redirect(url_for("me.selfcheck"))


@bp.post("/me/consent/withdraw")
@require("employee")
def withdraw() -> Any:
    user = current_user()
    counts = biometric_store().delete(str(user.employee_id), by=f"self:{user.username}")
    audit("withdraw", "employee", str(user.employee_id), f"templates erased: {counts}")
    return redirect(url_for("me.selfcheck"))


@bp.post("/me/enrol/<modality>")
@require("employee")
def enrol_upload(modality: str) -> Any:
    from media.errors import ConsentMissing
    from portal.enrol import MODALITIES, enrol

    if modality not in MODALITIES:
        abort(404, "Only face and voice can be enrolled.")
    user = current_user()
    uploads = [(f.filename or "upload", f.read()) for f in request.files.getlist("files") if f]
    if not uploads:
        return page(error="Choose at least one file to enrol.", status=400)
    try:
        added, refused = enrol(biometric_store(), portal().config, str(user.employee_id), modality, uploads)
    except ConsentMissing:
        return page(error=f"Give your consent to {modality} matching first; nothing was stored.", status=400)
    except MamoriError as exc:
        return page(error=str(exc), status=400)
    audit("enrol", "employee", str(user.employee_id), f"{modality}: {added} added, {len(refused)} refused")
    message = f"{added} {modality} template(s) added."
    if refused:
        return page(error=message + " Refused: " + " ".join(refused), status=400)
    return page(notice=message)


@bp.post("/me/names")
@require("employee")
def names_add() -> Any:
    name = " ".join((request.form.get("name") or "").split())[:200]
    if not name:
        return page(error="Type the name or nickname to register.", status=400)
    add_name(portal().state.engine, str(current_user().employee_id), name)
    return redirect(url_for("me.selfcheck"))


@bp.post("/me/names/<int:name_id>/delete")
@require("employee")
def names_remove(name_id: int) -> Any:
    if not remove_name(portal().state.engine, str(current_user().employee_id), name_id):
        abort(404, "There is no such name of yours.")
    return redirect(url_for("me.selfcheck"))


@bp.post("/me/help")
@require("employee")
def help_request() -> Any:
    user = current_user()
    hit_id = request.form.get("hit_id") or ""
    doc = portal().hits.get(hit_id)
    if doc is None or not concerns(doc, user.employee_id):
        abort(404, "There is no such hit, or it does not concern you.")
    row = ask_for_help(portal(), user, hit_id, doc, (request.form.get("message") or "").strip())
    audit("help", "hit", hit_id, f"request {row.get('id')}")
    return redirect(url_for("me.request_view", request_id=row["id"]))


@bp.get("/me/requests/<int:request_id>")
@require("employee")
def request_view(request_id: int) -> Any:
    row = my_request(portal().state.engine, str(current_user().employee_id), request_id)
    if row is None:
        abort(404, "There is no such request of yours.")
    row["case_status"] = case_status(row["case_id"])
    return render_template("request.html", row=row)


@bp.post("/me/check-url")
@require("employee")
def url_check() -> Any:
    url = (request.form.get("url") or "").strip()
    try:
        result = check_url(portal(), current_user(), url)
    except FetchRefused as exc:
        return page(error=str(exc), status=400)
    audit("check-url", "url", result["url"][:500], f"{len(result['findings'])} finding(s)")
    return page(check=result)
