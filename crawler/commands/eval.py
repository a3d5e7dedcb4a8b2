"""``mamori eval …``: measure detectors on labelled data.

Each module in :mod:`crawler.evaluation` that defines ``command`` becomes a sub-command
(``text``, ``faces``, ``voice``)."""

from __future__ import annotations

import pkgutil
from importlib import import_module

import click


@click.group(name="eval")
def command() -> None:
    """Evaluate detectors on labelled data (precision, recall, error rates)."""


def _register() -> None:
    import crawler.evaluation as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = import_module(f"{package.__name__}.{info.name}")
        sub = getattr(module, "command", None)
        if isinstance(sub, click.Command):
            command.add_command(sub)


_register()
