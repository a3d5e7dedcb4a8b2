"""``mamori crawl SOURCE``: crawl one source now, in this process."""

from __future__ import annotations

import json

import click

from crawler.commands._options import config_option, load


@click.command(name="crawl")
@config_option
@click.argument("source")
@click.option("--run-id", type=int, default=None, hidden=True)
@click.option("--no-index", is_flag=True, help="Leave hits in the queue for the daemon's index writer.")
@click.option("--json", "as_json", is_flag=True, help="Print the crawl's stats as JSON.")
def command(config_path: str, source: str, run_id: int | None, no_index: bool, as_json: bool) -> None:
    """Crawl SOURCE once; hits go to the index queue (and into the index if no daemon holds it)."""
    from crawler.handoff import drain, writer_lock
    from crawler.runner import run_crawl, summarize
    from crawler.state import State
    from index import open_index

    config = load(config_path)
    stats = run_crawl(config_path, source, run_id=run_id)
    indexed = 0
    if not no_index:
        with writer_lock(config.data_dir) as mine:
            if mine:
                index = open_index(config)
                try:
                    indexed = drain(State.from_config(config), index)
                finally:
                    index.close()
    summary = summarize(stats)
    if as_json:
        click.echo(json.dumps({"source": source, **summary, "indexed": indexed, "stats": stats}, default=str))
    else:
        click.echo(
            f"{source}: {summary['items']} new or edited post(s), {summary['hits']} hit(s), "
            f"{summary['errors']} error(s); {indexed} hit(s) indexed now."
        )
