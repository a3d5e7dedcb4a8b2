"""Options shared by several sub-commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from crawler.config import MamoriConfig

DEFAULT_CONFIG = "mamori.toml"

config_option = click.option(
    "-c",
    "--config",
    "config_path",
    default=DEFAULT_CONFIG,
    envvar="MAMORI_CONFIG",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The mamori TOML configuration file (env: MAMORI_CONFIG).",
)


def load(config_path: str) -> MamoriConfig:
    from crawler.config import load_config

    return load_config(config_path)
