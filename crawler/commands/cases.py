"""``mamori cases``: open a case from a hit, list, show, assign, change status, add notes,
list legal clocks, write takedown drafts, re-check removals."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from crawler.commands._options import config_option, load

by_option = click.option("--by", "actor", default="", help="Who does it (default: the login name).")


def _store(config_path: str) -> tuple[Any, Any]:
    from cases.store import CaseStore

    config = load(config_path)
    return config, CaseStore(config)


def _actor(actor: str) -> str:
    return actor or getpass.getuser()


def _line(case: Any) -> str:
    return f"{case.id:>5}  {case.status:<21} {case.assignee or '-':<14} {case.platform:<10} {case.url}"


def _date(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD or an ISO timestamp.") from None
    if dt.tzinfo is None:  # a bare date or time means Japan time
        from alerts.rules import zone

        dt = dt.replace(tzinfo=zone("Asia/Tokyo"))
    return dt.astimezone(UTC)


@click.group(name="cases")
def command() -> None:
    """Cases: the legal workflow of a hit (statuses, audit log, clocks, drafts)."""


@command.command(name="open")
@config_option
@click.argument("hit_id")
@click.option("--reason", default="", help="Why this is unlawful (default: the findings' explanations).")
@click.option("--assignee", default="")
@by_option
def open_case(config_path: str, hit_id: str, reason: str, assignee: str, actor: str) -> None:
    """Open a case for the hit HIT_ID."""
    _, store = _store(config_path)
    case = store.open(hit_id, actor=_actor(actor), reason=reason, assignee=assignee)
    click.echo(f"Opened case {case.id} for {case.hit_id} ({case.url}).")


@command.command(name="list")
@config_option
@click.option("--status", default=None)
@click.option("--assignee", default=None)
@click.option("--open", "open_only", is_flag=True, help="Only cases that are not closed.")
@click.option("--json", "as_json", is_flag=True)
def list_cases(
    config_path: str, status: str | None, assignee: str | None, open_only: bool, as_json: bool
) -> None:
    """List cases."""
    _, store = _store(config_path)
    found = store.list(status=status, assignee=assignee, open_only=open_only)
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in found], ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(_line(c) for c in found) if found else "No cases.")


@command.command(name="show")
@config_option
@click.argument("case_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(config_path: str, case_id: int, as_json: bool) -> None:
    """Show a case, its clocks and its audit log."""
    from cases.clocks import case_clocks

    config, store = _store(config_path)
    case = store.get(case_id)
    tz = config.alerts.legal.timezone
    clocks = [c.to_dict(tz) for c in case_clocks(case, config, datetime.now(UTC))]
    events = [e.to_dict() for e in store.events(case_id)]
    if as_json:
        click.echo(
            json.dumps(
                {"case": case.to_dict(), "clocks": clocks, "events": events}, ensure_ascii=False, indent=2
            )
        )
        return
    click.echo(_line(case))
    click.echo(f"  hit {case.hit_id}; opened {case.opened_at:%Y-%m-%d %H:%M}Z; reason: {case.reason or '-'}")
    click.echo(f"  text: {case.text[:200]}")
    for c in clocks:
        click.echo(f"  clock {c['clock']}: {c['state']}, ends {c['due_local']}")
    for e in events:
        change = f" {e['from_status']} -> {e['to_status']}" if e["to_status"] else ""
        click.echo(f"  {e['at'][:16]}  {e['actor']:<12} {e['action']}{change} {e['detail'][:120]}")


@command.command(name="assign")
@config_option
@click.argument("case_id", type=int)
@click.argument("assignee")
@by_option
def assign(config_path: str, case_id: int, assignee: str, actor: str) -> None:
    """Assign a case to someone."""
    _, store = _store(config_path)
    case = store.assign(case_id, assignee, actor=_actor(actor))
    click.echo(f"Case {case.id} is assigned to {case.assignee}.")


@command.command(name="status")
@config_option
@click.argument("case_id", type=int)
@click.argument("status")
@click.option("--note", default="")
@by_option
def status(config_path: str, case_id: int, status: str, note: str, actor: str) -> None:
    """Move a case to STATUS (new, triaged, takedown_requested, removed, refused, escalated_to_counsel, closed)."""
    _, store = _store(config_path)
    case = store.set_status(case_id, status, actor=_actor(actor), note=note)
    click.echo(f"Case {case.id} is now {case.status}.")


@command.command(name="note")
@config_option
@click.argument("case_id", type=int)
@click.argument("text")
@by_option
def note(config_path: str, case_id: int, text: str, actor: str) -> None:
    """Add a note to the case's audit log."""
    _, store = _store(config_path)
    store.note(case_id, text, actor=_actor(actor))
    click.echo(f"Note added to case {case_id}.")


@command.command(name="identified")
@config_option
@click.argument("case_id", type=int)
@click.argument("when")
@by_option
def identified(config_path: str, case_id: int, when: str, actor: str) -> None:
    """Record when the offender was identified (starts the 6-month complaint clock)."""
    _, store = _store(config_path)
    store.set_date(case_id, "offender_identified_at", _date(when), actor=_actor(actor))
    click.echo(f"Case {case_id}: offender identified at {_date(when):%Y-%m-%d %H:%M}Z.")


@command.command(name="clocks")
@config_option
@click.option("--json", "as_json", is_flag=True)
def clocks(config_path: str, as_json: bool) -> None:
    """List due and overdue legal clocks of open cases."""
    from cases.clocks import TITLES, due_clocks

    config, store = _store(config_path)
    tz = config.alerts.legal.timezone
    found = [c.to_dict(tz) for c in due_clocks(config, store, datetime.now(UTC))]
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("No clock is due or overdue.")
    for c in found:
        click.echo(f"case {c['case_id']:>5}  {c['state'].upper():<8} {c['due_local']}  {TITLES[c['clock']]}")


@command.command(name="draft")
@config_option
@click.argument("case_id", type=int)
@click.option("--kind", type=click.Choice(["jp", "dmca", "report"]), default="jp", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the Markdown here.")
@click.option(
    "--pdf", type=click.Path(dir_okay=False, path_type=Path), help="Also print a PDF here (Chromium)."
)
def draft(config_path: str, case_id: int, kind: str, out: Path | None, pdf: Path | None) -> None:
    """Write a takedown draft for a case (Markdown on stdout unless --out)."""
    from cases.drafts import markdown_to_pdf, render_draft

    config, store = _store(config_path)
    text = render_draft(store.get(case_id), config, kind)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.")
    elif not pdf:
        click.echo(text)
    if pdf:
        click.echo(f"Wrote {markdown_to_pdf(text, pdf)}.")


@command.command(name="recheck")
@config_option
def recheck(config_path: str) -> None:
    """Re-fetch the URLs of cases with a takedown requested now (the daemon does it on a schedule)."""
    from cases.recheck import recheck_removals

    for r in recheck_removals(load(config_path)):
        click.echo(f"case {r.case_id:>5}  {r.outcome:<8} {r.reason:<18} {r.url}")
