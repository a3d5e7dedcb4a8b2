"""How mamori starts Chromium everywhere (evidence captures, JavaScript pages, PDF drafts,
browser tests): Debian's chromium, headless, with no network of its own.

Without the background-networking flags Chromium keeps calling home, which a closed network
refuses many times a second; ``--no-sandbox`` is needed when running as root.
"""

from __future__ import annotations

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
