"""``mamori run``: the daemon (scheduled crawls, index writer, alert delivery)."""

from __future__ import annotations

import signal

import click

from crawler.commands._options import config_option


@click.command(name="run")
@config_option
@click.option(
    "--duration", type=float, default=None, help="Stop after this many seconds (default: run until stopped)."
)
def command(config_path: str, duration: float | None) -> None:
    """Run scheduled crawls, index hits and deliver alerts until stopped (Ctrl-C)."""
    from crawler.daemon import Daemon

    daemon = Daemon(config_path)
    signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    click.echo(
        f"mamori daemon: {len(daemon.config.sources)} source(s), data in {daemon.config.data_dir}. Ctrl-C stops."
    )
    try:
        daemon.run(duration=duration)
    except KeyboardInterrupt:
        daemon.stop()
