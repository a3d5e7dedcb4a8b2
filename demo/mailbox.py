"""A local mailbox for the demo: an SMTP server on 127.0.0.1 (aiosmtpd) that stores every
message it receives as a ``.eml`` file and reports it to a callback."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, folder: Path, on_message: Callable[[email.message.EmailMessage], None] | None) -> None:
        self.folder = folder
        self.on_message = on_message
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        data = envelope.original_content or envelope.content
        (self.folder / f"{self.count:05d}.eml").write_bytes(data)
        if self.on_message:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            self.on_message(msg)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class Mailbox:
    def __init__(
        self,
        folder: Path,
        host: str = "127.0.0.1",
        port: int = 8025,
        on_message: Callable[[email.message.EmailMessage], None] | None = None,
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.handler = _Handler(folder, on_message)
        self.controller = Controller(self.handler, hostname=host, port=port)

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def start(self) -> Mailbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
