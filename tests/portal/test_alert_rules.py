"""Saved searches become live alert rules in the portal: form and API, CSRF, audit log."""

from __future__ import annotations

import json
import re

from alerts.saved_searches import RuleStore
from tests.portal.conftest import Env, csrf_of


def _rules(env: Env) -> list[tuple[str, str, tuple[str, ...], bool]]:
    store = RuleStore(env.app.extensions["mamori"].state.engine)
    return [(r.name, r.query, r.routes, r.enabled) for r in store.list()]


def test_a_saved_search_becomes_a_live_rule_through_the_form(portal_env: Env) -> None:
    client = portal_env.client("legal")
    token = csrf_of(client)
    client.post("/searches", data={"name": "fraud", "q": "詐欺 label:defamation", "csrf_token": token})
    searched = client.get("/search?q=詐欺").get_data(as_text=True)
    (direct,) = re.findall(r'href="(/alert-rules\?q=[^"]+)"', searched)
    assert 'name="query" value="詐欺"' in client.get(direct).get_data(as_text=True)
    page = client.get("/search").get_data(as_text=True)
    (link,) = re.findall(r'href="(/searches/\d+/rule)"', page)
    form = client.get(link).get_data(as_text=True)
    assert 'action="/alert-rules"' in form and 'value="詐欺 label:defamation"' in form
    assert 'value="legal-desk" checked' in form

    # Without the CSRF token nothing is saved.
    data = {"name": "fraud", "query": "詐欺 label:defamation", "routes": "legal-desk", "enabled": "1"}
    assert client.post("/alert-rules", data=data).status_code == 403
    assert _rules(portal_env) == []

    # A query error is shown in the form with a caret under the offending character.
    bad = client.post("/alert-rules", data={**data, "query": '詐欺 "unclosed', "csrf_token": token})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert 'data-field="query"' in html and "^" in html and 'aria-invalid="true"' in html
    assert 'value="詐欺 &#34;unclosed"' in html or 'value="詐欺 &quot;unclosed"' in html, "the input is kept"
    unknown = client.post("/alert-rules", data={**data, "routes": "nowhere", "csrf_token": token})
    assert unknown.status_code == 400 and "are not configured; choose from legal-desk" in unknown.get_data(
        as_text=True
    )

    resp = client.post("/alert-rules", data={**data, "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/alert-rules")
    assert _rules(portal_env) == [("fraud", "詐欺 label:defamation", ("legal-desk",), True)]
    listing = client.get("/alert-rules").get_data(as_text=True)
    assert "fraud" in listing and 'class="state">enabled' in listing
    (rule_id,) = re.findall(r'data-rule="(\d+)"', listing)

    assert client.post(f"/alert-rules/{rule_id}/disable", data={"csrf_token": token}).status_code == 302
    assert _rules(portal_env)[0][3] is False
    assert 'class="state">disabled' in client.get("/alert-rules").get_data(as_text=True)
    assert client.post(f"/alert-rules/{rule_id}/delete", data={}).status_code == 403, "CSRF"
    assert client.post(f"/alert-rules/{rule_id}/delete", data={"csrf_token": token}).status_code == 302
    assert _rules(portal_env) == []

    actions = [
        (r["action"], r["username"])
        for r in portal_env.app.extensions["mamori"].audit.list(object_id=rule_id)
        if r["object_type"] == "alert_rule"
    ]
    assert actions == [("delete", "legal"), ("disable", "legal"), ("create", "legal")]


def test_the_api_saves_lists_changes_and_deletes_rules(portal_env: Env) -> None:
    client = portal_env.client("admin")
    token = csrf_of(client)
    headers = {"X-CSRF-Token": token}
    body = {"name": "threats", "query": "label:threat severity:high", "routes": ["legal-desk"]}
    denied = client.post("/api/v1/alert-rules", data=json.dumps(body), content_type="application/json")
    assert denied.status_code == 403 and _rules(portal_env) == []

    bad = client.post(
        "/api/v1/alert-rules",
        data=json.dumps({**body, "query": "label:threat since:yesterday"}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400
    err = bad.get_json()
    assert err["field"] == "query" and err["position"] == "label:threat since:yesterday".index("yesterday")

    made = client.post(
        "/api/v1/alert-rules", data=json.dumps(body), content_type="application/json", headers=headers
    )
    assert made.status_code == 201
    rule = made.get_json()
    assert rule["routes"] == ["legal-desk"] and rule["enabled"] is True and rule["created_by"] == "admin"
    listed = client.get("/api/v1/alert-rules").get_json()
    assert [r["name"] for r in listed["rules"]] == ["threats"] and listed["routes"] == ["legal-desk"]

    off = client.patch(
        f"/api/v1/alert-rules/{rule['id']}",
        data=json.dumps({"enabled": False}),
        content_type="application/json",
        headers=headers,
    )
    assert off.status_code == 200 and off.get_json()["enabled"] is False
    wrong = client.patch(
        f"/api/v1/alert-rules/{rule['id']}",
        data=json.dumps({"query": "x"}),
        content_type="application/json",
        headers=headers,
    )
    assert wrong.status_code == 400 and "only the enabled flag" in wrong.get_json()["error"]
    assert client.delete(f"/api/v1/alert-rules/{rule['id']}").status_code == 403, "CSRF"
    gone = client.delete(f"/api/v1/alert-rules/{rule['id']}", headers=headers)
    assert gone.status_code == 200 and _rules(portal_env) == []
    assert client.delete(f"/api/v1/alert-rules/{rule['id']}", headers=headers).status_code == 404


def test_employees_cannot_see_or_make_rules(portal_env: Env) -> None:
    client = portal_env.client("emp_a")
    assert client.get("/alert-rules").status_code == 403
    assert client.get("/api/v1/alert-rules").status_code == 403
    assert "Alert rules" not in client.get("/me").get_data(as_text=True)
