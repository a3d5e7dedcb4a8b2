"""``mamori portal``: serve the web portal; ``mamori portal user add|list``: manage accounts."""

from __future__ import annotations

import sys
import time

import click

from crawler.commands._options import config_option, load


@click.group(name="portal", invoke_without_command=True)
@config_option
@click.option("--host", default=None, help="Address to listen on (default: [portal] host).")
@click.option("--port", type=int, default=None, help="Port (default: [portal] port; 0 picks a free one).")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes sharing the listening socket (more throughput; each is one Python process).",
)
@click.pass_context
def command(
    ctx: click.Context,
    config_path: str,
    host: str | None,
    port: int | None,
    duration: float | None,
    workers: int,
) -> None:
    """Serve the portal (the legal desk and the employees' self-check) until stopped."""
    if ctx.invoked_subcommand is not None:
        return
    from portal import serve_in_thread

    config = load(config_path)
    if workers > 1:
        from portal.server import serve_workers

        def ready(address: tuple[str, int]) -> None:
            click.echo(
                f"mamori portal: http://{address[0]}:{address[1]}  ({workers} processes; Ctrl-C stops)"
            )

        serve_workers(config, workers, host=host, port=port, ready=ready)
        return
    server = serve_in_thread(config, host=host, port=port)
    click.echo(f"mamori portal: {server.url}  (Ctrl-C stops)")
    deadline = None if duration is None else time.monotonic() + duration
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@command.group(name="user")
def user() -> None:
    """Local portal accounts."""


@user.command(name="add")
@config_option
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "legal", "employee"]), required=True)
@click.option("--employee-id", default=None, help="The roster's employee id (required for employees).")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
def add(
    config_path: str,
    username: str,
    role: str,
    employee_id: str | None,
    display_name: str,
    password_stdin: bool,
) -> None:
    """Create an account. The password is prompted for (or read from stdin), never taken as an argument."""
    from crawler.exceptions import ConfigError
    from crawler.state import State
    from portal.accounts import Accounts

    config = load(config_path)
    if employee_id and len(config.employees) and config.employees.get(employee_id) is None:
        raise ConfigError(
            f"The employee id {employee_id!r} is not in the roster {config.roster.file if config.roster else ''}; "
            "use an id from the roster's employee_id column."
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts = Accounts(State.from_config(config).engine)
    created = accounts.add(username, password, role, employee_id=employee_id, display_name=display_name)
    click.echo(
        f"Created {created.role} account {created.username!r}"
        + (f" for employee {created.employee_id}." if created.employee_id else ".")
    )


@user.command(name="passwd")
@config_option
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the new password from standard input (first line)."
)
def passwd(config_path: str, username: str, password_stdin: bool) -> None:
    """Set a new password (also clears the account's failed sign-ins)."""
    from crawler.state import State
    from portal.accounts import Accounts

    config = load(config_path)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    Accounts(State.from_config(config).engine).set_password(username, password)
    click.echo(f"The password of {username!r} was changed.")


@user.command(name="disable")
@config_option
@click.argument("username")
@click.option("--enable", is_flag=True, help="Re-enable the account instead.")
def disable(config_path: str, username: str, enable: bool) -> None:
    """Disable an account (its sessions stop working at once), or re-enable it."""
    from crawler.state import State
    from portal.accounts import Accounts

    config = load(config_path)
    Accounts(State.from_config(config).engine).set_active(username, enable)
    click.echo(f"The account {username!r} is {'enabled' if enable else 'disabled'}.")


@user.command(name="list")
@config_option
def list_(config_path: str) -> None:
    """List the accounts (never their passwords)."""
    from crawler.state import State
    from portal.accounts import Accounts

    config = load(config_path)
    for u in Accounts(State.from_config(config).engine).list():
        click.echo(f"{u.username}\t{u.role}\t{u.employee_id or ''}\t{u.display_name}")
