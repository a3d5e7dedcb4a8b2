"""The options every ``mamori eval faces|voice`` command shares, defined once so the two
interfaces cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def gallery_probe_options(files: str, score: str) -> Callable[[Any], Any]:
    """``--gallery DIR --probes DIR [--predictions OUT.jsonl] [--json]``; ``files`` names what
    the identity folders hold, ``score`` what each prediction line reports."""

    def decorate(func: Any) -> Any:
        for option in reversed(
            (
                click.option(
                    "--gallery",
                    type=click.Path(file_okay=False, path_type=Path),
                    required=True,
                    help=f"One sub-folder per identity to enrol, holding {files}.",
                ),
                click.option(
                    "--probes",
                    type=click.Path(file_okay=False, path_type=Path),
                    required=True,
                    help="One sub-folder per identity; identities absent from the gallery are impostors.",
                ),
                click.option(
                    "--predictions",
                    type=click.Path(dir_okay=False),
                    default=None,
                    help=f"Write one JSON line per probe file: file, predicted identity or null, {score}.",
                ),
                click.option("--json", "as_json", is_flag=True, help="Print the report as JSON."),
            )
        ):
            func = option(func)
        return func

    return decorate
