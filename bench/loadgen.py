"""A lean HTTP/1.1 keep-alive POST client for load generation (the generator's own CPU
must stay small next to the system under test; httpx costs ~1 ms of CPU a request)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode, urlsplit


class RawPoster:
    def __init__(self, url: str, connections: int) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._path = parts.path + (f"?{parts.query}" if parts.query else "")
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(connections)

    async def post_form(self, form: dict[str, str], headers: dict[str, str]) -> int:
        """POST a form; returns the HTTP status (0 when the connection failed)."""
        body = urlencode(form).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"POST {self._path} HTTP/1.1\r\nHost: {self._host}:{self._port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"{head}\r\n"
        ).encode() + body
        async with self._slots:
            status = await self._exchange(request, reuse=True)
            # A kept-alive connection the server closed while idle fails before any
            # answer: that is the client's doing, so try once on a fresh connection.
            return status if status else await self._exchange(request, reuse=False)

    async def _exchange(self, request: bytes, *, reuse: bool) -> int:
        conn = self._idle.pop() if (reuse and self._idle) else None
        try:
            if conn is None:
                conn = await asyncio.open_connection(self._host, self._port)
            reader, writer = conn
            writer.write(request)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            self._idle.append(conn)
            return status
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            if conn is not None:
                conn[1].close()
            return 0

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()
