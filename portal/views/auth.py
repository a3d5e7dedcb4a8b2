"""Sign-in and sign-out (local accounts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

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


@bp.post("/logout")
def logout() -> Any:
    end_session()
    return redirect(url_for("auth.login"))
