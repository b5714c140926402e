"""Twilio-compatible voice webhooks: call forms in, ContactReceived out.

A call makes at most one contact per (CallSid, kind): the `<Dial action>` callback says
whether a person answered (`call_answered`) or not (`missed_call`); a status callback for a
call that ended before any Dial is a `missed_call` too (same dedupe key, so both paths are
one contact); a `<Record>` callback is a `voicemail` of the same call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Literal

from relais_shared.events import Address, ContactReceived
from relais_shared.phones import normalise_phone

from .sms import FormParams, InvalidWebhook, _address, _matching, _single

CallKind = Literal["missed_call", "call_answered", "voicemail"]

_SID: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STATUS: Final = re.compile(r"^[A-Za-z_-]{1,32}$")
_DIGITS: Final = re.compile(r"^[0-9]{1,9}$")
_MENU_DIGIT: Final = re.compile(r"^[0-9]$")
_TRANSCRIPT_MAX: Final = 10_000

# How the dialled leg ended (DialCallStatus) and what the patient experienced.
ANSWERED_DIAL: Final = frozenset({"completed", "answered"})
MISSED_DIAL: Final = frozenset({"busy", "no-answer", "failed", "canceled"})
# The parent call's CallStatus values that mean it is over.
TERMINAL_CALL: Final = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
NON_TERMINAL_CALL: Final = frozenset({"queued", "initiated", "ringing", "in-progress"})

# Caller ids that name no one: Twilio's spelled-out markers (ANONYMOUS, RESTRICTED,
# BLOCKED, UNAVAIL, UNKNOWN on a keypad) and the words carriers send.
WITHHELD_CALLER_IDS: Final = frozenset(
    {
        "+266696687",
        "266696687",
        "+7378742833",
        "7378742833",
        "+2562533",
        "2562533",
        "+8656696",
        "8656696",
        "+86282452253",
        "86282452253",
        "anonymous",
        "restricted",
        "blocked",
        "private",
        "unknown",
        "unavailable",
        "withheld",
        "unavail",
    }
)


@dataclass(frozen=True)
class CallFields:
    """The fields every voice webhook carries that intake uses."""

    call_sid: str
    account_sid: str | None
    caller: str  # From / Caller, as sent (may be a withheld marker or empty)
    called: str  # To / Called: the clinic number


@dataclass(frozen=True)
class CallOutcome:
    """What one webhook says about the call, ready to become a contact."""

    call: CallFields
    kind: CallKind
    metadata: dict[str, object]
    text: str | None = None
    recording_sid: str | None = None


def is_withheld(caller: str) -> bool:
    """True when the caller id names no reachable number."""
    folded = caller.strip().lower()
    return not folded or folded in WITHHELD_CALLER_IDS


def parse_call(params: FormParams) -> CallFields:
    """CallSid and the clinic number are required; the caller may be withheld (empty)."""
    call_sid = (_single(params, "CallSid") or "").strip()
    called = (_single(params, "To", "Called") or "").strip()
    missing = [name for name, value in (("CallSid", call_sid), ("To", called)) if not value]
    if missing:
        raise InvalidWebhook("missing-field", "required fields are missing", missing)
    account_sid = (_single(params, "AccountSid") or "").strip() or None
    if account_sid is not None:
        _matching(account_sid, _SID, "AccountSid")
    return CallFields(
        call_sid=_matching(call_sid, _SID, "CallSid"),
        account_sid=account_sid,
        caller=_address(_single(params, "From", "Caller") or "", "From"),
        called=_address(called, "To"),
    )


def _status(params: FormParams, name: str) -> str:
    value = (_single(params, name) or "").strip()
    if not value:
        raise InvalidWebhook("missing-field", "required fields are missing", [name])
    return _matching(value, _STATUS, name).lower()


def _seconds(params: FormParams, name: str) -> int | None:
    raw = (_single(params, name) or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not _DIGITS.match(raw):
        raise InvalidWebhook("invalid-field", f"{name} is not a number of seconds", [name])
    return int(raw)


def parse_dial(params: FormParams) -> CallOutcome:
    """The `<Dial action>` callback: answered → call_answered, not answered → missed_call."""
    call = parse_call(params)
    dial_status = _status(params, "DialCallStatus")
    if dial_status in ANSWERED_DIAL:
        kind: CallKind = "call_answered"
    elif dial_status in MISSED_DIAL:
        kind = "missed_call"
    else:
        raise InvalidWebhook("invalid-field", "DialCallStatus is not known", ["DialCallStatus"])
    metadata: dict[str, object] = {"dial_status": dial_status, "ended_by": "dial"}
    duration = _seconds(params, "DialCallDuration")
    if duration is not None:
        metadata["dial_duration_s"] = duration
    return CallOutcome(call, kind, metadata)


def parse_call_status(params: FormParams) -> tuple[CallFields, str]:
    """A call status callback: the call and its CallStatus (lower case)."""
    call = parse_call(params)
    status = _status(params, "CallStatus")
    if status not in TERMINAL_CALL | NON_TERMINAL_CALL:
        raise InvalidWebhook("invalid-field", "CallStatus is not known", ["CallStatus"])
    return call, status


def missed_before_dial(call: CallFields, call_status: str) -> CallOutcome | None:
    """A call that ended with no Dial callback is a missed call; a call still going is nothing."""
    if call_status not in TERMINAL_CALL:
        return None
    return CallOutcome(call, "missed_call", {"call_status": call_status, "ended_by": "hangup"})


def parse_recording(params: FormParams) -> CallOutcome:
    """The `<Record action>` callback: a voicemail, its audio left at the provider for now."""
    call = parse_call(params)
    recording_sid = (_single(params, "RecordingSid") or "").strip()
    if not recording_sid:
        raise InvalidWebhook("missing-field", "required fields are missing", ["RecordingSid"])
    _matching(recording_sid, _SID, "RecordingSid")
    transcript = (_single(params, "TranscriptionText") or "").strip() or None
    if transcript is not None and len(transcript) > _TRANSCRIPT_MAX:
        raise InvalidWebhook(
            "invalid-field", "TranscriptionText is too long", ["TranscriptionText"]
        )
    # RecordingUrl is deliberately not kept: fetching it needs the account's credentials,
    # and the audio is not downloaded in this slice (recording_pending tells the router).
    metadata: dict[str, object] = {
        "recording_pending": True,
        "recording_sid": recording_sid,
        "transcribed": transcript is not None,
    }
    duration = _seconds(params, "RecordingDuration")
    if duration is not None:
        metadata["recording_duration_s"] = duration
    return CallOutcome(call, "voicemail", metadata, text=transcript, recording_sid=recording_sid)


def menu_digit(value: str | None, menu: Mapping[str, str]) -> str | None:
    """The caller's menu choice: a digit the menu offers, else None. A key it does not offer
    (*, #, 7 …) is no choice rather than an error: an error would hang up on the caller."""
    value = (value or "").strip()
    return value if value in menu else None


def carried_digit(value: str | None, name: str) -> str | None:
    """The menu choice our own TwiML put in an action URL: one digit or nothing."""
    value = (value or "").strip()
    if not value:
        return None
    if not _MENU_DIGIT.match(value):
        raise InvalidWebhook("invalid-field", f"{name} is not one menu digit", [name])
    return value


def with_menu_choice(
    outcome: CallOutcome, digit: str | None, menu: Mapping[str, str]
) -> CallOutcome:
    """The outcome with the caller's menu choice in its metadata: `ivr_digit` (what the
    router's explicit-signal step reads) and the `intent` it stands for here."""
    if digit is None:
        return outcome
    metadata = {**outcome.metadata, "ivr_digit": digit}
    if digit in menu:
        metadata["intent"] = menu[digit]
    return replace(outcome, metadata=metadata)


def voice_dedupe_key(call_sid: str, kind: CallKind, recording_sid: str | None = None) -> str:
    """One contact per (CallSid, kind); a voicemail also names its recording."""
    key = f"voice:{call_sid}:{kind}"
    return f"{key}:{recording_sid}" if recording_sid else key


def caller_address(call: CallFields, region: str) -> tuple[Address, dict[str, object]]:
    """The sender and the flags it adds to metadata.

    A withheld caller gets an address of its own call (`withheld:<CallSid>`, kind other,
    no raw), so strangers who hide their number never thread together while one call's
    missed call and voicemail still do; nobody can be called back there.
    """
    if is_withheld(call.caller):
        address = Address(address=f"withheld:{call.call_sid}", kind="other")
        return address, {"caller_withheld": True}
    phone = normalise_phone(call.caller, region)
    flags: dict[str, object] = {} if phone.parsed else {"sender_unparsed": True}
    kind = "phone" if phone.parsed else "other"
    return Address(address=phone.address, kind=kind, raw=call.caller), flags


def build_voice_contact(
    outcome: CallOutcome, *, contact_id: str, received_at: datetime, region: str
) -> ContactReceived:
    """Normalise a call outcome into a ContactReceived."""
    call = outcome.call
    sender, flags = caller_address(call, region)
    provider_ids = {"CallSid": call.call_sid}
    if call.account_sid:
        provider_ids["AccountSid"] = call.account_sid
    if outcome.recording_sid:
        provider_ids["RecordingSid"] = outcome.recording_sid
    return ContactReceived(
        contact_id=contact_id,
        channel="voice",
        kind=outcome.kind,
        dedupe_key=voice_dedupe_key(call.call_sid, outcome.kind, outcome.recording_sid),
        sender=sender,
        recipient=normalise_phone(call.called, region).address,
        text=outcome.text,
        provider_ids=provider_ids,
        received_at=received_at,
        metadata={**outcome.metadata, **flags},
    )
