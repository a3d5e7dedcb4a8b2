"""The ``[portal]`` section of the configuration (validated with the rest of the file).

```toml
[portal]
host = "127.0.0.1"
port = 8640
secret_key = "${MAMORI_PORTAL_SECRET}"   # signs the OIDC state; keep it out of the file
cookie_secure = true                     # false only for plain-http local use
allowed_fetch_hosts = []                 # e.g. ["127.0.0.1"] for the demo and tests only
```
"""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator


class OIDCConfig(BaseModel):
    """``[portal.oidc]``: OpenID Connect sign-in through the company's identity provider."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = False
    issuer: str = ""
    """The provider's issuer URL; its ``/.well-known/openid-configuration`` is read."""
    client_id: str = ""
    client_secret: str = ""
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    username_claim: str = "email"
    """The ID-token claim matched against a local account's user name (accounts are made by an admin)."""


class PortalConfig(BaseModel):
    """``[portal]``: the web portal of the legal team and the employees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    """Serve the portal from ``mamori run`` (``mamori portal`` serves it regardless)."""
    host: str = "127.0.0.1"
    port: int = Field(default=8640, ge=0, le=65535)
    secret_key: str = ""
    """Empty: a random key per process (sign-in state does not survive a restart)."""
    cookie_secure: bool = True
    """Send the session cookie over HTTPS only; set false for plain-http local use."""
    session_hours: float = Field(default=8, gt=0)
    login_max_failures: int = Field(default=5, ge=1)
    """Failed sign-ins (per user name and per client address) allowed within ``login_window_minutes``."""
    login_window_minutes: float = Field(default=15, gt=0)
    fetch_max_bytes: int = Field(default=2_000_000, ge=1)
    fetch_timeout: float = Field(default=10, gt=0)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    allowed_fetch_hosts: tuple[str, ...] = ()
    """Addresses or networks (``127.0.0.1``, ``10.1.0.0/16``) a submitted URL may reach although
    they are not public. For the demo and tests only."""
    proxy_hops: int = Field(default=0, ge=0, le=5)
    """Reverse proxies in front of the portal whose X-Forwarded-For/-Proto/-Host are trusted
    (client addresses for throttling and the audit log; https in the OIDC redirect URI)."""
    metrics_token: str = ""
    """If set, ``/metrics`` needs ``Authorization: Bearer <token>``."""
    consent_policy_version: str = "1"
    oidc: OIDCConfig = OIDCConfig()

    @field_validator("allowed_fetch_hosts")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network; write addresses such as 127.0.0.1 "
                    "or 10.1.0.0/16 (names are not accepted: they can resolve elsewhere)"
                ) from None
        return value
