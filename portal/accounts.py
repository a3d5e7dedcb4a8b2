"""Local accounts: argon2id password hashes, roles, and sign-in throttling.

Failed sign-ins are counted per user name and per client address within a window; once
either count reaches the limit, sign-in is refused (even with the right password) until
the window has passed. Passwords and hashes are never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, insert, select, update

from crawler.exceptions import MamoriError
from portal.db import ROLES, ensure, login_failures, users, utcnow

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,199}$")
_EMPLOYEE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_PASSWORD = 10


class AccountError(MamoriError):
    """An account cannot be created or changed (bad name, role, password or employee id)."""


class LoginThrottled(MamoriError):
    """Too many failed sign-ins; the message says when to try again."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    employee_id: str | None
    display_name: str

    @property
    def label(self) -> str:
        return self.display_name or self.username


def _user(row: Any) -> User:
    m = row._mapping
    return User(m["id"], m["username"], m["role"], m["employee_id"], m["display_name"])


def fast_test_hasher() -> PasswordHasher:
    """A cheap argon2id for test suites only (``create_app(config, testing=True)``)."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)


class Accounts:
    def __init__(
        self,
        engine: Any,
        *,
        max_failures: int = 5,
        window_minutes: float = 15,
        hasher: PasswordHasher | None = None,
    ) -> None:
        ensure(engine)
        self.engine = engine
        # argon2-cffi's default is argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4).
        self.hasher = hasher or PasswordHasher()
        self.max_failures = max_failures
        self.window = timedelta(minutes=window_minutes)
        # A real hash to verify against when the user does not exist, so timing does not tell.
        self._dummy = self.hasher.hash("not a password of anyone")

    # -- accounts --------------------------------------------------------------------------
    def add(
        self,
        username: str,
        password: str,
        role: str,
        *,
        employee_id: str | None = None,
        display_name: str = "",
    ) -> User:
        if not _USERNAME.match(username or ""):
            raise AccountError(
                f"{username!r} is not a valid user name; use letters, digits and . _ @ + - (up to 200)."
            )
        if role not in ROLES:
            raise AccountError(f"{role!r} is not a role; use one of {', '.join(ROLES)}.")
        if role == "employee" and not employee_id:
            raise AccountError("An employee account needs --employee-id (the roster's employee id).")
        if employee_id is not None and not _EMPLOYEE.match(employee_id):
            raise AccountError(
                f"{employee_id!r} is not a valid employee id (letters, digits, '-', '_', '.')."
            )
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"The password is too short; use at least {MIN_PASSWORD} characters.")
        with self.engine.begin() as conn:
            if conn.execute(select(users.c.id).where(users.c.username == username)).first():
                raise AccountError(f"The user {username!r} already exists; choose another name.")
            new_id = conn.execute(
                insert(users).values(
                    username=username,
                    password_hash=self.hasher.hash(password),
                    role=role,
                    employee_id=employee_id,
                    display_name=display_name,
                    active=1,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
        return self.get(int(new_id))  # type: ignore[return-value]

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"The password is too short; use at least {MIN_PASSWORD} characters.")
        self._update(username, password_hash=self.hasher.hash(password))
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.username == username))

    def set_active(self, username: str, active: bool) -> None:
        """Disable (or re-enable) an account; a disabled account's sessions stop working at once."""
        self._update(username, active=1 if active else 0)

    def _update(self, username: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            if not conn.execute(update(users).where(users.c.username == username).values(**values)).rowcount:
                raise AccountError(
                    f"There is no user {username!r}; 'mamori portal user list' shows the accounts."
                )

    def get(self, user_id: int) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id, users.c.active == 1)).first()
        return _user(row) if row else None

    def by_username(self, username: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username, users.c.active == 1)).first()
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.username)).all()]

    def password_hash(self, username: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.password_hash).where(users.c.username == username)).first()
        return row[0] if row else None

    # -- sign-in ---------------------------------------------------------------------------
    def _failures(self, username: str, client: str) -> tuple[int, int]:
        since = utcnow() - self.window
        with self.engine.connect() as conn:
            by_user = conn.execute(
                select(func.count())
                .select_from(login_failures)
                .where(login_failures.c.username == username, login_failures.c.at >= since)
            ).scalar_one()
            by_client = conn.execute(
                select(func.count())
                .select_from(login_failures)
                .where(login_failures.c.client == client, login_failures.c.at >= since)
            ).scalar_one()
        return int(by_user), int(by_client)

    def authenticate(self, username: str, password: str, *, client: str) -> User | None:
        """The user if the password is right; ``None`` otherwise; raises :class:`LoginThrottled`."""
        by_user, by_client = self._failures(username, client)
        if max(by_user, by_client) >= self.max_failures:
            minutes = int(self.window.total_seconds() // 60)
            raise LoginThrottled(
                f"Too many failed sign-ins for this account or from this address; wait {minutes} minutes "
                "and try again, or ask an administrator."
            )
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username, users.c.active == 1)).first()
        stored = row._mapping["password_hash"] if row else ""
        ok = False
        try:
            ok = self.hasher.verify(stored or self._dummy, password) and row is not None and bool(stored)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(login_failures).values(username=username[:200], client=client[:100], at=utcnow())
                )
            return None
        assert row is not None
        if self.hasher.check_needs_rehash(stored):
            with self.engine.begin() as conn:
                conn.execute(
                    update(users)
                    .where(users.c.id == row._mapping["id"])
                    .values(password_hash=self.hasher.hash(password))
                )
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.username == username))
        return _user(row)
