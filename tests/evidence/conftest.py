"""Fixtures of the evidence tests: a configuration with a key outside the data directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.config import MamoriConfig, load_config
from crawler.items import Author, Finding, Post, Span


def evidence_config(tmp: Path, extra: str = "", *, local: bool = True) -> Path:
    """Write a minimal mamori.toml with an ``[evidence]`` section into ``tmp``; ``local``
    allows capturing the test servers on 127.0.0.1."""
    path = tmp / "mamori.toml"
    path.write_text(
        '[company]\nname = "ミナト通信"\naliases = ["ミナト通信", "Minato Tsushin"]\n\n'
        '[storage]\ndata_dir = "data"\n\n'
        "[evidence]\npage_timeout = 4\n"
        + ("" if "key_file" in extra else 'key_file = "keys/evidence.pem"\n')
        + ("allow_private_addresses = true\n" if local else "")
        + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def ev_config(tmp_path: Path) -> Callable[..., MamoriConfig]:
    def _make(extra: str = "", *, local: bool = True) -> MamoriConfig:
        return load_config(evidence_config(tmp_path, extra, local=local), check_sources=False)

    return _make


def make_post(
    url: str, *, text: str = "ミナト通信の田中美咲は無能", severity: str = "high", **kw: Any
) -> Post:
    return Post(
        platform=kw.pop("platform", "rss"),
        source=kw.pop("source", "board"),
        id=kw.pop("id", f"rss:{url}"),
        url=url,
        text=text,
        author=Author(handle="troll", display_name="名無しさん"),
        findings=[
            Finding(
                detector="detectors.lexicon.LexiconDetector",
                label="insult",
                severity=severity,
                score=0.9,
                explanation="An insult aimed at an employee.",
                spans=(Span(start=12, end=14, text="無能"),),
                employee_id="E001",
            )
        ],
        **kw,
    )
