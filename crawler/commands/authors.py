"""``mamori authors``: authors by harassment count and recency, author pages, suggested links."""

from __future__ import annotations

import json

import click

from crawler.commands._options import config_option, load


@click.group(name="authors", invoke_without_command=True)
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.pass_context
def command(ctx: click.Context, config_path: str, as_json: bool, limit: int) -> None:
    """List authors by harassment count and recency."""
    ctx.obj = config_path
    if ctx.invoked_subcommand is not None:
        return
    from crawler.state import State
    from sustained.queries import list_authors

    rows = list_authors(State.from_config(load(config_path)), limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No harassing authors recorded yet.")
    for a in rows:
        flag = f"  ESCALATED (case {a['case_id']})" if a["escalated"] else ""
        click.echo(
            f"{a['platform']}:{a['author']} ({a['handle']}): {a['hits']} hit(s), last {a['last_seen']}, "
            f"labels {', '.join(a['labels'])}, employees {', '.join(a['employees']) or '-'}{flag}"
        )


@command.command(name="show")
@click.argument("author")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(config_path: str, author: str, as_json: bool) -> None:
    """Every hit of AUTHOR (PLATFORM:KEY), labels over time, employees targeted, possible links."""
    from crawler.state import State
    from sustained.queries import author_page

    platform, _, key = author.partition(":")
    if not key:
        raise click.BadParameter(
            f"{author!r} must look like PLATFORM:KEY, e.g. reddit:t2_abc (see 'mamori authors')."
        )
    page = author_page(State.from_config(load(config_path)), platform, key)
    if as_json:
        click.echo(json.dumps(page, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{page['platform']}:{page['author']} ({page['handle']}) {page['first_seen']} → {page['last_seen']}"
    )
    click.echo(f"employees targeted: {', '.join(page['employees_targeted']) or '-'}")
    for day, labels in page["labels_over_time"].items():
        click.echo(f"  {day}: {', '.join(f'{k}×{v}' for k, v in labels.items())}")
    for link in page["possible_same_person"]:
        click.echo(
            f"  possibly the same person as {link['other']} ({link['reason']}, {link['status']}, link {link['id']})"
        )


@command.command(name="link")
@click.argument("link_id", type=int)
@click.argument("decision", type=click.Choice(["confirmed", "rejected"]))
@click.pass_obj
def link(config_path: str, link_id: int, decision: str) -> None:
    """Confirm or reject a suggested cross-platform link (a human decision)."""
    from crawler.state import State
    from sustained.queries import set_link_status

    set_link_status(State.from_config(load(config_path)), link_id, decision)
    click.echo(f"Link {link_id} {decision}.")
