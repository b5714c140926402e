"""The sandbox provider's use cases: create a message, run its status lifecycle, inspect, reset.

The HTTP layer calls these; I/O comes in through the callback client and the journal
passed to the constructor (bootstrap.py wires them).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from relais_shared.logging import get_logger

from . import metrics
from .adapters.callbacks import CallbackResult
from .domain import reserved
from .domain.errors import TwilioError
from .domain.faults import FaultPlan, InjectedFault
from .domain.lifecycle import (
    CallbackChaos,
    Emission,
    StatusStep,
    Timing,
    callback_params,
    plan_emissions,
    status_steps,
)
from .domain.messages import CallbackRecord, Message, new_message_sid
from .domain.segments import count_segments, encoding_of
from .domain.senders import SenderConfig
from .domain.store import MessageStore
from .domain.validation import CreateRequest, normalize_phone, validate_create

log = get_logger(__name__)


class CallbackClient(Protocol):
    async def post(self, url: str, params: list[tuple[str, str]]) -> CallbackResult: ...


class Journal(Protocol):
    def append(self, message: Message) -> None: ...
    def needs_compaction(self) -> bool: ...
    def rewrite(self, messages: list[Message]) -> None: ...
    def clear(self) -> None: ...


@dataclass(frozen=True)
class SandboxConfig:
    account_sid: str
    auth_token: str
    senders: SenderConfig
    timing: Timing
    chaos: CallbackChaos


class SandboxService:
    def __init__(
        self,
        config: SandboxConfig,
        store: MessageStore,
        callbacks: CallbackClient,
        *,
        journal: Journal | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self.store = store
        self.faults = FaultPlan()
        self.chaos = config.chaos
        self._callbacks = callbacks
        self._journal = journal
        self._rng = rng or random.Random()
        self._clock = clock
        self._sleep = sleep
        self._lifecycles: set[asyncio.Task[None]] = set()
        self._listeners: list[Callable[[Message], None]] = []
        metrics.STORED_MESSAGES.set(len(store))

    def add_listener(self, listener: Callable[[Message], None]) -> None:
        """Call `listener` whenever a message is created or changes status (the patient phone)."""
        self._listeners.append(listener)

    def _changed(self, message: Message) -> None:
        for listener in self._listeners:
            listener(message)

    # -- creating -------------------------------------------------------------------------

    def take_fault(self, request: CreateRequest) -> InjectedFault | None:
        """The fault injected into this create request, if one is planned for it."""
        to = normalize_phone(request.to) if request.to else None
        fault = self.faults.take(to)
        if fault is not None:
            metrics.FAULTS_INJECTED.labels(fault.mode).inc()
        return fault

    def create_message(self, request: CreateRequest) -> Message:
        """Accept a message (status queued, or accepted via the Messaging Service) or raise."""
        try:
            valid = validate_create(request, self.config.senders)
            reserved.check_creatable(valid.to)
        except TwilioError as exc:
            metrics.CREATE_REJECTED.labels(str(exc.code)).inc()
            raise
        now = self._clock()
        via_service = valid.from_ is None
        message = Message(
            sid=new_message_sid(),
            account_sid=self.config.account_sid,
            to=valid.to,
            from_=valid.from_,
            body=valid.body,
            status="accepted" if via_service else "queued",
            sender_kind=valid.sender_kind,
            messaging_service_sid=valid.messaging_service_sid,
            status_callback=valid.status_callback,
            num_segments=count_segments(valid.body),
            encoding=encoding_of(valid.body),
            date_created=now,
            date_updated=now,
        )
        self.store.add(message)
        self._persist(message)
        self._changed(message)
        metrics.MESSAGES_CREATED.labels(message.sender_kind).inc()
        metrics.STORED_MESSAGES.set(len(self.store))
        steps = status_steps(reserved.outcome_for(message.to), via_service, self.config.timing)
        emissions = plan_emissions(len(steps), self.chaos, self._rng)
        task = asyncio.create_task(self._run_lifecycle(message, steps, emissions))
        self._lifecycles.add(task)
        task.add_done_callback(self._lifecycle_done)
        log.info(
            "message_created",
            sid=message.sid,
            sender_kind=message.sender_kind,
            segments=message.num_segments,
        )
        return message

    # -- lifecycle --------------------------------------------------------------------------

    async def _run_lifecycle(
        self, message: Message, steps: list[StatusStep], emissions: list[Emission]
    ) -> None:
        """Advance the message on its timeline; callbacks go out on their own queue, so a
        slow or failing receiver never holds the provider-side status back."""
        outbox: asyncio.Queue[Emission | None] = asyncio.Queue()
        url = message.status_callback
        sender = (
            asyncio.create_task(self._send_callbacks(message, url, steps, outbox)) if url else None
        )
        try:
            for index, step in enumerate(steps):
                await self._sleep(step.after)
                if step.status == "queued" and message.from_ is None:
                    message.from_ = self.config.senders.service_number
                message.advance(step.status, self._clock(), step.error_code, step.error_message)
                self._persist(message)
                self._changed(message)
                for emission in emissions:
                    if emission.after_step == index:
                        outbox.put_nowait(emission)
            outbox.put_nowait(None)
            if sender is not None:
                await sender
        finally:
            if sender is not None and not sender.done():
                sender.cancel()

    async def _send_callbacks(
        self,
        message: Message,
        url: str,
        steps: list[StatusStep],
        outbox: asyncio.Queue[Emission | None],
    ) -> None:
        while (emission := await outbox.get()) is not None:
            step = steps[emission.step]
            result = await self._callbacks.post(url, callback_params(message, step))
            message.record_callback(
                CallbackRecord(
                    step.status,
                    result.outcome,
                    result.attempts,
                    result.http_status,
                    self._clock(),
                    emission.duplicate,
                )
            )
            metrics.CALLBACKS.labels(step.status, result.outcome).inc()
            if result.outcome != "ok":
                log.warning(
                    "status_callback_not_delivered",
                    sid=message.sid,
                    status=step.status,
                    outcome=result.outcome,
                    attempts=result.attempts,
                    http_status=result.http_status,
                )

    def _lifecycle_done(self, task: asyncio.Task[None]) -> None:
        self._lifecycles.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("message_lifecycle_crashed", exc_info=task.exception())

    def _persist(self, message: Message) -> None:
        if self._journal is None:
            return
        self._journal.append(message)
        if self._journal.needs_compaction():
            self._journal.rewrite(self.store.oldest_first())

    # -- admin ------------------------------------------------------------------------------

    def set_chaos(self, chaos: CallbackChaos) -> None:
        self.chaos = chaos

    async def reset(self) -> None:
        """Forget every message and fault, stop pending callbacks, restore the chaos setting."""
        await self._cancel_lifecycles()
        self.store.clear()
        self.faults.clear()
        self.chaos = self.config.chaos
        if self._journal is not None:
            self._journal.clear()
        metrics.STORED_MESSAGES.set(0)

    @property
    def lifecycles_running(self) -> int:
        """Messages whose statuses or callbacks are still to come."""
        return len(self._lifecycles)

    async def wait_idle(self) -> None:
        """Wait until every message has reached its final status and sent its callbacks."""
        while self._lifecycles:
            await asyncio.gather(*list(self._lifecycles), return_exceptions=True)

    async def close(self) -> None:
        await self._cancel_lifecycles()

    async def _cancel_lifecycles(self) -> None:
        tasks = list(self._lifecycles)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
