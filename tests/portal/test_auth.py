"""Sign-in security: password hashing, CSRF, session fixation, throttling, cookie flags, audit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.db import audit, sessions, users
from tests.portal.conftest import PASSWORD, Env

REPO = Path(__file__).resolve().parents[2]


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def test_cli_user_add_stores_an_argon2id_hash_and_the_account_signs_in(portal_env: Env) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "portal",
            "user",
            "add",
            "counsel",
            "--role",
            "legal",
            "--password-stdin",
            "--config",
            str(portal_env.path),
        ],
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "passphrase" not in proc.stdout + proc.stderr
    engine = portal_env.app.extensions["mamori"].state.engine
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.username == "counsel")).scalar_one()
    # argon2id with the production parameters (RFC 9106 low-memory profile), never the password.
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "passphrase" not in stored
    client = portal_env.app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    resp = client.post(
        "/login", data={"username": "counsel", "password": "a long enough passphrase", "csrf_token": token}
    )
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_cli_refuses_bad_accounts_with_a_clear_message(portal_env: Env) -> None:
    def add(*args: str, password: str = "a long enough passphrase") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "crawler.cli",
                "portal",
                "user",
                "add",
                *args,
                "--password-stdin",
                "--config",
                str(portal_env.path),
            ],
            input=password + "\n",
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )

    proc = add("newbie", "--role", "employee")
    assert proc.returncode == 2 and "needs --employee-id" in proc.stderr
    proc = add("ghost", "--role", "employee", "--employee-id", "E999")
    assert proc.returncode == 2 and "not in the roster" in proc.stderr
    proc = add("shorty", "--role", "legal", password="short")
    assert proc.returncode == 2 and "too short" in proc.stderr
    assert "short\n" not in proc.stderr


def test_every_form_needs_the_csrf_token(portal_env: Env) -> None:
    client = portal_env.client("legal")
    # Missing and wrong tokens are refused, and nothing changes.
    for data in ({"hit_id": "5ch:a1"}, {"hit_id": "5ch:a1", "csrf_token": "forged"}):
        resp = client.post("/cases", data=data)
        assert resp.status_code == 403 and "CSRF" in resp.get_data(as_text=True)
    assert (
        "Case"
        not in client.get("/cases").get_data(as_text=True).split("<h1>Cases</h1>")[1].split("</table>")[0]
    )
    # The sign-in form too (login CSRF).
    anon = portal_env.app.test_client()
    resp = anon.post("/login", data={"username": "legal", "password": PASSWORD})
    assert resp.status_code == 403
    # The JSON API needs the header.
    emp = portal_env.client("emp_a")
    resp = emp.post("/api/v1/me/requests", json={"hit_id": "5ch:a1"})
    assert resp.status_code == 403 and resp.get_json()["status"] == 403
    # Another session's token does not work either.
    other = portal_env.client("admin")
    other_token = other.get("/api/v1/me").get_json()["csrf_token"]
    resp = client.post("/cases", data={"hit_id": "5ch:a1", "csrf_token": other_token})
    assert resp.status_code == 403


def test_sign_in_issues_a_new_session_id_and_the_old_one_dies(portal_env: Env) -> None:
    client = portal_env.app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    planted = client.get_cookie("mamori_session")
    assert planted is not None
    before = planted.value
    resp = client.post("/login", data={"username": "legal", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    after = client.get_cookie("mamori_session").value  # type: ignore[union-attr]
    assert after != before
    # An attacker holding the pre-login id gets nothing.
    attacker = portal_env.app.test_client()
    attacker.set_cookie("mamori_session", before)
    assert attacker.get("/api/v1/me").status_code == 401
    # Only hashes are stored, never the cookie value.
    engine = portal_env.app.extensions["mamori"].state.engine
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(sessions.c.token_hash))]
    assert after not in stored and before not in stored
    # Sign-out deletes the session.
    me = client.get("/api/v1/me").get_json()
    client.post("/logout", data={"csrf_token": me["csrf_token"]})
    replay = portal_env.app.test_client()
    replay.set_cookie("mamori_session", after)
    assert replay.get("/api/v1/me").status_code == 401


def test_session_cookie_flags(portal_env: Env) -> None:
    client = portal_env.app.test_client()
    resp = client.get("/login")
    cookie = resp.headers["Set-Cookie"]
    assert (
        "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    )  # cookie_secure = false
    from crawler.config import load_config
    from portal import create_app

    secure_path = portal_env.path.parent / "secure.toml"
    secure_path.write_text(
        portal_env.path.read_text().replace("cookie_secure = false", "cookie_secure = true")
    )
    app = create_app(load_config(secure_path), testing=True)
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]


def test_login_is_throttled_after_repeated_failures(portal_env: Env) -> None:
    client = portal_env.app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    for _ in range(3):  # login_max_failures = 3 in the test configuration
        resp = client.post("/login", data={"username": "legal", "password": "wrong", "csrf_token": token})
        assert resp.status_code == 401 and "wrong" in resp.get_data(as_text=True)
    # Now even the right password is refused for a while, with a clear message.
    resp = client.post("/login", data={"username": "legal", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429 and "Too many failed sign-ins" in resp.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_user_and_open_redirects(portal_env: Env) -> None:
    client = portal_env.app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "nobody", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 401
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        c = portal_env.app.test_client()
        t = _csrf(c.get("/login").get_data(as_text=True))
        resp = c.post(
            "/login", data={"username": "legal", "password": PASSWORD, "csrf_token": t, "next": target}
        )
        assert resp.headers["Location"] == "/"


def test_reads_of_hits_and_cases_are_audited(portal_env: Env) -> None:
    legal = portal_env.client("legal")
    assert legal.get("/hits/5ch:a1").status_code == 200
    token = legal.get("/api/v1/me").get_json()["csrf_token"]
    resp = legal.post("/cases", data={"hit_id": "5ch:a1", "csrf_token": token})
    case_path = resp.headers["Location"]
    assert legal.get(case_path).status_code == 200
    emp = portal_env.client("emp_a")
    assert emp.get("/api/v1/hits/5ch:a1").status_code == 200
    assert emp.get("/hits/5ch:b1").status_code == 404  # not audited as a read: nothing was shown
    engine = portal_env.app.extensions["mamori"].state.engine
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit.c.username, audit.c.action, audit.c.object_type, audit.c.object_id)
        ).all()
    assert ("legal", "read", "hit", "5ch:a1") in rows
    assert ("legal", "read", "case", case_path.rsplit("/", 1)[1]) in rows
    assert ("emp_a", "read", "hit", "5ch:a1") in rows
    assert not [r for r in rows if r[3] == "5ch:b1"]
    admin = portal_env.client("admin")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "emp_a" in page and "5ch:a1" in page


@pytest.mark.parametrize("snippet", ["<img src=x onerror=alert(1)>", "</mark><script>x</script>"])
def test_snippets_render_only_marks(snippet: str) -> None:
    from index.snippets import make_snippet
    from portal.hits import safe_snippet

    html = str(safe_snippet(make_snippet(f"詐欺 {snippet} 詐欺", ["詐欺"])))
    assert "<script>" not in html and "<img" not in html
    assert html.count("<mark>") == html.count("</mark>") == 2


def test_client_address_behind_a_trusted_proxy(tmp_path: Path) -> None:
    from tests.portal.conftest import PORTAL_TOML, build_env, close_env

    env = build_env(tmp_path / "proxy", PORTAL_TOML + "proxy_hops = 1\n")
    try:
        client = env.app.test_client()
        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        token = _csrf(client.get("/login", headers=headers).get_data(as_text=True))
        for _ in range(3):
            client.post(
                "/login", data={"username": "legal", "password": "bad", "csrf_token": token}, headers=headers
            )
        # That address is throttled; another one behind the same proxy is not.
        resp = client.post(
            "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}, headers=headers
        )
        assert resp.status_code == 429
        other = env.app.test_client()
        h2 = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
        t2 = _csrf(other.get("/login", headers=h2).get_data(as_text=True))
        resp = other.post(
            "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": t2}, headers=h2
        )
        assert resp.status_code == 302
        other.get("/hits/5ch:a1", headers=h2)
        with env.app.extensions["mamori"].state.engine.connect() as conn:
            clients = {r[0] for r in conn.execute(select(audit.c.client))}
        assert clients == {"198.51.100.7"}
    finally:
        close_env(env)


def test_cli_passwd_and_disable(portal_env: Env) -> None:
    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "crawler.cli", "portal", "user", *args, "--config", str(portal_env.path)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )

    legal = portal_env.client("legal")
    assert legal.get("/api/v1/me").status_code == 200
    assert cli("disable", "legal").returncode == 0
    assert legal.get("/api/v1/me").status_code == 401  # the live session stops working at once
    assert cli("disable", "nobody").returncode == 2
    assert cli("disable", "legal", "--enable").returncode == 0
    proc = cli("passwd", "legal", "--password-stdin", stdin="a brand new passphrase\n")
    assert proc.returncode == 0, proc.stderr
    client = portal_env.app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    assert (
        client.post(
            "/login", data={"username": "legal", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 401
    )
    ok = client.post(
        "/login", data={"username": "legal", "password": "a brand new passphrase", "csrf_token": token}
    )
    assert ok.status_code == 302
    listing = cli("list").stdout
    assert "legal\tlegal" in listing and "$argon2" not in listing
