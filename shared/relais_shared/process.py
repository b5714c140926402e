"""Running a service process: uvicorn plus background tasks, stopped in order."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any

import uvicorn
import uvloop

from .logging import get_logger

log = get_logger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the process owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run(main: Coroutine[Any, Any, Any]) -> None:
    """Run a process's main coroutine on uvloop: libuv's event loop spends a fraction of
    asyncio's CPU per socket operation, and every Relais process is socket-bound.

    What the imports built (lexicons, schemas, phone metadata) lives as long as the process:
    frozen out of the cyclic garbage collector, which then only walks what requests create,
    and less often (the per-event objects are acyclic and freed by reference counting)."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    uvloop.run(main)


def http_server(app: Any, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
    )
    return _Server(config)


async def run_until_signalled(
    tasks: list[Coroutine[Any, Any, Any]],
    stop: Callable[[], Awaitable[None]],
    *,
    deadline: float = 20.0,
) -> None:
    """Run `tasks` until SIGTERM/SIGINT or until one ends; then call `stop` within a deadline.

    A task that fails makes the whole process fail (the supervisor restarts it).
    """
    loop = asyncio.get_running_loop()
    signalled = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, signalled.set)
    running = [asyncio.create_task(t) for t in tasks]
    waiter = asyncio.create_task(signalled.wait())
    done, _ = await asyncio.wait([*running, waiter], return_when=asyncio.FIRST_COMPLETED)
    log.info("shutting_down", signalled=signalled.is_set())
    try:
        await asyncio.wait_for(stop(), deadline)
    finally:
        pending = [t for t in running if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=deadline)
        for t in running:
            if not t.done():
                t.cancel()
        waiter.cancel()
    for t in done:
        if t is not waiter and not t.cancelled() and t.exception() is not None:
            raise t.exception()  # type: ignore[misc]
