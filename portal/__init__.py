"""The portal: the legal team's search and case desk and the employees' self-check.

``create_app(config)`` builds the Flask application (no module-level state);
``serve_in_thread(config)`` serves it in a background thread and returns a handle with
``.stop()`` (used by ``mamori portal`` and ``mamori run``). Nothing here imports Flask
at import time, so loading the configuration stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "serve_in_thread"]


def create_app(config: Any, **kwargs: Any) -> Any:
    """Build the portal's Flask application; see :func:`portal.app.create_app`."""
    from portal.app import create_app as _create_app

    return _create_app(config, **kwargs)


def serve_in_thread(config: Any, **kwargs: Any) -> Any:
    """Serve the portal in a daemon thread; see :func:`portal.server.serve_in_thread`."""
    from portal.server import serve_in_thread as _serve

    return _serve(config, **kwargs)
