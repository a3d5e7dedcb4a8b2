"""The employee self-check: only their hits, consent, names, help requests, URL checks."""

from __future__ import annotations

from pathlib import Path

from cases.store import CaseStore
from media.biometrics import BiometricStore
from portal.selfcheck import registered_names
from tests.portal.conftest import PORTAL_TOML, Env, build_env, close_env
from tests.replay import ReplayServer, Reply


def _token(client: object) -> str:
    return str(client.get("/api/v1/me").get_json()["csrf_token"])  # type: ignore[attr-defined]


def test_employee_sees_only_hits_naming_them_and_only_their_findings(portal_env: Env) -> None:
    a = portal_env.client("emp_a")
    hits = a.get("/api/v1/me/hits").get_json()["hits"]
    assert sorted(h["id"] for h in hits) == ["5ch:a1", "x:ab1"]
    shared = next(h for h in hits if h["id"] == "x:ab1")
    assert [f["employee_id"] for f in shared["findings"]] == ["E001"]
    assert "佐藤" not in shared["text"] and "田中 美咲" in shared["text"]  # B's name is masked
    from portal.accounts import User
    from portal.hits import view_of

    doc = portal_env.app.extensions["mamori"].hits.get("x:ab1")
    doc["title"] = "佐藤 健太と田中 美咲"
    view = view_of(User(1, "emp_a", "employee", "E001", ""), doc)
    assert view["title"] == "●●●●●と田中 美咲"
    assert shared["employees"] == ["E001"]
    b = portal_env.client("emp_b")
    assert sorted(h["id"] for h in b.get("/api/v1/me/hits").get_json()["hits"]) == ["5ch:b1", "x:ab1"]
    page = a.get("/me").get_data(as_text=True)
    assert "5ch:a1" in page and "5ch:b1" not in page and "reddit:c1" not in page
    hit = a.get("/hits/x:ab1").get_data(as_text=True)
    assert "E002" not in hit and "insults E002" not in hit and "●●●●●" in hit


def test_help_request_opens_a_case_and_the_employee_follows_its_status(portal_env: Env) -> None:
    a = portal_env.client("emp_a")
    resp = a.post("/me/help", data={"hit_id": "5ch:a1", "message": "これは私です", "csrf_token": _token(a)})
    assert resp.status_code == 302
    page = a.get(resp.headers["Location"]).get_data(as_text=True)
    assert "new" in page and "これは私です" in page
    store = CaseStore(portal_env.config, portal_env.app.extensions["mamori"].state)
    [case] = store.for_hit("5ch:a1")
    assert case.status == "new" and "E001 asked the legal team for help" in case.reason
    assert store.events(case.id)[0].actor == "employee:emp_a"
    legal = portal_env.client("legal")
    assert "これは私です" in legal.get("/requests").get_data(as_text=True)
    # The legal team works the case; the employee sees the new status.
    t = _token(legal)
    assert (
        legal.post(
            f"/cases/{case.id}/status", data={"status": "takedown_requested", "csrf_token": t}
        ).status_code
        == 302
    )
    assert "takedown_requested" in a.get(resp.headers["Location"]).get_data(as_text=True)
    # A second request on the same hit joins the open case (one case per hit).
    again = a.post(
        "/api/v1/me/requests",
        json={"hit_id": "5ch:a1", "message": "more"},
        headers={"X-CSRF-Token": _token(a)},
    )
    assert again.status_code == 201 and again.get_json()["case_id"] == case.id
    assert [e.action for e in store.events(case.id)][-1] == "note"
    assert len(a.get("/api/v1/me/requests").get_json()["requests"]) == 2
    assert portal_env.client("emp_b").get("/api/v1/me/requests").get_json()["requests"] == []


def test_consent_names_and_withdrawal(portal_env: Env) -> None:
    a = portal_env.client("emp_a")
    store = BiometricStore.from_config(portal_env.config)
    resp = a.post("/me/consent", data={"scope": ["face", "voice"], "csrf_token": _token(a)})
    assert resp.status_code == 302
    consent = store.consent_for("E001")
    assert consent is not None and consent.scope == ("face", "voice") and consent.recorded_by == "self:emp_a"
    assert store.consent_for("E002") is None
    assert a.post("/me/consent", data={"csrf_token": _token(a)}).status_code == 400  # no scope chosen
    assert "face, voice" in a.get("/me").get_data(as_text=True)
    assert a.post("/me/consent/withdraw", data={"csrf_token": _token(a)}).status_code == 302
    assert store.consent_for("E001") is None
    assert store.erasures()[-1]["employee_id"] == "E001"
    a.post("/me/names", data={"name": "  みさ  きち ", "csrf_token": _token(a)})
    a.post("/me/names", data={"name": "Misa-chan", "csrf_token": _token(a)})
    engine = portal_env.app.extensions["mamori"].state.engine
    assert registered_names(engine) == {"E001": ["みさ きち", "Misa-chan"]}
    assert "Misa-chan" in a.get("/me").get_data(as_text=True)
    assert "Misa-chan" not in portal_env.client("emp_b").get("/me").get_data(as_text=True)


def test_url_check_refuses_loopback_without_the_allow_list(portal_env: Env, replay: ReplayServer) -> None:
    replay.add("/post", Reply("<p>田中 美咲は詐欺師</p>", content_type="text/html"))
    a = portal_env.client("emp_a")
    resp = a.post("/me/check-url", data={"url": replay.url("/post"), "csrf_token": _token(a)})
    assert resp.status_code == 400 and "not a public address" in resp.get_data(as_text=True)
    assert replay.hits("/post") == []


def test_url_check_with_the_allow_list_runs_the_detectors(tmp_path: Path, replay: ReplayServer) -> None:
    env = build_env(tmp_path / "p", PORTAL_TOML + 'allowed_fetch_hosts = ["127.0.0.1"]\n')
    try:
        replay.add(
            "/post",
            Reply(
                "<html><title>掲示板</title><body><p>ミナト通信の田中 美咲は詐欺師だ。"
                "佐藤 健太も同罪</p><script>var x = 1;</script></body></html>",
                content_type="text/html; charset=utf-8",
            ),
        )
        a = env.client("emp_a")
        resp = a.post("/me/check-url", data={"url": replay.url("/post"), "csrf_token": _token(a)})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200, page
        assert len(replay.hits("/post")) == 1
        assert "finding(s) about you" in page
        count = int(page.split("(HTTP 200): ")[1].split(" finding")[0])
        assert count >= 1
        assert "E002" not in page and "佐藤" not in page
        # A page with findings goes to the index hand-off queue like a crawled hit.
        from crawler.handoff import pending

        assert pending(env.app.extensions["mamori"].state) == 1
    finally:
        close_env(env)
