"""Per-process access to the loaded configuration and the state database from Scrapy
settings (``MAMORI_CONFIG`` holds the configuration file path)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crawler.config import MamoriConfig, load_config
from crawler.exceptions import ConfigError
from crawler.state import State


@lru_cache(maxsize=8)
def _config(path: str) -> MamoriConfig:
    return load_config(path)


@lru_cache(maxsize=8)
def _state(url: str) -> State:
    return State(url)


def config_from_settings(settings: Any) -> MamoriConfig:
    path = settings.get("MAMORI_CONFIG")
    if not path:
        raise ConfigError(
            "The Scrapy setting MAMORI_CONFIG is not set. Run crawls with 'mamori crawl SOURCE "
            "--config mamori.toml', which sets it."
        )
    return _config(str(path))


def state_for(config: MamoriConfig) -> State:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return _state(config.state_url)
