"""OpenID Connect sign-in against a real identity provider served on 127.0.0.1.

The provider below is small but real: discovery, an authorization endpoint that redirects
back with a code, a token endpoint that checks the client secret and the PKCE verifier and
returns an RS256-signed ID token, and a JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from portal.oidc import OIDCError, b64url, verify_id_token
from tests.portal.conftest import PORTAL_TOML, Env, build_env, close_env


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, str]] = {}
        self.email = "legal"
        self.tamper: dict[str, Any] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": "k1",
                    "alg": "RS256",
                    "n": b64url(numbers.n.to_bytes(256, "big")),
                    "e": b64url(numbers.e.to_bytes(3, "big")),
                }
            ]
        }

    def id_token(self, claims: dict[str, Any], key: Any = None) -> str:
        head = b64url(json.dumps({"alg": "RS256", "kid": "k1", "typ": "JWT"}).encode())
        body = b64url(json.dumps(claims).encode())
        sig = (key or self.key).sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{b64url(sig)}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, data: Any, status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.url,
                            "authorization_endpoint": provider.url + "/authorize",
                            "token_endpoint": provider.url + "/token",
                            "jwks_uri": provider.url + "/jwks",
                        }
                    )
                elif url.path == "/jwks":
                    self._json(provider.jwks())
                elif url.path == "/authorize":
                    code = base64.urlsafe_b64encode(hashlib.sha256(q["state"].encode()).digest()).decode()[
                        :20
                    ]
                    provider.codes[code] = q
                    self.send_response(302)
                    self.send_header(
                        "Location",
                        q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": q["state"]}),
                    )
                    self.end_headers()
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                form = dict(
                    urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode())
                )
                req = provider.codes.pop(form.get("code", ""), None)
                challenge = b64url(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
                if (
                    req is None
                    or form.get("client_secret") != "idp-secret"
                    or challenge != req["code_challenge"]
                    or form.get("redirect_uri") != req["redirect_uri"]
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                claims = {
                    "iss": provider.url,
                    "aud": "mamori",
                    "sub": "u1",
                    "email": provider.email,
                    "nonce": req["nonce"],
                    "iat": int(time.time()),
                    "exp": int(time.time()) + 300,
                }
                claims.update(provider.tamper)
                self._json(
                    {"access_token": "at", "token_type": "Bearer", "id_token": provider.id_token(claims)}
                )

        return Handler

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def idp() -> Iterator[Provider]:
    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_env(idp: Provider, tmp_path: Path) -> Iterator[Env]:
    extra = PORTAL_TOML + (
        f'\n[portal.oidc]\nenabled = true\nissuer = "{idp.url}"\nclient_id = "mamori"\n'
        'client_secret = "idp-secret"\nusername_claim = "email"\n'
    )
    env = build_env(tmp_path / "oidc", extra)
    yield env
    close_env(env)


def _sign_in(env: Env, idp: Provider) -> tuple[Any, Any]:
    import urllib.request

    client = env.app.test_client()
    start = client.get("/login/oidc")
    assert start.status_code == 302 and start.headers["Location"].startswith(idp.url + "/authorize?")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(start.headers["Location"], timeout=10)
    except urllib.error.HTTPError as exc:  # the 302 back to the portal
        back = exc.headers["Location"]
    parts = urllib.parse.urlsplit(back)
    assert parts.path == "/login/oidc/callback"
    return client, client.get(parts.path + "?" + parts.query)


def test_oidc_sign_in_maps_to_the_local_account(oidc_env: Env, idp: Provider) -> None:
    client = oidc_env.app.test_client()
    assert "Sign in with your company account" in client.get("/login").get_data(as_text=True)
    client, resp = _sign_in(oidc_env, idp)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    me = client.get("/api/v1/me").get_json()
    assert me["username"] == "legal" and me["role"] == "legal"


def test_oidc_refuses_unknown_accounts_and_bad_tokens(oidc_env: Env, idp: Provider) -> None:
    idp.email = "stranger@example.com"
    client, resp = _sign_in(oidc_env, idp)
    assert resp.status_code == 403 and "no mamori account" in resp.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401
    idp.email = "legal"
    for tamper, message in (
        ({"aud": "other"}, "another client"),
        ({"nonce": "x"}, "nonce"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"iss": "http://evil"}, "another provider"),
    ):
        idp.tamper = tamper
        client, resp = _sign_in(oidc_env, idp)
        assert resp.status_code == 401 and message in resp.get_data(as_text=True), tamper
        assert client.get("/api/v1/me").status_code == 401
    idp.tamper = {}


def test_oidc_callback_needs_the_session_that_started_it(oidc_env: Env, idp: Provider) -> None:
    client = oidc_env.app.test_client()
    client.get("/login/oidc")
    other = oidc_env.app.test_client()
    assert other.get("/login/oidc/callback?code=abc&state=forged").status_code == 400
    assert client.get("/login/oidc/callback?code=abc&state=forged").status_code == 400


def test_id_token_signature_is_checked(idp: Provider) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": "i", "aud": "c", "exp": time.time() + 60, "nonce": "n"}
    good = idp.id_token(claims)
    assert verify_id_token(good, idp.jwks(), issuer="i", client_id="c", nonce="n")["aud"] == "c"
    with pytest.raises(OIDCError, match="signature"):
        verify_id_token(idp.id_token(claims, key=forger), idp.jwks(), issuer="i", client_id="c", nonce="n")
    _head, body, _sig = good.split(".")
    none_alg = b64url(json.dumps({"alg": "none"}).encode())
    with pytest.raises(OIDCError, match="only RS256"):
        verify_id_token(f"{none_alg}.{body}.", idp.jwks(), issuer="i", client_id="c", nonce="n")
