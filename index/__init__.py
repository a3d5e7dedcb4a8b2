"""The hit index: one contract (:class:`index.base.Index`), several backends registered by
name in ``MAMORI_INDEX_BACKENDS``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.base import Index


def open_index(config: Any, *, readonly: bool = False) -> Index:
    """Open the configured index backend."""
    from crawler import settings
    from crawler.exceptions import ConfigError
    from detectors.base import load_object

    backends = dict(settings.MAMORI_INDEX_BACKENDS)
    name = config.index.backend
    if name not in backends:
        raise ConfigError(
            f"{config.config_path}: index.backend = {name!r} is not available; use one of "
            f"{', '.join(sorted(backends))}."
        )
    backend: Any = load_object(backends[name])
    return backend.from_config(config, readonly=readonly)
