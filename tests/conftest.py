"""Shared fixtures: a configuration written into a temporary folder, a replay server on
127.0.0.1, the shared recorded data, and crawls run in child processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from demo.site import DemoSite
from tests.replay import ReplayServer

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MAMORI_SHARED_DATA", REPO.parent / "shared" / "data"))

ROSTER = """employee_id,name,reading,romaji,aliases
E001,田中 美咲,たなか みさき,Tanaka Misaki,みさきち;Misa
E002,佐藤 健太,さとう けんた,Sato Kenta,
E003,高橋 由美,たかはし ゆみ,Takahashi Yumi,ゆみりん
"""

BASE_CONFIG = """
[company]
name = "ミナト通信"
aliases = ["ミナト通信", "みなと通信", "Minato Tsushin", "ミナト"]

[roster]
file = "roster.csv"

[storage]
data_dir = "data"

[crawler]
download_delay = 0.0
autothrottle = false
"""


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"The shared recorded data is not at {SHARED_DATA} (set MAMORI_SHARED_DATA).")
    return SHARED_DATA


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    yield server
    server.stop()


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Write ``mamori.toml`` (base + ``extra`` TOML) and the roster into ``tmp_path`` (or into
    ``folder``, for several configurations in one test)."""

    def _make(
        extra: str = "", *, roster: str = ROSTER, base: str = BASE_CONFIG, folder: Path | None = None
    ) -> Path:
        target = folder or tmp_path
        target.mkdir(parents=True, exist_ok=True)
        (target / "roster.csv").write_text(roster, encoding="utf-8")
        path = target / "mamori.toml"
        path.write_text(textwrap.dedent(base) + "\n" + textwrap.dedent(extra), encoding="utf-8")
        return path

    return _make


@pytest.fixture
def site() -> Iterator[DemoSite]:
    """The demo's local site on 127.0.0.1 with its first 100 posts published."""
    s = DemoSite(port=0, initial=100).start()
    yield s
    s.stop()


def demo_sources(site: DemoSite) -> str:
    """``[[sources]]`` for the demo site's Japanese board (``board``) and English reviews
    (``reviews``)."""
    return f"""
        [[sources]]
        type = "rss"
        name = "board"
        url = "http://127.0.0.1:{site.port}/ja/feed.xml"
        schedule = "1m"

        [[sources]]
        type = "rss"
        name = "reviews"
        url = "http://127.0.0.1:{site.port}/en/feed.xml"
        schedule = "1m"
        """


def mamori(
    *args: str, cwd: Path | None = None, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the real ``mamori`` CLI in a child process (each crawl needs a fresh reactor)."""
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or REPO,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"mamori {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def crawl(config: Path, source: str, *extra: str) -> dict[str, Any]:
    """Crawl ``source`` with the real CLI in a child process; return its JSON summary."""
    out = mamori("crawl", source, "--config", str(config), "--json", *extra).stdout
    return json.loads(out.strip().splitlines()[-1])
