"""Fixtures for alert tests: a real SMTP server (aiosmtpd), a webhook receiver, a clock."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.items import Author, Finding, Post, Span
from demo.mailbox import Mailbox
from tests.replay import ReplayServer, Reply, Request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Clock:
    """A controllable clock: ``clock()`` is the time, ``clock.advance(minutes=5)`` moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    # 2026-03-02 10:00 JST (a Monday morning)
    return Clock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[Mailbox]:
    box = Mailbox(tmp_path / "mail", port=free_port()).start()
    yield box
    box.stop()


class Webhook:
    """A local HTTP receiver for Apprise ``json://`` posts; ``down = True`` answers 503."""

    def __init__(self) -> None:
        self.server = ReplayServer()
        self.down = False
        self.received: list[dict[str, Any]] = []
        self.server.add("/hook", self._handle)
        self.server.start()

    def _handle(self, req: Request) -> Reply:
        if self.down:
            return Reply("down", status=503, content_type="text/plain")
        self.received.append(json.loads(req.body))
        return Reply("{}")

    @property
    def url(self) -> str:
        return self.server.base_url.replace("http://", "json://") + "/hook"

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.stop()


def mail_url(box: Mailbox, to: str = "legal@example.com") -> str:
    return f"mailto://127.0.0.1:{box.port}?mode=insecure&from=mamori@example.com&to={to}"


def mails(box: Mailbox) -> list[str]:
    return [p.read_text(errors="replace") for p in sorted(box.folder.glob("*.eml"))]


def make_post(
    n: int = 1,
    *,
    severity: str = "high",
    label: str = "insult",
    thread: str | None = None,
    employee: str | None = "E001",
    platform: str = "rss",
    source: str = "news",
    author: str = "troll",
) -> Post:
    text = f"ミナト通信の田中はバカだ post {n}"
    return Post(
        platform=platform,
        source=source,
        id=f"{platform}:{n}",
        url=f"https://example.org/p/{n}",
        text=text,
        author=Author(handle=author),
        thread_id=thread,
        published_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        findings=[
            Finding(
                detector="lexicon",
                label=label,
                severity=severity,
                score=0.9,
                explanation="insult word",
                spans=(Span(11, 13, "バカ"),),
                employee_id=employee,
            )
        ],
    )


@pytest.fixture
def load(make_config: Callable[..., Path]) -> Callable[[str], Any]:
    def _load(extra: str) -> Any:
        return load_config(make_config(extra), check_sources=False)

    return _load


class CliResult:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def cli(*args: str, check: bool = True) -> CliResult:
    """Run the real ``mamori`` click group in this process (cheaper than a child process)."""
    import logging

    from click.testing import CliRunner

    from crawler.cli import main

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:  # main() reconfigures logging onto the runner's streams: undo it
        root.handlers[:] = handlers
        root.setLevel(level)
    out = CliResult(result.exit_code, result.stdout, result.stderr)
    if check and result.exit_code != 0:
        raise AssertionError(
            f"mamori {' '.join(args)} exited {result.exit_code}:\n{out.stdout}\n{out.stderr}"
        )
    return out
