"""``mamori sources``: every configured source with its health in plain words."""

from __future__ import annotations

import json

import click

from crawler.commands._options import config_option, load


@click.command(name="sources")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
def command(config_path: str, as_json: bool) -> None:
    """List sources with their schedule, last success, last error and items seen."""
    from crawler.state import State

    config = load(config_path)
    state = State.from_config(config)
    rows = []
    for source in config.sources:
        values = state.source_values(source.name)
        error = values.get("last_error") or {}
        rows.append(
            {
                "name": source.name,
                "type": source.type,
                "schedule": str(source.schedule),
                "enabled": source.enabled,
                "last_run": values.get("last_run"),
                "last_success": values.get("last_success"),
                "last_error": error.get("message"),
                "last_error_at": error.get("at"),
                "items_seen": values.get("items_seen", 0),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        ok = r["last_success"] or "never"
        click.echo(f"{r['name']} ({r['type']}, every {r['schedule']}{'' if r['enabled'] else ', disabled'})")
        click.echo(f"  last success: {ok}   items seen: {r['items_seen']}")
        if r["last_error"] and (not r["last_success"] or (r["last_error_at"] or "") > r["last_success"]):
            click.secho(f"  last error ({r['last_error_at']}): {r['last_error']}", fg="red")
