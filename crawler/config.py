"""Configuration: one TOML file, validated at start-up into frozen, typed objects.

``load_config(path)`` returns a :class:`MamoriConfig` or raises :class:`ConfigError` whose
message names the file, the key, the bad value and how to fix it. Relative paths in the
file are resolved against the file's own folder. Any string may contain ``${ENV_VAR}``,
replaced from the environment at load time (use it for secrets).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.exceptions import ConfigError
from crawler.items import SEVERITIES
from crawler.roster import Roster, load_roster
from crawler.schedule import Schedule, parse_schedule
from evidence.config import EvidenceConfig
from portal.config import PortalConfig
from sustained.config import SustainedConfig

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CompanyConfig(_Frozen):
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {self.name: None}
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return tuple(seen)


class RosterConfig(_Frozen):
    file: Path


class StorageConfig(_Frozen):
    data_dir: Path = Path("data")
    state_url: str = ""
    """SQLAlchemy URL of the state database; default: SQLite in the data directory."""


class IndexConfig(_Frozen):
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


class CrawlerConfig(_Frozen):
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


class AlertRoute(_Frozen):
    """One ``[[alerts.routes]]`` rule: what it matches, where it goes, when and how often.

    Every key is documented in docs/alerts-and-cases.md; time checks live in :mod:`alerts.rules`.
    """

    name: str = Field(min_length=1)
    urls: tuple[str, ...] = Field(min_length=1)
    """Apprise URLs; ``${ENV}`` placeholders keep secrets out of the file."""
    tags: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    """Finding labels that trigger this route; empty means any harassment label."""
    min_severity: str = "medium"
    platforms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    employees: tuple[str, ...] = ()
    mode: Literal["immediate", "digest"] = "immediate"
    digest_at: str = "09:00"
    """Local time (HH:MM in ``timezone``) at which a digest route sends its digest."""
    timezone: str = "Asia/Tokyo"
    quiet_hours: str = ""
    """``"HH:MM-HH:MM"`` local: non-critical alerts wait until the end; critical ones go at once."""
    group_by: Literal["thread", "author", "source", "route"] = "thread"
    group_window_minutes: float = Field(default=0, ge=0)
    """Fold further hits of one thread (or author, source, route) within this window into one alert."""
    group_wait_seconds: float = Field(default=0, ge=0)
    """Hold the first alert of a group this long so a burst arrives as one message."""
    escalate_to: str = ""
    """Another route that gets the alert when nobody acknowledged it in time."""
    escalate_after_minutes: float = Field(default=0, ge=0)
    notify_employee: bool = False
    """Also send to the named employee's own channel if they opted in (``[alerts.employee_contacts]``)."""

    @field_validator("min_severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        if value not in SEVERITIES:
            raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
        return value

    @field_validator("digest_at")
    @classmethod
    def _digest_at(cls, value: str) -> str:
        from alerts.rules import parse_hhmm

        parse_hhmm(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from alerts.rules import zone

        zone(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        from alerts.rules import parse_quiet_hours

        if value:
            parse_quiet_hours(value)
        return value

    @model_validator(mode="after")
    def _escalation(self) -> AlertRoute:
        if self.escalate_to and self.escalate_after_minutes <= 0:
            raise ValueError(
                f"rule {self.name!r}: escalate_to = {self.escalate_to!r} needs escalate_after_minutes "
                "greater than 0 (for example 30)"
            )
        if self.escalate_after_minutes and not self.escalate_to:
            raise ValueError(
                f"rule {self.name!r}: escalate_after_minutes is set but escalate_to is empty; "
                "name the route to escalate to"
            )
        if self.escalate_to == self.name:
            raise ValueError(f"rule {self.name!r}: escalate_to names the rule itself; name another route")
        if self.group_wait_seconds and not self.group_window_minutes:
            raise ValueError(
                f"rule {self.name!r}: group_wait_seconds needs group_window_minutes (the window that "
                "collects a thread or burst into one alert)"
            )
        return self


class LegalClocksConfig(_Frozen):
    """``[alerts.legal]``: the legal clocks of cases and who is alerted when they fall due."""

    platform_response_days: int = Field(default=7, ge=1)
    isp_log_retention_days: int = Field(default=90, ge=1)
    complaint_months: int = Field(default=6, ge=1)
    due_soon_days: int = Field(default=3, ge=0)
    """Warn this many days before the platform response deadline."""
    isp_warn_days: int = Field(default=30, ge=0)
    """Warn this many days before the ISP log horizon (lawyers file within about 2 months)."""
    complaint_warn_days: int = Field(default=30, ge=0)
    timezone: str = "Asia/Tokyo"
    routes: tuple[str, ...] = ()
    """Routes that receive due and overdue clock alerts."""
    templates_dir: Path | None = None
    """A folder of Jinja2 templates overriding the built-in takedown drafts (same file names)."""
    requester_name: str = ""
    """Who signs takedown requests (default: the company name)."""
    requester_address: str = ""
    requester_contact: str = ""

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from alerts.rules import zone

        zone(value)
        return value


class AlertsConfig(_Frozen):
    legal: LegalClocksConfig = LegalClocksConfig()
    routes: tuple[AlertRoute, ...] = ()
    portal_url: str = "http://127.0.0.1:8640"
    """Base URL of the portal, used for links in alerts."""
    retry_base_seconds: float = Field(default=30, gt=0)
    retry_max_seconds: float = Field(default=3600, gt=0)
    max_attempts: int = Field(default=50, ge=1)
    employee_contacts: dict[str, str] = Field(default_factory=dict)
    """Opt-in: employee id -> Apprise URL, used by routes with ``notify_employee = true``."""

    # Checks across rules (unique names, escalate_to, legal.routes, roster ids) are made by
    # alerts.rules.validate_alerts at load time, with messages naming the rule and the key.


class DetectorsConfig(_Frozen):
    disabled: tuple[str, ...] = ()
    """Dotted paths or names of detectors to switch off."""
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-detector options, keyed by detector name."""


class DaemonConfig(_Frozen):
    index_interval: float = Field(default=2.0, gt=0)
    alert_interval: float = Field(default=5.0, gt=0)
    crawl_timeout: float = Field(default=1800, gt=0)


class BiometricsConfig(_Frozen):
    """``[biometrics]``: where enrolled templates are kept and how they are protected."""

    key_file: Path = Path("biometrics.key")
    """Encryption key of the templates; relative to the config file; must be outside data_dir."""
    keep_raw: bool = False
    """Keep enrolment photos/clips (encrypted) besides the templates."""


class MediaConfig(_Frozen):
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


class MamoriConfig(_Frozen):
    company: CompanyConfig
    roster: RosterConfig | None = None
    storage: StorageConfig = StorageConfig()
    index: IndexConfig = IndexConfig()
    crawler: CrawlerConfig = CrawlerConfig()
    sources: tuple[SourceConfig, ...] = ()
    alerts: AlertsConfig = AlertsConfig()
    detectors: DetectorsConfig = DetectorsConfig()
    daemon: DaemonConfig = DaemonConfig()
    evidence: EvidenceConfig = EvidenceConfig()
    biometrics: BiometricsConfig = BiometricsConfig()
    media: MediaConfig = MediaConfig()
    portal: PortalConfig = PortalConfig()
    sustained: SustainedConfig = SustainedConfig()

    # Set by load_config (not from the file).
    config_path: Path | None = None
    employees: Roster = Field(default_factory=Roster)

    @property
    def data_dir(self) -> Path:
        return self.storage.data_dir

    @property
    def state_url(self) -> str:
        return self.storage.state_url or f"sqlite:///{self.data_dir / 'state.db'}"

    @property
    def index_path(self) -> Path:
        return self.index.path or self.data_dir / "index"

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(
            f"There is no source named {name!r} in {self.config_path}; the sources are: {known}."
        )


_HINTS = {
    "missing": "Add the key.",
    "extra_forbidden": "Remove it or check its spelling against the configuration reference.",
    "string_type": "Give a quoted string.",
    "int_parsing": "Give a whole number.",
    "float_parsing": "Give a number.",
    "bool_parsing": "Give true or false.",
    "literal_error": "",
    "tuple_type": 'Give a list such as ["a", "b"].',
    "too_short": "Give at least one value.",
    "string_pattern_mismatch": "Use letters, digits, '-', '_' or '.', starting with a letter or digit.",
}


def _key_path(loc: tuple[int | str, ...], data: dict[str, Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item + 1}]" if parts else f"[{item + 1}]"
        else:
            parts.append(str(item))
    key = ".".join(parts)
    # Name a source by its name, not only its position.
    if loc and loc[0] == "sources" and len(loc) > 1 and isinstance(loc[1], int):
        try:
            name = data["sources"][loc[1]].get("name")
        except (IndexError, AttributeError, KeyError):
            name = None
        if name:
            key += f" (source {name!r})"
    return key


def format_validation_error(path: Path, error: ValidationError, data: dict[str, Any]) -> str:
    lines = []
    for err in error.errors():
        key = _key_path(tuple(err["loc"]), data)
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        hint = _HINTS.get(err["type"], "")
        if err["type"] == "missing":
            lines.append(f"{path}: the key {key!r} is missing. {hint}")
        else:
            value = err.get("input")
            lines.append(f"{path}: {key} = {value!r} is invalid: {msg}." + (f" {hint}" if hint else ""))
    return "\n".join(lines)


def _expand_env(value: Any, path: Path, key: str = "") -> Any:
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(
                    f"{path}: {key} refers to the environment variable {name}, which is not set. "
                    f"Set {name} or remove the placeholder.",
                    path=str(path),
                    key=key,
                )
            return os.environ[name]

        return _ENV_RE.sub(repl, value)
    if isinstance(value, dict):
        return {k: _expand_env(v, path, f"{key}.{k}" if key else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, path, f"{key}[{i + 1}]") for i, v in enumerate(value)]
    return value


def _resolve(base: Path, value: Path | None) -> Path | None:
    if value is None:
        return None
    value = value.expanduser()
    return value if value.is_absolute() else (base / value).resolve()


def load_config(path: str | os.PathLike[str], *, check_sources: bool = True) -> MamoriConfig:
    """Read, validate and resolve the configuration file at ``path``."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"The configuration file {path} does not exist. Copy examples/mamori.toml there "
            "and edit it, or pass --config with the right path.",
            path=str(path),
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text ({exc}). Save it as UTF-8.", path=str(path)) from None
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}. Fix the syntax there.", path=str(path)) from None
    data = _expand_env(data, path)
    try:
        config = MamoriConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(path, exc, data), path=str(path)) from None

    base = path.resolve().parent
    storage = config.storage.model_copy(update={"data_dir": _resolve(base, config.storage.data_dir)})
    index = config.index.model_copy(update={"path": _resolve(base, config.index.path)})
    roster_cfg = config.roster
    roster = Roster()
    if roster_cfg is not None:
        roster_file = _resolve(base, roster_cfg.file)
        assert roster_file is not None
        roster_cfg = roster_cfg.model_copy(update={"file": roster_file})
        roster = load_roster(roster_file, config_path=path)

    _check_unique_sources(path, config)
    from alerts.rules import validate_alerts

    validate_alerts(config, path=path, roster=roster)
    if check_sources:
        from crawler.sources import validate_source

        for i, source in enumerate(config.sources):
            validate_source(source, path=path, position=i + 1)
    return config.model_copy(
        update={
            "storage": storage,
            "index": index,
            "roster": roster_cfg,
            "config_path": path.resolve(),
            "employees": roster,
        }
    )


def _check_unique_sources(path: Path, config: MamoriConfig) -> None:
    seen: set[str] = set()
    for i, source in enumerate(config.sources):
        if source.name in seen:
            raise ConfigError(
                f"{path}: sources[{i + 1}].name = {source.name!r} is used by two sources. "
                "Give every source a unique name.",
                path=str(path),
                key=f"sources[{i + 1}].name",
            )
        seen.add(source.name)
