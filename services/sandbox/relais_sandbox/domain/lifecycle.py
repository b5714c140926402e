"""A created message's status steps and the status callbacks they produce.

No callback is sent for the initial status (queued, or accepted through a Messaging
Service), as Twilio does. Like real providers, a callback is sometimes repeated and the last
two sometimes arrive out of order; the chaos rates say how often (0 turns it off).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .messages import API_VERSION, Message, MessageStatus
from .reserved import FinalOutcome


@dataclass(frozen=True)
class Timing:
    """Seconds between steps: queue → sent, then sent → final (delivery receipt)."""

    sent_after: float = 0.2
    final_after: float = 0.5


@dataclass(frozen=True)
class StatusStep:
    status: MessageStatus
    after: float  # seconds after the previous step
    error_code: int | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class CallbackChaos:
    duplicate_rate: float = 0.0
    reorder_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("duplicate_rate", "reorder_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0..1")


@dataclass(frozen=True)
class Emission:
    """Send the callback of step `step` once step `after_step` has happened."""

    after_step: int
    step: int
    duplicate: bool = False


def status_steps(outcome: FinalOutcome, via_service: bool, timing: Timing) -> list[StatusStep]:
    """The statuses a new message goes through after its initial one."""
    steps: list[StatusStep] = []
    if via_service:
        steps.append(StatusStep("queued", 0.0))
    if outcome.status == "failed":
        steps.append(
            StatusStep("failed", timing.sent_after, outcome.error_code, outcome.error_message)
        )
        return steps
    steps.append(StatusStep("sent", timing.sent_after))
    if outcome.status != "sent":
        steps.append(
            StatusStep(
                outcome.status, timing.final_after, outcome.error_code, outcome.error_message
            )
        )
    return steps


def plan_emissions(step_count: int, chaos: CallbackChaos, rng: random.Random) -> list[Emission]:
    """One callback per step in order, with the chaos applied (reordering the last two)."""
    emissions = [Emission(i, i) for i in range(step_count)]
    if step_count >= 2 and rng.random() < chaos.reorder_rate:
        last = step_count - 1
        emissions[-2:] = [Emission(last, last), Emission(last, last - 1)]
    planned: list[Emission] = []
    for emission in emissions:
        planned.append(emission)
        if rng.random() < chaos.duplicate_rate:
            planned.append(Emission(emission.after_step, emission.step, duplicate=True))
    return planned


def callback_params(message: Message, step: StatusStep) -> list[tuple[str, str]]:
    """The form a status callback carries for `step` (names as Twilio sends them)."""
    params = [
        ("AccountSid", message.account_sid),
        ("ApiVersion", API_VERSION),
        ("From", message.from_ or ""),
        ("MessageSid", message.sid),
        ("MessageStatus", step.status),
        ("SmsSid", message.sid),
        ("SmsStatus", step.status),
        ("To", message.to),
    ]
    if message.messaging_service_sid:
        params.append(("MessagingServiceSid", message.messaging_service_sid))
    if step.error_code is not None:
        params.append(("ErrorCode", str(step.error_code)))
    return params
