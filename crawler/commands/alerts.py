"""``mamori alerts``: list sent, pending and failed alerts; acknowledge; retry failed ones."""

from __future__ import annotations

import getpass
import json

import click

from crawler.commands._options import config_option, load

STATUSES = ("pending", "sent", "failed", "grouped", "digest", "digested")


def _outbox(config_path: str):  # type: ignore[no-untyped-def]
    from alerts.outbox import Outbox
    from crawler.state import State

    return Outbox(State.from_config(load(config_path)))


@click.group(name="alerts")
def command() -> None:
    """The alert outbox: what was sent, what waits, what failed."""


@command.command(name="list")
@config_option
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only alerts with this status.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable rows.")
def list_alerts(config_path: str, status: str | None, limit: int, as_json: bool) -> None:
    """List alerts, newest first."""
    rows = _outbox(config_path).list(status, limit=limit)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No alerts" + (f" with status {status}." if status else "."))
        return
    for r in rows:
        ack = f" acked by {r.acked_by}" if r.acked_at else ""
        err = f"\n    last error: {r.last_error}" if r.last_error and r.status != "sent" else ""
        when = r.sent_at or r.next_attempt_at
        click.echo(
            f"{r.id:>6}  {r.status:<9} {r.kind:<10} {r.route:<14} {r.severity:<8} "
            f"{when:%Y-%m-%d %H:%M}Z  attempts={r.attempts}{ack}\n    {r.title}{err}"
        )


@command.command(name="ack")
@config_option
@click.argument("alert_id", type=int)
@click.option("--by", default="", help="Who acknowledges (default: the login name).")
def ack(config_path: str, alert_id: int, by: str) -> None:
    """Acknowledge alert ALERT_ID so it is not escalated."""
    row = _outbox(config_path).ack(alert_id, by=by or getpass.getuser())
    click.echo(f"Alert {row.id} acknowledged by {row.acked_by} at {row.acked_at:%Y-%m-%d %H:%M}Z.")


@command.command(name="retry")
@config_option
@click.argument("alert_id", type=int, required=False)
def retry(config_path: str, alert_id: int | None) -> None:
    """Put failed alerts (all, or ALERT_ID) back in the queue; the daemon sends them."""
    n = _outbox(config_path).retry_failed(alert_id)
    if alert_id is not None and n == 0:
        raise click.ClickException(
            f"Alert {alert_id} is not failed (or does not exist); 'mamori alerts list --status failed' shows them."
        )
    click.echo(f"{n} failed alert(s) queued again.")
