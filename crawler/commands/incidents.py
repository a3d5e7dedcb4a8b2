"""``mamori incidents``: coordinated bursts grouped into incidents, with timelines."""

from __future__ import annotations

import json

import click

from crawler.commands._options import config_option, load


@click.command(name="incidents")
@config_option
@click.argument("incident_id", type=int, required=False)
@click.option("--json", "as_json", is_flag=True)
def command(config_path: str, incident_id: int | None, as_json: bool) -> None:
    """List burst incidents, or show one incident's timeline (count per hour, top authors, phrases)."""
    from crawler.state import State
    from sustained.queries import incident_timeline, list_incidents

    state = State.from_config(load(config_path))
    data = incident_timeline(state, incident_id) if incident_id else list_incidents(state)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif incident_id:
        click.echo(f"Incident {data['id']} about {data['target']} ({data['status']}): {data['hits']} hit(s)")  # type: ignore[call-overload]
        for hour, n in data["per_hour"].items():  # type: ignore[call-overload]
            click.echo(f"  {hour} {'█' * min(n, 60)} {n}")
        click.echo("top authors: " + ", ".join(f"{a} ({n})" for a, n in data["top_authors"]))  # type: ignore[call-overload]
        click.echo("top phrases: " + ", ".join(f"{p} ({n})" for p, n in data["top_phrases"]))  # type: ignore[call-overload]
    else:
        for inc in data:  # type: ignore[union-attr]
            click.echo(
                f"{inc['id']}: {inc['target']} {inc['status']} since {inc['opened_at']} ({inc['hits']} hits)"
            )  # type: ignore[index]
