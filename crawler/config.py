"""Configuration: one TOML file, validated at start-up into frozen, typed objects.

``load_config(path)`` returns a :class:`MamoriConfig` or raises :class:`ConfigError` whose
message names the file, the key, the bad value and how to fix it. Relative paths in the
file are resolved against the file's own folder. Any string may contain ``${ENV_VAR}``,
replaced from the environment at load time (use it for secrets).

This module holds the whole file's model, the loading (environment placeholders, paths,
checks across sections) and the formatting of validation errors. The section models live in
:mod:`crawler.config_sections` and :mod:`crawler.config_alerts` and are re-exported here, so
``from crawler.config import SourceConfig`` keeps working.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from crawler.config_alerts import AlertRoute, AlertsConfig, LegalClocksConfig
from crawler.config_sections import (
    BiometricsConfig,
    CompanyConfig,
    CrawlerConfig,
    DaemonConfig,
    DetectorsConfig,
    FrozenSection,
    IndexConfig,
    MediaConfig,
    RosterConfig,
    SourceConfig,
    StorageConfig,
)
from crawler.exceptions import ConfigError
from crawler.roster import Roster, load_roster
from evidence.config import EvidenceConfig
from portal.config import PortalConfig
from sustained.config import SustainedConfig

__all__ = [
    "AlertRoute",
    "AlertsConfig",
    "BiometricsConfig",
    "CompanyConfig",
    "ConfigError",
    "CrawlerConfig",
    "DaemonConfig",
    "DetectorsConfig",
    "IndexConfig",
    "LegalClocksConfig",
    "MamoriConfig",
    "MediaConfig",
    "RosterConfig",
    "SourceConfig",
    "StorageConfig",
    "format_validation_error",
    "load_config",
]

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MamoriConfig(FrozenSection):
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
        raw_text = path.read_text(encoding="utf-8-sig")  # a byte-order mark (Notepad) is not TOML
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
