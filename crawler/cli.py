"""The ``mamori`` command line.

Every module in :mod:`crawler.commands` that defines ``command`` (a click command or group)
becomes a sub-command, so adding a command is one file.
"""

from __future__ import annotations

import logging
import pkgutil
import sys
from importlib import import_module

import click

from crawler import __version__
from crawler.exceptions import MamoriError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MamoriError as exc:
            click.echo(f"mamori: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="mamori")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
def main(verbose: bool) -> None:
    """mamori (守り): find harassment of your company and staff, index it, alert the legal team."""
    logging.basicConfig(
        force=True,
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _register() -> None:
    import crawler.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = import_module(f"{package.__name__}.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
