"""The authorization matrix: every route and API endpoint x every role.

Outcomes: ``ok`` (authorized: 2xx, a redirect elsewhere than sign-in, or a 400/409 about the
input), ``login`` (anonymous: redirect to sign-in, or 401 on the API), ``forbidden`` (403,
wrong role) and ``hidden`` (404: not found *or* not theirs, so ids cannot be probed).
Employee A is E001 and employee B is E002; A can never read B's hits, requests or names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from portal.selfcheck import add_name, ask_for_help, my_names
from tests.portal.conftest import (
    CAPTURE_TOML,
    PASSWORD,
    Env,
    build_env,
    capture,
    close_env,
    login,
    media_site,
)

ROLES = ("anon", "emp_a", "emp_b", "legal", "admin")
PUBLIC = dict.fromkeys(ROLES, "ok")
STAFF = {"anon": "login", "emp_a": "forbidden", "emp_b": "forbidden", "legal": "ok", "admin": "ok"}
ADMIN = {**STAFF, "legal": "forbidden"}
EMPLOYEE = {"anon": "login", "emp_a": "ok", "emp_b": "ok", "legal": "forbidden", "admin": "forbidden"}
SIGNED_IN = {"anon": "login", "emp_a": "ok", "emp_b": "ok", "legal": "ok", "admin": "ok"}


def only(a: str, b: str, staff: str = "ok") -> dict[str, str]:
    return {"anon": "login", "emp_a": a, "emp_b": b, "legal": staff, "admin": staff}


# (method, path template, form/json body, expected by role). {A_REQ}, {B_REQ}, {A_NAME},
# {B_NAME}, {CASE} are filled from the fixture's data.
MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]] = [
    ("GET", "/", None, {**SIGNED_IN, "anon": "login"}),
    ("GET", "/login", None, PUBLIC),
    ("POST", "/login", {"username": "legal", "password": PASSWORD}, PUBLIC),
    # OIDC is off in this configuration (tests/portal/test_oidc.py covers it switched on).
    ("GET", "/login/oidc", None, dict.fromkeys(ROLES, "hidden")),
    ("GET", "/login/oidc/callback?code=x&state=y", None, dict.fromkeys(ROLES, "hidden")),
    ("POST", "/logout", {}, dict.fromkeys(ROLES, "login")),
    ("GET", "/static/portal.css", None, PUBLIC),
    ("GET", "/healthz", None, PUBLIC),
    ("GET", "/metrics", None, PUBLIC),
    ("GET", "/api/v1/openapi.json", None, PUBLIC),
    # legal desk
    ("GET", "/search?q=詐欺", None, STAFF),
    ("POST", "/searches", {"name": "fraud", "q": "詐欺 label:defamation"}, STAFF),
    ("GET", "/searches/{SAVED}/rule", None, {**STAFF, "admin": "hidden"}),  # legal's own search only
    ("GET", "/hits/5ch:a1", None, only("ok", "hidden")),
    ("GET", "/hits/5ch:b1", None, only("hidden", "ok")),
    ("GET", "/hits/x:ab1", None, only("ok", "ok")),
    ("GET", "/hits/reddit:c1", None, only("hidden", "hidden")),
    ("GET", "/hits/5ch:zz-guess", None, only("hidden", "hidden", "hidden")),
    ("POST", "/cases", {"hit_id": "reddit:c1"}, STAFF),
    ("GET", "/cases", None, STAFF),
    ("GET", "/cases/{CASE}", None, STAFF),
    ("GET", "/cases/99999", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("POST", "/cases/{CASE}/note", {"note": "called the platform"}, STAFF),
    ("POST", "/cases/{CASE}/assign", {"assignee": "legal"}, STAFF),
    ("POST", "/cases/{CASE}/status", {"status": "triaged"}, STAFF),
    ("GET", "/cases/{CASE}/draft/jp", None, STAFF),
    ("GET", "/cases/{CASE}/draft/nope", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    # 5ch:a1 has a real capture (see shared_env below); 5ch:b1 has none.
    ("POST", "/evidence/verify", {"hit_id": "5ch:a1"}, STAFF),
    ("POST", "/evidence/verify", {"hit_id": "5ch:b1"}, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    # media thumbnails from the capture: as the hit page; posts without media hide every item
    ("GET", "/hits/5ch:a1/media/0/thumb", None, only("ok", "hidden")),
    ("GET", "/hits/5ch:a1/media/7/thumb", None, only("hidden", "hidden", "hidden")),
    ("GET", "/hits/5ch:b1/media/0/thumb", None, only("hidden", "hidden", "hidden")),
    ("GET", "/hits/reddit:c1/media/0/thumb", None, only("hidden", "hidden", "hidden")),
    ("GET", "/hits/5ch:zz-guess/media/0/thumb", None, only("hidden", "hidden", "hidden")),
    # saved-search alert rules
    ("GET", "/alert-rules", None, STAFF),
    ("POST", "/alert-rules", {"name": "threats", "query": "label:threat", "routes": "legal-desk"}, STAFF),
    ("POST", "/alert-rules", {"name": "bad", "query": 'label:threat "open', "routes": "legal-desk"}, STAFF),
    ("POST", "/alert-rules/{RULE}/disable", {}, STAFF),
    ("POST", "/alert-rules/{RULE}/enable", {}, STAFF),
    ("POST", "/alert-rules/{RULE_DEL}/delete", {}, {**STAFF, "admin": "hidden"}),  # legal deleted it
    ("POST", "/alert-rules/99999/disable", {}, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("GET", "/requests", None, STAFF),
    ("GET", "/dashboard", None, STAFF),
    # sustained harassment: authors and burst incidents (the engine ran over the seeded hits)
    ("GET", "/authors", None, STAFF),
    ("GET", "/authors?sort=last_seen&page=2", None, STAFF),
    ("GET", "/authors?sort=nope", None, STAFF),  # 400 after authorization
    ("GET", "/authors/5ch/anon1", None, STAFF),
    ("GET", "/authors/5ch/anon2", None, STAFF),
    ("GET", "/authors/x/troll", None, STAFF),
    ("GET", "/authors/5ch/zz-guess", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("GET", "/authors/bluesky/did:plc:zz/guess", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("GET", "/incidents", None, STAFF),
    ("GET", "/incidents/{INCIDENT}", None, STAFF),
    ("GET", "/incidents/99999", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("GET", "/admin/users", None, ADMIN),
    ("POST", "/admin/users", {"username": "x", "password": "short", "role": "legal"}, ADMIN),
    ("GET", "/admin/audit", None, ADMIN),
    # employee self-check
    ("GET", "/me", None, EMPLOYEE),
    ("POST", "/me/consent", {"scope": "face"}, EMPLOYEE),
    ("POST", "/me/consent/withdraw", {}, EMPLOYEE),
    ("POST", "/me/names", {"name": "みさきち"}, EMPLOYEE),
    ("POST", "/me/enrol/face", {}, EMPLOYEE),  # no file: 400 after authorization
    ("POST", "/me/enrol/iris", {}, {**EMPLOYEE, "emp_a": "hidden", "emp_b": "hidden"}),
    ("POST", "/me/names/{A_NAME}/delete", {}, {**EMPLOYEE, "emp_b": "hidden"}),
    ("POST", "/me/names/{B_NAME}/delete", {}, {**EMPLOYEE, "emp_a": "hidden"}),
    ("POST", "/me/help", {"hit_id": "5ch:a1"}, {**EMPLOYEE, "emp_b": "hidden"}),
    ("POST", "/me/help", {"hit_id": "5ch:b1"}, {**EMPLOYEE, "emp_a": "hidden"}),
    ("POST", "/me/help", {"hit_id": "reddit:c1"}, {**EMPLOYEE, "emp_a": "hidden", "emp_b": "hidden"}),
    ("GET", "/me/requests/{A_REQ}", None, {**EMPLOYEE, "emp_b": "hidden"}),
    ("GET", "/me/requests/{B_REQ}", None, {**EMPLOYEE, "emp_a": "hidden"}),
    ("GET", "/me/requests/99999", None, {**EMPLOYEE, "emp_a": "hidden", "emp_b": "hidden"}),
    ("POST", "/me/check-url", {"url": "http://10.0.0.1/"}, EMPLOYEE),
    # JSON API
    ("GET", "/api/v1/me", None, SIGNED_IN),
    ("GET", "/api/v1/search?q=詐欺", None, STAFF),
    ("GET", "/api/v1/hits/5ch:a1", None, only("ok", "hidden")),
    ("GET", "/api/v1/hits/5ch:b1", None, only("hidden", "ok")),
    ("GET", "/api/v1/hits/reddit:c1", None, only("hidden", "hidden")),
    ("GET", "/api/v1/me/hits", None, EMPLOYEE),
    ("GET", "/api/v1/me/requests", None, EMPLOYEE),
    ("POST", "/api/v1/me/requests", {"hit_id": "x:ab1", "message": "help"}, EMPLOYEE),
    ("POST", "/api/v1/me/requests", {"hit_id": "5ch:b1"}, {**EMPLOYEE, "emp_a": "hidden"}),
    ("GET", "/api/v1/authors", None, STAFF),
    ("GET", "/api/v1/authors?sort=last_seen&size=1&page=2", None, STAFF),
    ("GET", "/api/v1/authors/5ch/anon1", None, STAFF),
    ("GET", "/api/v1/authors/5ch/anon2", None, STAFF),
    ("GET", "/api/v1/authors/5ch/zz-guess", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("GET", "/api/v1/incidents", None, STAFF),
    ("GET", "/api/v1/incidents/{INCIDENT}", None, STAFF),
    ("GET", "/api/v1/incidents/99999", None, {**STAFF, "legal": "hidden", "admin": "hidden"}),
    ("GET", "/api/v1/alert-rules", None, STAFF),
    ("POST", "/api/v1/alert-rules", {"name": "t", "query": "label:threat", "routes": ["legal-desk"]}, STAFF),
    ("PATCH", "/api/v1/alert-rules/{RULE}", {"enabled": False}, STAFF),
    (
        "PATCH",
        "/api/v1/alert-rules/99999",
        {"enabled": True},
        {**STAFF, "legal": "hidden", "admin": "hidden"},
    ),
    ("DELETE", "/api/v1/alert-rules/{RULE_API_DEL}", None, {**STAFF, "admin": "hidden"}),
]


SMALL_BURSTS = """
[sustained.bursts]
min_hits = 2
min_authors = 2
window_minutes = 2880
"""
"""Two hits from two authors within two days make a burst, so the seeded hits give incidents."""


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """The portal over a local site, with a real evidence capture of 5ch:a1 (and its image)."""
    site = media_site()
    env = build_env(tmp_path_factory.mktemp("portal"), CAPTURE_TOML + SMALL_BURSTS, base=site.base_url)
    capture(env, "5ch:a1")
    yield env
    close_env(env)
    site.stop()


@pytest.fixture(scope="module")
def data(shared_env: Env) -> dict[str, Any]:
    from cases.store import CaseStore
    from portal.accounts import Accounts

    portal = shared_env.app.extensions["mamori"]
    engine = portal.state.engine
    accounts = Accounts(engine)
    a, b = accounts.by_username("emp_a"), accounts.by_username("emp_b")
    assert a and b
    a_req = ask_for_help(portal, a, "5ch:a1", portal.hits.get("5ch:a1"), "please")
    b_req = ask_for_help(portal, b, "5ch:b1", portal.hits.get("5ch:b1"), "help me")
    add_name(engine, "E001", "みさきち")
    add_name(engine, "E002", "けんた")
    names = {n["name"]: n["id"] for n in my_names(engine, "E001") + my_names(engine, "E002")}
    case = CaseStore(shared_env.config, portal.state).list()[0]
    from sqlalchemy import insert

    from portal.db import saved_searches, utcnow

    legal = accounts.by_username("legal")
    assert legal
    with portal.state.begin() as conn:
        saved = conn.execute(
            insert(saved_searches).values(
                user_id=legal.id, name="threats", query="label:threat severity:high", created_at=utcnow()
            )
        ).inserted_primary_key[0]
    from alerts.saved_searches import RuleStore

    rules = RuleStore(engine)
    rule_ids = [
        rules.add(shared_env.config, name=n, query="label:threat", routes=["legal-desk"], by="legal").id
        for n in ("threats", "to delete", "to delete by API")
    ]
    # The real sustained engine over the seeded hits, oldest first (as the index writer runs it).
    from sustained.engine import SustainedEngine
    from sustained.queries import list_incidents

    docs = [portal.hits.get(i) for i in ("reddit:c1", "x:ab1", "5ch:b1", "5ch:a1")]
    SustainedEngine(shared_env.config, portal.state).process([d for d in docs if d])
    incidents = list_incidents(portal.state)
    assert incidents, "the seeded hits should make at least one burst incident"
    return {
        "INCIDENT": incidents[0]["id"],
        "RULE": rule_ids[0],
        "RULE_DEL": rule_ids[1],
        "RULE_API_DEL": rule_ids[2],
        "A_REQ": a_req["id"],
        "B_REQ": b_req["id"],
        "A_NAME": names["みさきち"],
        "B_NAME": names["けんた"],
        "CASE": case.id,
        "SAVED": saved,
    }


def outcome(resp: Any) -> str:
    code = resp.status_code
    if code >= 500:
        return f"error {code}"
    if code == 401 or (code == 302 and "/login" in resp.headers.get("Location", "")):
        return "login"
    if code == 403:
        return "forbidden"
    if code == 404:
        return "hidden"
    return "ok"


@pytest.fixture(scope="module")
def clients() -> dict[str, tuple[Any, str]]:
    """Signed-in clients, one per role, reused by the rows that do not sign in or out."""
    return {}


def client_for(env: Env, role: str) -> tuple[Any, str]:
    client = env.app.test_client()
    if role != "anon":
        login(client, role)
        token = client.get("/api/v1/me").get_json()["csrf_token"]
    else:
        import re

        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return client, token


CASES = [(m, p, body, role, expected[role]) for m, p, body, expected in MATRIX for role in ROLES]


@pytest.mark.parametrize(
    ("method", "path", "body", "role", "expected"), CASES, ids=[f"{m} {p} {r}" for m, p, _b, r, _e in CASES]
)
def test_route_authorization(
    shared_env: Env,
    data: dict[str, Any],
    clients: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    role: str,
    expected: str,
) -> None:
    if path in ("/login", "/logout"):
        client, token = client_for(shared_env, role)
    else:
        if role not in clients:
            clients[role] = client_for(shared_env, role)
        client, token = clients[role]
    url = path.format(**data)
    if method == "GET":
        resp = client.get(url)
    elif url.startswith("/api/"):
        resp = client.open(
            url,
            method=method,
            data=json.dumps(body),
            content_type="application/json",
            headers={"X-CSRF-Token": token},
        )
    else:
        resp = client.post(url, data={**(body or {}), "csrf_token": token})
    assert outcome(resp) == expected, (method, url, role, resp.status_code, resp.get_data(as_text=True)[:400])
    if role == "emp_a" and resp.status_code == 200 and not resp.mimetype.startswith("image/"):
        text = resp.get_data(as_text=True)
        # Nothing of employee B ever reaches employee A: not B's id, name, findings or requests.
        for secret in ("E002", "佐藤 健太は", "住所を晒す", "threat against E002", "help me", "けんた"):
            assert secret not in text, (url, secret)


def test_matrix_covers_every_route(shared_env: Env) -> None:
    """A new route without a row in MATRIX fails here."""
    import re

    covered = set()
    adapter = shared_env.app.url_map.bind("localhost")
    for method, path, _body, _exp in MATRIX:
        concrete = re.sub(r"\{[A-Z_]+\}", "1", path.split("?")[0])
        endpoint, _args = adapter.match(concrete, method=method)
        covered.add((endpoint, method))
    routes = {
        (rule.endpoint, method)
        for rule in shared_env.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}  # type: ignore[operator]
    }
    assert routes - covered == set()


def test_openapi_lists_every_api_route(shared_env: Env) -> None:
    doc = shared_env.app.test_client().get("/api/v1/openapi.json").get_json()
    api_rules = {
        re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for rule in shared_env.app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert api_rules == set(doc["paths"])
