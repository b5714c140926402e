"""The SMTP sink: an aiosmtpd server in the sandbox's event loop that keeps every mail.

It accepts any sender and recipient (it is a sink: nothing is relayed) and hands each
message to a callback. A port already in use is reported, not fatal: the HTTP side of the
sandbox keeps working and `/mail` says the sink is not listening.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from relais_shared.logging import get_logger

log = get_logger(__name__)

STOP_GRACE_S = 2.0
MailCallback = Callable[[bytes, str, list[str]], int]


class SinkHandler:
    """aiosmtpd handler: every DATA is stored through `on_mail`, which returns the mail id."""

    def __init__(self, on_mail: MailCallback) -> None:
        self._on_mail = on_mail

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mail_id = self._on_mail(raw, str(envelope.mail_from or ""), list(envelope.rcpt_tos))
        return f"250 2.0.0 OK: kept as mail {mail_id}"


class SmtpSink:
    def __init__(
        self, on_mail: MailCallback, host: str, port: int, *, max_bytes: int = 10 * 1024 * 1024
    ) -> None:
        self._handler = SinkHandler(on_mail)
        self.host = host
        self.requested_port = port
        self.max_bytes = max_bytes
        self.port: int | None = None
        self.error: str | None = None
        self._server: asyncio.base_events.Server | None = None

    @property
    def listening(self) -> bool:
        return self._server is not None

    def _protocol(self) -> SMTP:
        return SMTP(
            self._handler,
            hostname="relais-sandbox",
            ident="Relais sandbox SMTP sink",
            data_size_limit=self.max_bytes,
            enable_SMTPUTF8=True,
        )

    async def start(self) -> bool:
        """Listen on host:port (0: any free port); False, with `error` set, when it cannot."""
        loop = asyncio.get_running_loop()
        try:
            self._server = await loop.create_server(self._protocol, self.host, self.requested_port)
        except OSError as exc:
            self.error = f"cannot listen on {self.host}:{self.requested_port}: {exc.strerror}"
            log.warning("smtp_sink_not_listening", port=self.requested_port, error=exc.strerror)
            return False
        self.port = int(self._server.sockets[0].getsockname()[1])
        self.error = None
        log.info("smtp_sink_listening", port=self.port)
        return True

    async def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()
        # Python 3.12+ waits for open sessions here: an idle client must not hold shutdown.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), STOP_GRACE_S)

    def status(self) -> dict[str, Any]:
        return {
            "listening": self.listening,
            "host": self.host,
            "port": self.port if self.listening else self.requested_port,
            "error": self.error,
        }
