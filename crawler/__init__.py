"""mamori's crawler core: configuration, items, pipelines, state, scheduling and the CLI."""

from __future__ import annotations

__version__ = "0.1.0"
