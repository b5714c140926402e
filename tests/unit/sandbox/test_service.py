"""The sandbox's use cases with a fake callback client and no delays (no I/O)."""

from __future__ import annotations

import asyncio
import random

import pytest
from relais_sandbox.adapters.callbacks import CallbackResult
from relais_sandbox.domain.errors import TwilioError
from relais_sandbox.domain.lifecycle import CallbackChaos, Timing
from relais_sandbox.domain.messages import Message
from relais_sandbox.domain.store import MessageStore
from relais_sandbox.domain.validation import CreateRequest
from relais_sandbox.service import SandboxConfig, SandboxService

from tests.unit.sandbox.factories import ACCOUNT, SENDERS, T0

pytestmark = pytest.mark.unit

CALLBACK = "http://relais.test/v1/channels/sms/twilio/status?nid=n1"


class FakeCallbacks:
    def __init__(self, outcome: str = "ok") -> None:
        self.posted: list[dict[str, str]] = []
        self.outcome = outcome

    async def post(self, url: str, params: list[tuple[str, str]]) -> CallbackResult:
        assert url == CALLBACK
        self.posted.append(dict(params))
        return CallbackResult(self.outcome, 1, 204 if self.outcome == "ok" else 503)  # type: ignore[arg-type]


class FakeJournal:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def append(self, message: Message) -> None:
        self.lines.append(message.status)

    def needs_compaction(self) -> bool:
        return False

    def rewrite(self, messages: list[Message]) -> None:
        self.lines = [m.status for m in messages]

    def clear(self) -> None:
        self.lines = []


NO_CHAOS = CallbackChaos()
NO_DELAY = Timing(0, 0)


def make_service(
    chaos: CallbackChaos = NO_CHAOS, timing: Timing = NO_DELAY, outcome: str = "ok"
) -> tuple[SandboxService, FakeCallbacks, FakeJournal]:
    callbacks, journal = FakeCallbacks(outcome), FakeJournal()
    config = SandboxConfig(ACCOUNT, "token", SENDERS, timing, chaos)
    service = SandboxService(
        config,
        MessageStore(100),
        callbacks,
        journal=journal,
        rng=random.Random(3),
        clock=lambda: T0,
    )
    return service, callbacks, journal


def request(to: str = "+33612345678", **extra: str) -> CreateRequest:
    form = {"To": to, "From": "+33939000000", "Body": "Bonjour", "StatusCallback": CALLBACK}
    form.update(extra)
    return CreateRequest.from_form(form)


async def test_create_queues_then_delivers_with_one_callback_per_change():
    service, callbacks, journal = make_service()
    message = service.create_message(request())
    assert message.status == "queued" and service.store.get(message.sid) is message
    await service.wait_idle()
    assert message.status == "delivered" and message.date_sent == T0
    assert [p["MessageStatus"] for p in callbacks.posted] == ["sent", "delivered"]
    assert [c.status for c in message.callbacks] == ["sent", "delivered"]
    assert journal.lines == ["queued", "sent", "delivered"]


async def test_no_status_callback_url_means_no_callbacks_but_the_status_still_moves():
    service, callbacks, _ = make_service()
    message = service.create_message(
        CreateRequest.from_form({"To": "+33612345678", "From": "+33939000000", "Body": "x"})
    )
    await service.wait_idle()
    assert message.status == "delivered" and callbacks.posted == []


async def test_chaos_duplicates_and_reorders_but_the_stored_status_is_the_true_one():
    service, callbacks, _ = make_service(CallbackChaos(duplicate_rate=1.0, reorder_rate=1.0))
    message = service.create_message(request())
    await service.wait_idle()
    assert [p["MessageStatus"] for p in callbacks.posted] == [
        "delivered",
        "delivered",
        "sent",
        "sent",
    ]
    assert message.status == "delivered"
    assert [c.duplicate for c in message.callbacks] == [False, True, False, True]


async def test_the_chaos_can_be_switched_off_at_runtime_and_reset_restores_it():
    chaos = CallbackChaos(duplicate_rate=1.0, reorder_rate=1.0)
    service, callbacks, _ = make_service(chaos)
    service.set_chaos(CallbackChaos())
    service.create_message(request())
    await service.wait_idle()
    assert [p["MessageStatus"] for p in callbacks.posted] == ["sent", "delivered"]
    await service.reset()
    assert service.chaos == chaos


async def test_a_reserved_number_ends_undelivered_with_its_error_code():
    service, callbacks, _ = make_service()
    message = service.create_message(request("+33600000003"))
    await service.wait_idle()
    assert message.status == "undelivered" and message.error_code == 30003
    assert [(p["MessageStatus"], p.get("ErrorCode")) for p in callbacks.posted] == [
        ("sent", None),
        ("undelivered", "30003"),
    ]


async def test_refusals_raise_twilio_errors_and_store_nothing():
    service, _, _ = make_service()
    for to, code in (("+33600021610", 21610), ("+33600021614", 21614)):
        with pytest.raises(TwilioError) as caught:
            service.create_message(request(to))
        assert caught.value.code == code
    assert len(service.store) == 0


async def test_messaging_service_send_is_accepted_then_gets_the_service_number():
    service, callbacks, _ = make_service()
    form = {
        "To": "+33612345678",
        "MessagingServiceSid": SENDERS.messaging_service_sid,
        "Body": "Bonjour",
        "StatusCallback": CALLBACK,
    }
    message = service.create_message(CreateRequest.from_form(form))
    assert message.status == "accepted" and message.from_ is None
    await service.wait_idle()
    assert message.from_ == SENDERS.service_number
    assert [p["MessageStatus"] for p in callbacks.posted] == ["queued", "sent", "delivered"]
    assert all(p["MessagingServiceSid"] == SENDERS.messaging_service_sid for p in callbacks.posted)


async def test_an_undelivered_callback_is_recorded_and_the_message_still_completes():
    service, _, _ = make_service(outcome="gave_up")
    message = service.create_message(request())
    await service.wait_idle()
    assert message.status == "delivered"
    assert [c.outcome for c in message.callbacks] == ["gave_up", "gave_up"]


async def test_faults_are_taken_per_recipient():
    service, _, _ = make_service()
    service.faults.add("http_500", 1, to="+33611111111")
    assert service.take_fault(request("+33622222222")) is None
    fault = service.take_fault(request("+33 6 11 11 11 11"))
    assert fault is not None and fault.mode == "http_500"


async def test_reset_forgets_everything_and_stops_pending_lifecycles():
    service, callbacks, journal = make_service(timing=Timing(sent_after=60, final_after=60))
    service.create_message(request())
    service.faults.add("http_429", 5)
    await asyncio.sleep(0)
    await service.reset()
    assert len(service.store) == 0 and service.faults.pending() == []
    assert service.lifecycles_running == 0 and callbacks.posted == [] and journal.lines == []
