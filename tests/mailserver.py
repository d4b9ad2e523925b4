"""A real SMTP server for tests: aiosmtpd on a free loopback port, keeping what arrives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """The aiosmtpd handler: keeps every accepted message; can die on the nth one."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.lock = threading.Lock()
        self.die_on: int | None = None
        self.controller: Controller | None = None
        self.delay = 0.0
        self.refuse: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        """Accept the recipient, or answer with the refusal set for the test."""
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Accept a message (or, on the chosen one, kill the server without answering)."""
        with self.lock:
            dying = self.die_on is not None and len(self.raw) + 1 == self.die_on
        if dying:
            self.die_on = None
            controller = self.controller
            assert controller is not None
            threading.Thread(target=controller.stop, daemon=True).start()
            await asyncio.sleep(60)  # cancelled by stop(): the client never hears back
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.raw.append(bytes(envelope.content))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed by the email package."""
        with self.lock:
            raw = list(self.raw)
        return [
            email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
            for data in raw
        ]


class MailServer:
    """One aiosmtpd server that can be stopped and started again on the same port.

    options go to aiosmtpd's Controller: tls_context with require_starttls, ssl_context (SMTP
    over TLS), authenticator with auth_require_tls.
    """

    def __init__(self, **options: Any) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None
        self.options = options

    def start(self) -> None:
        """Listen on 127.0.0.1:port."""
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.inbox.controller = self.controller
        self.controller.start()

    def stop(self) -> None:
        """Stop listening (no-op if already stopped)."""
        if self.controller is not None and self.controller._thread is not None:
            self.controller.stop()


@contextmanager
def running_mail_server(**options: Any) -> Iterator[MailServer]:
    """A started server (options as for MailServer), stopped afterwards."""
    server = MailServer(**options)
    server.start()
    try:
        yield server
    finally:
        server.stop()
