"""The patient phone's use cases: text the clinic, simulate a missed call, follow the thread.

A patient's SMS goes to intake exactly as Twilio sends it: a form-encoded webhook signed with
X-Twilio-Signature (`relais_shared.twilio_webhooks`, the builder `relais simulate` uses too).
The thread merges what the patient sent with what the clinic sent through the sandbox, and
every change is an event the SSE stream forwards to the open pages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from relais_shared.logging import get_logger
from relais_shared.twilio_webhooks import (
    VOICE_DIAL_PATH,
    VOICE_WEBHOOK_PATH,
    SignedWebhook,
    dial_action_form,
    incoming_call_form,
    new_call_sid,
    sign_webhook,
    signed_sms_webhook,
    webhook_url,
)

from . import metrics
from .adapters.intake_webhooks import WebhookAnswer, WebhookUnreachable
from .domain.filters import MessageFilter
from .domain.messages import Message
from .domain.patient_phone import (
    DEFAULT_THREAD_LIMIT,
    PatientEntry,
    PatientLog,
    WebhookAttempt,
    entry_view,
    outbound_view,
    parse_clinic_number,
    parse_patient_number,
    parse_sms_body,
    thread_view,
)
from .domain.phone_events import PhoneEvent, PhoneEventKind, PhoneEventLog
from .domain.store import MessageStore

log = get_logger(__name__)

# What Twilio does when the incoming-call webhook fails: it plays an application error and
# hangs up, so no <Dial> happens and no dial callback follows.
SKIPPED_DIAL = "not sent: the incoming-call webhook was not accepted, so Twilio would hang up"


class WebhookSender(Protocol):
    async def post(self, webhook: SignedWebhook) -> WebhookAnswer: ...


@dataclass(frozen=True)
class PhoneConfig:
    account_sid: str
    auth_token: str
    public_url: str  # intake's external base URL (RELAIS_PUBLIC_URL)
    clinic_numbers: tuple[str, ...]  # the account's two-way numbers, the default first


class PatientPhone:
    def __init__(
        self,
        config: PhoneConfig,
        store: MessageStore,
        sender: WebhookSender,
        *,
        entries: PatientLog,
        events: PhoneEventLog,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.entries = entries
        self.events = events
        self._store = store
        self._sender = sender
        self._clock = clock
        self._changed = asyncio.Event()
        self._closed = False
        self.streams_open = 0

    # -- the patient's actions --------------------------------------------------------------

    async def send_sms(
        self, sender: str | None, clinic: str | None, body: str | None
    ) -> PatientEntry:
        """Text the clinic: the signed SMS webhook to intake, and intake's answer recorded."""
        patient = parse_patient_number(sender, "from")
        to = parse_clinic_number(clinic, self.config.clinic_numbers)
        text = parse_sms_body(body)
        webhook = signed_sms_webhook(
            public_url=self.config.public_url,
            auth_token=self.config.auth_token,
            account_sid=self.config.account_sid,
            sender=patient,
            to=to,
            body=text,
        )
        entry = PatientEntry(
            sid=webhook.form["MessageSid"],
            kind="sms",
            patient=patient,
            clinic=to,
            created=self._clock(),
            body=text,
            webhooks=[WebhookAttempt("sms", webhook.url)],
        )
        self.entries.add(entry)
        self._publish_entry(entry)
        await self._deliver(entry, entry.webhooks[0], webhook)
        return entry

    async def missed_call(self, caller: str | None, clinic: str | None) -> PatientEntry:
        """Call the clinic and nobody answers: the incoming-call webhook, then the `<Dial>`
        action callback with DialCallStatus=no-answer, as Twilio posts them."""
        patient = parse_patient_number(caller, "from")
        to = parse_clinic_number(clinic, self.config.clinic_numbers)
        call_sid = new_call_sid()
        account, token, base = (
            self.config.account_sid,
            self.config.auth_token,
            self.config.public_url,
        )
        incoming = sign_webhook(
            token,
            webhook_url(base, VOICE_WEBHOOK_PATH),
            incoming_call_form(account, patient, to, call_sid),
        )
        dial = sign_webhook(
            token,
            webhook_url(base, VOICE_DIAL_PATH),
            dial_action_form(account, patient, to, call_sid, "no-answer"),
        )
        entry = PatientEntry(
            sid=call_sid,
            kind="call",
            patient=patient,
            clinic=to,
            created=self._clock(),
            webhooks=[
                WebhookAttempt("incoming_call", incoming.url),
                WebhookAttempt("dial", dial.url),
            ],
        )
        self.entries.add(entry)
        self._publish_entry(entry)
        first, second = entry.webhooks
        await self._deliver(entry, first, incoming)
        if first.outcome == "accepted":
            await self._deliver(entry, second, dial)
        else:
            second.skip(SKIPPED_DIAL)
            self._publish_entry(entry)
        return entry

    async def _deliver(
        self, entry: PatientEntry, attempt: WebhookAttempt, webhook: SignedWebhook
    ) -> None:
        try:
            answer = await self._sender.post(webhook)
        except WebhookUnreachable as exc:
            attempt.unreachable(exc.reason, exc.duration_ms)
        else:
            attempt.answered(answer.status, answer.content_type, answer.text, answer.duration_ms)
        metrics.PATIENT_WEBHOOKS.labels(attempt.step, attempt.outcome).inc()
        log.info(
            "patient_webhook",
            sid=entry.sid,
            step=attempt.step,
            outcome=attempt.outcome,
            http_status=attempt.http_status,
            duration_ms=attempt.duration_ms,
        )
        self._publish_entry(entry)

    # -- the thread and its live events --------------------------------------------------------

    def thread(self, raw_number: str | None, limit: int = DEFAULT_THREAD_LIMIT) -> dict[str, Any]:
        """Both directions for one patient number, and the event id it is current to."""
        number = parse_patient_number(raw_number, "number")
        outbound = self._store.oldest_first(MessageFilter(to=number))
        return {
            "number": number,
            "entries": thread_view(self.entries.for_number(number), outbound, limit),
            "last_event_id": self.events.head,
        }

    def recent_numbers(self, limit: int = 10) -> list[str]:
        """Patient numbers recently seen: the phone's own contacts, then the clinic's sends."""
        numbers = dict.fromkeys(self.entries.recent_numbers(limit))
        for message in self._store.newest_first():
            if len(numbers) >= limit:
                break
            numbers.setdefault(message.to, None)
        return list(numbers)[:limit]

    def on_outbound(self, message: Message) -> None:
        """The sandbox created or advanced a message: tell the recipient's open threads."""
        self._publish(message.to, "entry", outbound_view(message))

    def _publish_entry(self, entry: PatientEntry) -> None:
        self._publish(entry.patient, "entry", entry_view(entry))

    def _publish(
        self, number: str | None, kind: PhoneEventKind, data: dict[str, Any]
    ) -> PhoneEvent:
        event = self.events.append(number, kind, data)
        self._changed.set()
        self._changed = asyncio.Event()
        return event

    def reset(self) -> None:
        """Forget the patients' contacts; open pages reload their (now empty) threads."""
        self.entries.clear()
        self._publish(None, "reset", {})

    async def wait_for_event(self, after_id: int, timeout: float) -> bool:
        """Wait until an event newer than `after_id` exists (True) or `timeout` passes."""
        changed = self._changed
        if self.events.head > after_id or self._closed:
            return True
        try:
            await asyncio.wait_for(changed.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """End every open stream (the process is stopping)."""
        self._closed = True
        self._changed.set()


def event_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
