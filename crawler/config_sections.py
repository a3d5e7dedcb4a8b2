"""The plain sections of the configuration file as frozen, typed models.

``[company]``, ``[roster]``, ``[storage]``, ``[index]``, ``[crawler]``, ``[[sources]]``,
``[detectors]``, ``[daemon]``, ``[biometrics]`` and ``[media]``, on the shared
:class:`FrozenSection` base. The ``[alerts]`` models are in :mod:`crawler.config_alerts`;
the whole file (:class:`crawler.config.MamoriConfig`) and its loading in :mod:`crawler.config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crawler.schedule import Schedule, parse_schedule


class FrozenSection(BaseModel):
    """Base of every section: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CompanyConfig(FrozenSection):
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {self.name: None}
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return tuple(seen)


class RosterConfig(FrozenSection):
    file: Path


class StorageConfig(FrozenSection):
    data_dir: Path = Path("data")
    state_url: str = ""
    """SQLAlchemy URL of the state database; default: SQLite in the data directory."""


class IndexConfig(FrozenSection):
    backend: Literal["tantivy", "elasticsearch"] = "tantivy"
    path: Path | None = None
    """Folder of the embedded index; default ``<data_dir>/index``."""
    url: str = ""
    """Elasticsearch URL(s), comma separated, for the ``elasticsearch`` backend."""
    index_prefix: str = "mamori-hits"
    username: str = ""
    password: str = ""
    api_key: str = ""
    verify_certs: bool = True


class CrawlerConfig(FrozenSection):
    user_agent: str = "mamori/0.1 (+https://github.com/mamori; harassment monitoring)"
    obey_robots: bool = True
    concurrent_requests: int = Field(default=8, ge=1, le=256)
    download_delay: float = Field(default=0.5, ge=0)
    autothrottle: bool = True
    timeout: float = Field(default=30, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    settings: dict[str, Any] = Field(default_factory=dict)
    """Raw Scrapy settings applied last (advanced)."""


class SourceConfig(BaseModel):
    """One ``[[sources]]`` entry; type-specific options are validated by the spider class."""

    model_config = ConfigDict(frozen=True, extra="allow")

    type: str
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    schedule: Schedule
    enabled: bool = True
    url: str = ""
    urls: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    """Extra query terms; spiders also use the company aliases and roster names."""
    settings: dict[str, Any] = Field(default_factory=dict)
    """Scrapy settings for this source only (e.g. ``{ DOWNLOAD_DELAY = 6 }`` for a strict site)."""

    @field_validator("schedule", mode="before")
    @classmethod
    def _schedule(cls, value: Any) -> Schedule:
        if isinstance(value, Schedule):
            return value
        if not isinstance(value, str):
            raise ValueError("a schedule must be a string")
        return parse_schedule(value)

    @property
    def options(self) -> dict[str, Any]:
        """Type-specific options (keys not common to every source)."""
        return dict(self.model_extra or {})

    @property
    def start_urls(self) -> tuple[str, ...]:
        return ((self.url,) if self.url else ()) + self.urls


class DetectorsConfig(FrozenSection):
    disabled: tuple[str, ...] = ()
    """Dotted paths or names of detectors to switch off."""
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-detector options, keyed by detector name."""


class DaemonConfig(FrozenSection):
    index_interval: float = Field(default=2.0, gt=0)
    alert_interval: float = Field(default=5.0, gt=0)
    crawl_timeout: float = Field(default=1800, gt=0)


class BiometricsConfig(FrozenSection):
    """``[biometrics]``: where enrolled templates are kept and how they are protected."""

    key_file: Path = Path("biometrics.key")
    """Encryption key of the templates; relative to the config file; must be outside data_dir."""
    keep_raw: bool = False
    """Keep enrolment photos/clips (encrypted) besides the templates."""


class MediaConfig(FrozenSection):
    """``[media]``: fetching limits and matching thresholds for images, audio and video."""

    enabled: bool = True
    max_bytes: int = Field(default=25_000_000, ge=1)
    max_pixels: int = Field(default=40_000_000, ge=1)
    max_duration: float = Field(default=1800, gt=0)
    """Longest audio/video accepted, in seconds."""
    face_max_side: int = Field(default=800, ge=100)
    face_tolerance: float = Field(default=0.54, gt=0, lt=1)
    voice_threshold: float = Field(default=0.75, gt=0, lt=1)
    voice_window: float = Field(default=3.0, gt=0.5)
    voice_hop: float = Field(default=1.5, gt=0.1)
    video_fps: float = Field(default=1.0, gt=0)
    video_max_frames: int = Field(default=60, ge=1)
    known_photo_distance: int = Field(default=10, ge=0)
    recording_min_score: float = Field(default=0.85, gt=0, lt=1)
