"""Deliver due alerts from the outbox through Apprise, with retries and backoff.

Apprise URLs can carry secrets (tokens, passwords): they are never logged; logs show the
route name and Apprise's own masked form of the URL.
"""

from __future__ import annotations

import logging
from typing import Any

import apprise

from alerts.outbox import Outbox, OutboxRow
from crawler.exceptions import DeliveryError

logger = logging.getLogger(__name__)


def masked(url: str) -> str:
    """Apprise's privacy-masked form of a notification URL (secrets replaced)."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return url.split("://", 1)[0] + "://…"
    return str(plugin.url(privacy=True))


class Dispatcher:
    def __init__(self, config: Any, outbox: Outbox) -> None:
        self.config = config
        self.outbox = outbox
        self.routes = {r.name: r for r in config.alerts.routes}

    def _send(self, row: OutboxRow) -> None:
        route = self.routes.get(row.route)
        if route is None:
            raise DeliveryError(
                f"The route {row.route!r} of alert {row.id} is no longer in the configuration; "
                "add it back or mark the alert failed."
            )
        notifier = apprise.Apprise()
        for url in route.urls:
            if not notifier.add(url, tag=list(route.tags) or None):
                raise DeliveryError(
                    f"The Apprise URL {masked(url)} of route {route.name!r} is not valid; fix it in the configuration."
                )
        with apprise.LogCapture(level=apprise.logging.WARNING) as captured:
            ok = notifier.notify(
                title=row.title,
                body=row.body,
                tag=list(route.tags) or apprise.common.MATCH_ALL_TAG,
                notify_type=apprise.NotifyType.FAILURE if row.severity in ("high", "critical") else apprise.NotifyType.WARNING,
            )
        if not ok:
            detail = captured.getvalue().strip().splitlines()  # type: ignore[attr-defined]
            reason = detail[-1] if detail else "the channel refused the message"
            raise DeliveryError(f"Route {route.name!r} could not deliver alert {row.id}: {reason}")

    def dispatch_due(self) -> tuple[int, int]:
        """Send every due alert once; return ``(sent, failed)``."""
        sent = failed = 0
        alerts_cfg = self.config.alerts
        for row in self.outbox.due():
            try:
                self._send(row)
            except DeliveryError as exc:
                failed += 1
                logger.warning("%s (attempt %d; will retry)", exc, row.attempts + 1)
                self.outbox.mark_failed(
                    row,
                    str(exc),
                    base=alerts_cfg.retry_base_seconds,
                    cap=alerts_cfg.retry_max_seconds,
                    max_attempts=alerts_cfg.max_attempts,
                )
                continue
            self.outbox.mark_sent(row.id)
            sent += 1
            logger.info("Alert %d for %s sent on route %r.", row.id, row.hit_id, row.route)
        return sent, failed
