"""Server-side sessions and CSRF tokens.

The cookie holds a random 256-bit token; the database holds only its SHA-256, the user,
the CSRF token and the expiry. Anonymous visitors get a session too (so the sign-in form
has a CSRF token); signing in always creates a *new* session and deletes the old one, so a
session id planted before sign-in is worthless afterwards (no session fixation).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from portal.db import aware, ensure, sessions, utcnow


@dataclass(frozen=True)
class Session:
    token_hash: str
    user_id: int | None
    csrf: str
    data: dict[str, Any] | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    def __init__(self, engine: Any, *, hours: float = 8) -> None:
        ensure(engine)
        self.engine = engine
        self.lifetime = timedelta(hours=hours)

    def create(self, user_id: int | None) -> tuple[str, Session]:
        """A new session; returns the cookie value (never stored) and the session."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(
                insert(sessions).values(
                    token_hash=_hash(token),
                    user_id=user_id,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + self.lifetime,
                    data="{}",
                )
            )
        return token, Session(_hash(token), user_id, csrf)

    def load(self, token: str | None) -> Session | None:
        if not token or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions).where(sessions.c.token_hash == _hash(token))).first()
        if row is None:
            return None
        m = row._mapping
        expires = aware(m["expires_at"])
        if expires is None or expires < utcnow():
            self.delete_hash(m["token_hash"])
            return None
        return Session(m["token_hash"], m["user_id"], m["csrf"], json.loads(m["data"] or "{}"))

    def set_data(self, token_hash: str, data: dict[str, Any]) -> None:
        """Replace the session's small server-side data (e.g. the OIDC state and nonce)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(sessions).where(sessions.c.token_hash == token_hash).values(data=json.dumps(data))
            )

    def delete_hash(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    """Constant-time comparison of the submitted CSRF token with the session's."""
    if session is None or not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())
