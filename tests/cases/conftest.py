"""Fixtures for case tests: a configuration, a real tantivy index holding a hit, a clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.items import Post
from index.base import hit_document
from tests.alerts.conftest import Clock, clock, make_post, webhook

__all__ = ["Clock", "clock", "webhook"]


@pytest.fixture
def config(make_config: Callable[..., Path]) -> Any:
    return load_config(make_config(""), check_sources=False)


def index_posts(config: Any, *posts: Post) -> None:
    """Put hits in the real tantivy index as the daemon's writer would."""
    from index import open_index

    index = open_index(config)
    index.upsert([hit_document(p) for p in posts])
    index.commit()
    index.close()


@pytest.fixture
def indexed(config: Any) -> Post:
    post = make_post(7)
    index_posts(config, post)
    return post
