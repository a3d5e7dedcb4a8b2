"""Who may call a view: ``@require("legal", "admin")``; the current user; auditing helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for

from portal.accounts import User

F = TypeVar("F", bound=Callable[..., Any])
ALL_ROLES = ("admin", "legal", "employee")


def current_user() -> User:
    user = g.get("user")
    if user is None:  # pragma: no cover - views are guarded
        abort(401)
    return user  # type: ignore[no-any-return]


def require(*roles: str) -> Callable[[F], F]:
    """Anonymous: 401 (API) or a redirect to sign-in (pages); another role: 403."""
    allowed = roles or ALL_ROLES

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = g.get("user")
            if user is None:
                if request.path.startswith("/api/"):
                    abort(401, "Sign in first.")
                return redirect(
                    url_for("auth.login", next=request.full_path if request.method == "GET" else None)
                )
            if user.role not in allowed:
                abort(
                    403, f"This page is for {' or '.join(allowed)} users; you are signed in as {user.role}."
                )
            return view(*args, **kwargs)

        wrapper.roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def audit(action: str, object_type: str, object_id: str, detail: str = "") -> None:
    from portal.app import client_address, portal

    user = current_user()
    portal().audit.record(
        username=user.username,
        role=user.role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=client_address(),
        detail=detail,
    )
