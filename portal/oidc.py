"""OpenID Connect sign-in (authorization code flow with PKCE, ID token checked here).

The provider is read from ``[portal.oidc] issuer`` (its discovery document). The ID token
must be signed with RS256 by a key of the provider's JWKS, be issued by the issuer, for our
client id, unexpired, and carry the nonce we sent. The claim ``username_claim`` (default
``email``) must name an existing local account: roles are granted in mamori by an admin,
never by the provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.parse
import urllib.request
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from crawler.exceptions import MamoriError

TIMEOUT = 10
LEEWAY = 60


class OIDCError(MamoriError):
    """The OpenID Connect sign-in failed; the message says why (never a token)."""


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _get_json(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
            return json.loads(resp.read(1_000_000))  # type: ignore[no-any-return]
    except (OSError, ValueError) as exc:
        raise OIDCError(f"The identity provider could not be read at {url}: {exc}.") from None


def discovery(issuer: str) -> dict[str, Any]:
    doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if key not in doc:
            raise OIDCError(f"The provider's discovery document has no {key}; check [portal.oidc] issuer.")
    return doc


def start(oidc: Any, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The provider's authorization URL and the values to keep in the session."""
    meta = discovery(oidc.issuer)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": oidc.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(oidc.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{meta['authorization_endpoint']}?{query}", {
        "oidc_state": state,
        "oidc_nonce": nonce,
        "oidc_verifier": verifier,
        "oidc_redirect": redirect_uri,
    }


def finish(oidc: Any, code: str, saved: dict[str, Any]) -> dict[str, Any]:
    """Exchange ``code`` and return the verified ID token's claims."""
    meta = discovery(oidc.issuer)
    form = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": saved["oidc_redirect"],
            "client_id": oidc.client_id,
            "client_secret": oidc.client_secret,
            "code_verifier": saved["oidc_verifier"],
        }
    ).encode()
    request = urllib.request.Request(
        meta["token_endpoint"],
        data=form,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:
            tokens = json.loads(resp.read(1_000_000))
    except (OSError, ValueError) as exc:
        raise OIDCError(f"The identity provider refused the sign-in code ({type(exc).__name__}).") from None
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise OIDCError("The identity provider's answer has no id_token.")
    return verify_id_token(
        id_token,
        _get_json(meta["jwks_uri"]),
        issuer=oidc.issuer,
        client_id=oidc.client_id,
        nonce=saved["oidc_nonce"],
    )


def verify_id_token(
    token: str, jwks: dict[str, Any], *, issuer: str, client_id: str, nonce: str, now: float | None = None
) -> dict[str, Any]:
    try:
        head_b64, body_b64, sig_b64 = token.split(".")
        header = json.loads(b64url_decode(head_b64))
        claims = json.loads(b64url_decode(body_b64))
        signature = b64url_decode(sig_b64)
    except ValueError:
        raise OIDCError("The ID token is not a well-formed JWT.") from None
    if header.get("alg") != "RS256":
        raise OIDCError(f"The ID token is signed with {header.get('alg')!r}; only RS256 is accepted.")
    keys = [
        k
        for k in jwks.get("keys", [])
        if k.get("kty") == "RSA" and (not header.get("kid") or k.get("kid") == header["kid"])
    ]
    if not keys:
        raise OIDCError("No key of the provider's JWKS matches the ID token's key id.")
    key = keys[0]
    public = rsa.RSAPublicNumbers(
        int.from_bytes(b64url_decode(key["e"]), "big"), int.from_bytes(b64url_decode(key["n"]), "big")
    ).public_key()
    try:
        public.verify(signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise OIDCError("The ID token's signature is not valid.") from None
    now = time.time() if now is None else now
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != issuer:
        raise OIDCError("The ID token was issued by another provider.")
    if client_id not in audiences:
        raise OIDCError("The ID token is meant for another client.")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY < now:
        raise OIDCError("The ID token has expired; sign in again.")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OIDCError("The ID token's nonce does not match this sign-in.")
    return claims  # type: ignore[no-any-return]
