"""The application factory: ``create_app(config)`` wires the stores into a new Flask app.

Everything the requests share (the state database engine, the accounts, the sessions, the
read-only index handle) hangs off ``app.extensions["mamori"]``; there is no module-level
state, so two apps in one process (tests) never share anything.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, g, jsonify, redirect, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from crawler.state import State
from portal.accounts import Accounts, fast_test_hasher
from portal.audit import Audit
from portal.hits import HitReader
from portal.sessions import SessionStore, csrf_ok

logger = logging.getLogger("mamori.portal")
COOKIE = "mamori_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Portal:
    config: Any
    state: State
    accounts: Accounts
    sessions: SessionStore
    hits: HitReader
    audit: Audit
    secret_key: str


def portal() -> Portal:
    from flask import current_app

    return current_app.extensions["mamori"]  # type: ignore[no-any-return]


def create_app(config: Any, *, testing: bool = False) -> Flask:
    pc = config.portal
    app = Flask(__name__, static_folder="static", template_folder="templates")
    secret = pc.secret_key or secrets.token_hex(32)
    if not pc.secret_key:
        logger.warning("[portal] secret_key is not set; a random key is used for this process.")
    # Uploads (enrolment photos and clips) up to the media limit, 50 MB at most.
    max_upload = max(1_000_000, min(int(config.media.max_bytes), 50_000_000))
    app.config.update(SECRET_KEY=secret, TESTING=testing, MAX_CONTENT_LENGTH=max_upload, JSON_SORT_KEYS=False)
    state = State.from_config(config)
    ctx = Portal(
        config=config,
        state=state,
        accounts=Accounts(
            state.engine,
            max_failures=pc.login_max_failures,
            window_minutes=pc.login_window_minutes,
            hasher=fast_test_hasher() if testing else None,
        ),
        sessions=SessionStore(state.engine, hours=pc.session_hours),
        hits=HitReader(config, state.engine),
        audit=Audit(state.engine),
        secret_key=secret,
    )
    app.extensions["mamori"] = ctx
    if pc.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = pc.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.before_request(_load_session)
    app.after_request(_finish)
    app.register_error_handler(HTTPException, _http_error)
    app.jinja_env.globals.update(csrf_token=csrf_token)
    app.jinja_env.autoescape = True

    from portal.views import alert_rules, api, auth, authors, desk, me, media, ops, work

    for module in (auth, desk, me, api, ops, work, alert_rules, media, authors):
        app.register_blueprint(module.bp)

    @app.get("/")
    def home() -> Response:
        user = g.get("user")
        if user is None:
            return redirect(url_for("auth.login"))
        return redirect(url_for("me.selfcheck" if user.role == "employee" else "desk.search"))

    return app


def client_address() -> str:
    return request.remote_addr or "unknown"


def _load_session() -> Response | None:
    ctx = portal()
    g.session = ctx.sessions.load(request.cookies.get(COOKIE))
    g.new_cookie = None
    g.clear_cookie = False
    g.user = None
    if g.session is not None and g.session.user_id is not None:
        g.user = ctx.accounts.get(g.session.user_id)
    if request.method in UNSAFE and not request.path.startswith("/static/"):
        submitted = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token")
        if not csrf_ok(g.session, submitted):
            return _deny(
                403,
                "The form has expired or did not come from this site (CSRF check failed); "
                "reload the page and try again.",
            )
    return None


def csrf_token() -> str:
    """The session's CSRF token; makes an anonymous session if there is none yet."""
    if g.get("session") is None:
        start_session(None)
    return str(g.session.csrf)


def start_session(user_id: int | None) -> None:
    """A fresh session (new id) for ``user_id``; the old session, if any, is deleted."""
    ctx = portal()
    old = g.get("session")
    if old is not None:
        ctx.sessions.delete_hash(old.token_hash)
    token, sess = ctx.sessions.create(user_id)
    g.session = sess
    g.new_cookie = token
    g.user = ctx.accounts.get(user_id) if user_id is not None else None


def end_session() -> None:
    old = g.get("session")
    if old is not None:
        portal().sessions.delete_hash(old.token_hash)
    g.session = None
    g.user = None
    g.clear_cookie = True


def _finish(response: Response) -> Response:
    pc = portal().config.portal
    if g.get("new_cookie"):
        response.set_cookie(
            COOKIE,
            g.new_cookie,
            httponly=True,
            secure=pc.cookie_secure,
            samesite="Lax",
            path="/",
            max_age=int(pc.session_hours * 3600),
        )
    elif g.get("clear_cookie"):
        response.delete_cookie(COOKIE, path="/", httponly=True, secure=pc.cookie_secure, samesite="Lax")
    h = response.headers
    h.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "no-referrer")
    if not request.path.startswith("/static/"):
        h.setdefault("Cache-Control", "no-store")
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _deny(code: int, message: str) -> Response:
    from flask import render_template

    if wants_json():
        resp = jsonify({"error": message, "status": code})
        resp.status_code = code
        return resp
    return Response(
        render_template("error.html", code=code, message=message),
        status=code,
        content_type="text/html; charset=utf-8",
    )


def _http_error(exc: HTTPException) -> Response:
    if exc.code in (301, 302, 303, 307, 308):
        return exc.get_response()
    return _deny(exc.code or 500, exc.description or exc.name)
