"""``mamori index stats|rebuild|migrate``: look after the hit index.

* ``stats``: documents, size or indices, and hits still waiting in the hand-off queue.
* ``rebuild``: re-create the index with this version's schema/mapping from the documents it
  stores (after an upgrade that changed the schema), then index the queued hits.
* ``migrate``: copy the embedded tantivy index into Elasticsearch; run it again to add what
  is missing, then set ``[index] backend = "elasticsearch"``.
"""

from __future__ import annotations

import json

import click

from crawler.commands._options import config_option, load


@click.group(name="index")
def command() -> None:
    """Inspect, rebuild or migrate the hit index."""


@command.command(name="stats")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable statistics.")
def stats(config_path: str, as_json: bool) -> None:
    """Show what the configured index holds."""
    from crawler.handoff import pending
    from crawler.state import State
    from index import open_index

    config = load(config_path)
    index = open_index(config, readonly=True)
    try:
        facts = index.stats()
    finally:
        index.close()
    facts["queued"] = pending(State.from_config(config))
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False, default=str))
        return
    for key, value in facts.items():
        click.echo(f"{key}: {value}")


def _progress(label: str) -> object:
    def report(n: int) -> None:
        click.echo(f"{label}: {n} document(s)", err=True)

    return report


@command.command(name="rebuild")
@config_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def rebuild(config_path: str, yes: bool) -> None:
    """Re-create the index with the current schema from the documents it stores."""
    from crawler.exceptions import MamoriError
    from crawler.handoff import drain, writer_lock
    from crawler.state import State
    from index import maintenance, open_index

    config = load(config_path)
    if not yes:
        click.confirm(
            f"Rebuild the {config.index.backend} index? Searches see it half-full meanwhile.", abort=True
        )
    with writer_lock(config.data_dir) as mine:
        if not mine:
            raise MamoriError(
                f"Another mamori process holds the index writer lock in {config.data_dir}; stop "
                "'mamori run' first, then run 'mamori index rebuild' again."
            )
        if config.index.backend == "tantivy":
            n = maintenance.rebuild_tantivy(config.index_path, progress=_progress("rebuilt"))  # type: ignore[arg-type]
            index = open_index(config)
        else:
            index = open_index(config)
            n = maintenance.rebuild_elasticsearch(index, progress=_progress("rebuilt"))  # type: ignore[arg-type]
        try:
            queued = drain(State.from_config(config), index)
        finally:
            index.close()
    click.echo(
        f"Rebuilt the {config.index.backend} index: {n} document(s) kept, {queued} queued hit(s) added."
    )


@command.command(name="migrate")
@config_option
@click.option("--url", default=None, help="Elasticsearch URL (default: [index] url).")
@click.option("--prefix", default=None, help="Index prefix / alias (default: [index] index_prefix).")
@click.option("--batch", type=click.IntRange(1, 10_000), default=1000, show_default=True)
def migrate(config_path: str, url: str | None, prefix: str | None, batch: int) -> None:
    """Copy everything from the embedded tantivy index to Elasticsearch."""
    from index import maintenance

    config = load(config_path)
    result = maintenance.migrate(config, url=url, prefix=prefix, batch=batch, progress=_progress("copied"))  # type: ignore[arg-type]
    click.echo(
        f"Copied {result['copied']} document(s); Elasticsearch now holds {result['target']} "
        f'(the tantivy index holds {result["source"]}). Set [index] backend = "elasticsearch" to switch.'
    )
