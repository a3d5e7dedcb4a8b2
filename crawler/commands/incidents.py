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
    if incident_id:
        timeline = incident_timeline(state, incident_id)
        if as_json:
            click.echo(json.dumps(timeline, ensure_ascii=False, indent=2))
            return
        click.echo(
            f"Incident {timeline['id']} about {timeline['target']} ({timeline['status']}): {timeline['hits']} hit(s)"
        )
        for hour, n in timeline["per_hour"].items():
            click.echo(f"  {hour} {'█' * min(n, 60)} {n}")
        click.echo("top authors: " + ", ".join(f"{a} ({n})" for a, n in timeline["top_authors"]))
        click.echo("top phrases: " + ", ".join(f"{p} ({n})" for p, n in timeline["top_phrases"]))
        return
    incidents = list_incidents(state)
    if as_json:
        click.echo(json.dumps(incidents, ensure_ascii=False, indent=2))
        return
    if not incidents:
        click.echo("No burst incidents recorded.")
    for inc in incidents:
        click.echo(
            f"{inc['id']}: {inc['target']} {inc['status']} since {inc['opened_at']} ({inc['hits']} hits)"
        )
