"""Sign-in and sign-out (local accounts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from portal.accounts import LoginThrottled
from portal.app import client_address, end_session, portal, start_session

bp = Blueprint("auth", __name__)


def _safe_next(value: str | None) -> str | None:
    """Only same-site paths; never ``//host`` or a scheme."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = ""
    status = 200
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        try:
            user = portal().accounts.authenticate(username, password, client=client_address())
        except LoginThrottled as exc:
            error, status, user = str(exc), 429, None
        else:
            if user is None:
                error, status = "The user name or the password is wrong.", 401
        if user is not None:
            start_session(user.id)
            target = _safe_next(request.form.get("next"))
            return redirect(target or url_for("home"))
    elif g.get("user") is not None:
        return redirect(url_for("home"))
    body = render_template(
        "login.html",
        error=error,
        next=_safe_next(request.values.get("next")) or "",
        oidc=portal().config.portal.oidc.enabled,
    )
    return body, status


@bp.get("/login/oidc")
def oidc_start() -> Any:
    from portal.app import csrf_token
    from portal.oidc import OIDCError, start

    oidc = portal().config.portal.oidc
    if not oidc.enabled:
        abort(404, "OpenID Connect sign-in is not configured ([portal.oidc] enabled = false).")
    csrf_token()  # makes sure an (anonymous) session exists to hold the state
    try:
        url, saved = start(oidc, url_for("auth.oidc_callback", _external=True))
    except OIDCError as exc:
        abort(502, str(exc))
    portal().sessions.set_data(g.session.token_hash, saved)
    return redirect(url)


@bp.get("/login/oidc/callback")
def oidc_callback() -> Any:
    import secrets

    from portal.oidc import OIDCError, finish

    oidc = portal().config.portal.oidc
    if not oidc.enabled:
        abort(404, "OpenID Connect sign-in is not configured ([portal.oidc] enabled = false).")
    saved = (g.session.data or {}) if g.get("session") is not None else {}
    state = request.args.get("state", "")
    if not saved.get("oidc_state") or not secrets.compare_digest(saved["oidc_state"], state):
        abort(400, "This sign-in link does not belong to this browser session; start the sign-in again.")
    portal().sessions.set_data(g.session.token_hash, {})  # one use only
    if request.args.get("error"):
        abort(401, f"The identity provider refused the sign-in: {request.args.get('error')}.")
    try:
        claims = finish(oidc, request.args.get("code", ""), saved)
    except OIDCError as exc:
        abort(401, str(exc))
    username = str(claims.get(oidc.username_claim) or "")
    user = portal().accounts.by_username(username) if username else None
    if user is None:
        abort(
            403,
            f"There is no mamori account for {username or 'this identity'}; ask an administrator to add one.",
        )
    start_session(user.id)
    return redirect(url_for("home"))


@bp.post("/logout")
def logout() -> Any:
    end_session()
    return redirect(url_for("auth.login"))
