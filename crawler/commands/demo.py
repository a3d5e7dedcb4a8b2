"""``mamori demo``: the offline demo behind ``make run``.

Serves a fictional company's corner of the web on 127.0.0.1 (posts appear over time),
starts a local mailbox (SMTP on 127.0.0.1:8025) that receives the alerts, and runs the real
daemon with ``examples/mamori.toml``: scheduled crawls, detection, the index, alerts.
"""

from __future__ import annotations

import logging
import shutil
import signal
import textwrap
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import click

from crawler.commands._options import config_option

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mamori.toml"


@click.command(name="demo")
@config_option
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option("--keep", is_flag=True, help="Keep the demo's data from an earlier run.")
@click.option("--site-port", type=int, default=8631, show_default=True)
@click.option("--smtp-port", type=int, default=8025, show_default=True)
def command(config_path: str, duration: float | None, keep: bool, site_port: int, smtp_port: int) -> None:
    """Run the offline demo: a local site, a local mailbox and the real daemon."""
    from crawler.config import load_config
    from crawler.daemon import Daemon
    from demo.mailbox import Mailbox
    from demo.site import DemoSite

    if config_path == "mamori.toml" and not Path(config_path).exists():
        config_path = str(EXAMPLE)
    config = load_config(config_path)
    if not keep and config.data_dir.exists():
        shutil.rmtree(config.data_dir)
    logging.getLogger().handlers[0].setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for noisy in ("apscheduler", "scrapy", "apprise", "mail.log", "asyncio", "alembic", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The demo's portal runs with a per-process key on loopback; its start-up notes are noise here.
    logging.getLogger("mamori.portal").setLevel(logging.ERROR)

    def on_mail(msg: EmailMessage) -> None:
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        click.secho(f"\n📨 Alert delivered to {msg['To']}: {msg['Subject']}", fg="yellow", bold=True)
        click.echo(textwrap.indent("\n".join(text.splitlines()[:6]), "   "))

    try:
        site = DemoSite(port=site_port).start()
        mailbox = Mailbox(config.data_dir / "mailbox", port=smtp_port, on_message=on_mail).start()
    except OSError as exc:
        raise click.ClickException(
            f"The demo could not listen on 127.0.0.1 ({exc}). Is another demo running? Stop it or pass --site-port/--smtp-port."
        ) from exc
    click.secho(
        f"Demo site:    http://127.0.0.1:{site.port}/ja/feed.xml and /en/feed.xml (new posts every {site.release_every:.0f} s)",
        fg="cyan",
    )
    click.secho(f"Demo mailbox: smtp://127.0.0.1:{mailbox.port} → {mailbox.folder}", fg="cyan")
    click.secho(f"Config:       {config.config_path}  (data in {config.data_dir})", fg="cyan")
    click.secho(
        "Search in another terminal:  .venv/bin/mamori search 詐欺 --config examples/mamori.toml", fg="cyan"
    )
    for line in _demo_accounts(config):
        click.secho(line, fg="cyan")
    click.echo("")
    shown = {"search": False}

    def on_tick(daemon: Any) -> None:
        if daemon.indexed and not shown["search"] and _all_sources_ran(daemon):
            shown["search"] = True
            _show_search(config)

    daemon = Daemon(config_path, on_tick=on_tick)
    signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    try:
        daemon.run(duration=duration)
    except KeyboardInterrupt:
        daemon.stop()
    finally:
        mailbox.stop()
        site.stop()
    click.secho(
        f"\nDemo stopped: {daemon.indexed} hit(s) indexed, {daemon.alerts_sent} alert(s) delivered to the mailbox "
        f"({mailbox.folder}).",
        fg="green",
    )


def _demo_accounts(config: Any) -> list[str]:
    """A legal account and an employee account (E001) with fresh random passwords."""
    import secrets

    from crawler.state import State
    from portal.accounts import Accounts

    accounts = Accounts(State.from_config(config).engine)
    lines = [f"Portal:       http://{config.portal.host}:{config.portal.port}/  (sign in as)"]
    for username, role, employee in (("legal", "legal", None), ("misaki", "employee", "E001")):
        password = secrets.token_urlsafe(9)
        if accounts.by_username(username) is None:
            accounts.add(username, password, role, employee_id=employee)
        else:
            accounts.set_password(username, password)
        who = "the legal team" if role == "legal" else f"employee {employee}, 田中 美咲"
        lines.append(f"              {username} / {password}   ({who})")
    return lines


def _all_sources_ran(daemon: Any) -> bool:
    from sqlalchemy import func, select

    from crawler.handoff import pending
    from crawler.state import runs

    with daemon.state.engine.connect() as conn:
        done = conn.execute(
            select(func.count(func.distinct(runs.c.source))).where(runs.c.status == "ok")
        ).scalar_one()
    return bool(done >= len(daemon.config.sources) and pending(daemon.state) == 0)


def _show_search(config: Any) -> None:
    from index import open_index
    from index.base import SearchRequest

    index = open_index(config, readonly=True)
    for query in ("詐欺", "Minato"):
        result = index.search(SearchRequest(text=query, size=3))
        click.secho(f"\n🔎 mamori search {query!r}: {result.total} hit(s)", fg="green", bold=True)
        for hit in result.hits:
            labels = ", ".join(hit.doc.get("labels", []))
            snippet = (
                hit.snippet.replace("\n", " ").replace("<mark>", "\x1b[1;33m").replace("</mark>", "\x1b[0m")
            )
            click.echo(f"   [{hit.doc.get('severity', '').upper()}] {labels}: {snippet}")
    click.echo("")
