"""The ``[evidence]`` section of the configuration (validated with the rest of the file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crawler.items import SEVERITIES


class EvidenceConfig(BaseModel):
    """How hits are captured, signed, stored and kept.

    ``key_file`` defaults to ``mamori-evidence-key.pem`` beside the configuration file and
    must lie outside the data directory (whoever can change stored evidence should not
    also hold the key that signs it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    min_severity: str = "medium"
    key_file: Path | None = None
    tsa_url: str = ""
    """RFC 3161 Time-Stamp Authority URL; empty: no trusted timestamp."""
    tsa_timeout: float = Field(default=30, gt=0)
    store: Literal["disk", "s3"] = "disk"
    path: Path | None = None
    """Folder of the disk store; default ``<data_dir>/evidence``."""
    s3_bucket: str = ""
    s3_prefix: str = "mamori-evidence/"
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key: str = Field(default="", repr=False)
    s3_secret_key: str = Field(default="", repr=False)
    page_timeout: float = Field(default=30, gt=0)
    """Seconds a page may take to load; a slower page is cut off and captured as it is."""
    max_page_height: int = Field(default=16000, ge=500, le=100_000)
    """Pixels: taller pages are cut (PNG) or limited to as many PDF pages."""
    viewport_width: int = Field(default=1280, ge=320, le=4000)
    max_response_bytes: int = Field(default=50_000_000, ge=1000)
    fetch_media: bool = True
    allow_private_addresses: bool = False
    """Capture URLs on loopback/private/link-local addresses (off: posts cannot point mamori inside)."""
    browser_attempts: int = Field(default=2, ge=1, le=10)
    """Browser tries per capture (each in a fresh context) before it is recorded as failed."""
    max_attempts: int = Field(default=5, ge=1)
    """Queue tries of one hit (storage or unexpected errors) before it is marked failed."""
    retry_seconds: float = Field(default=300, gt=0)
    recycle_after: int = Field(default=50, ge=1)
    """Restart the browser after this many captures so its memory stays flat."""
    retention_days: float = Field(default=180, gt=0)
    """Evidence of hits that belong to no case is deleted this many days after capture."""
    hold_days: float = Field(default=1095, ge=0)
    """Evidence of a case is kept until the case is closed plus this many days."""
    browser_path: Path = Path("/usr/bin/chromium")

    @field_validator("min_severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        if value not in SEVERITIES:
            raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
        return value

    @field_validator("tsa_url", "s3_endpoint_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _s3(self) -> EvidenceConfig:
        if self.store == "s3" and not self.s3_bucket:
            raise ValueError('store = "s3" needs s3_bucket (the bucket that holds the evidence)')
        return self


def key_file(config: object) -> Path:
    """The instance key's path: ``[evidence] key_file`` resolved against the config's folder."""
    evidence: EvidenceConfig = config.evidence  # type: ignore[attr-defined]
    config_path = getattr(config, "config_path", None)
    base = Path(config_path).parent if config_path else Path.cwd()
    path = (evidence.key_file or Path("mamori-evidence-key.pem")).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def store_path(config: object) -> Path:
    """The disk store's folder: ``[evidence] path`` or ``<data_dir>/evidence``."""
    evidence: EvidenceConfig = config.evidence  # type: ignore[attr-defined]
    data_dir = Path(config.data_dir)  # type: ignore[attr-defined]
    config_path = getattr(config, "config_path", None)
    if evidence.path is None:
        return data_dir / "evidence"
    path = evidence.path.expanduser()
    if not path.is_absolute() and config_path:
        path = (Path(config_path).parent / path).resolve()
    return path
