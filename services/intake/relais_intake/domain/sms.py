"""Twilio-compatible SMS webhooks: form fields in, ContactReceived / ProviderCallback out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from relais_shared.events import Address, ContactReceived, ProviderCallback

from .keywords import classify_keyword
from relais_shared.phones import normalise_phone

FormParams = Sequence[tuple[str, str]]

PROVIDER: Final = "twilio"
MAX_MEDIA: Final = 10  # Twilio's own cap per message
_SID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STATUS = re.compile(r"^[A-Za-z_-]{1,32}$")
_ERROR_CODE = re.compile(r"^[0-9A-Za-z_-]{1,16}$")
_NOTIFICATION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_ADDRESS_MAX = 320


class InvalidWebhook(Exception):
    """The provider's form cannot make an event; `reason` is a stable slug."""

    def __init__(self, reason: str, detail: str, fields: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.fields = list(fields)


@dataclass(frozen=True)
class InboundSms:
    """The fields of an incoming SMS webhook intake uses."""

    message_sid: str
    sender: str
    recipient: str
    body: str
    num_media: int
    account_sid: str | None


@dataclass(frozen=True)
class SmsStatus:
    """The fields of an SMS status callback intake forwards."""

    status: str
    message_sid: str
    error_code: str | None


def _single(params: FormParams, name: str, *aliases: str) -> str | None:
    """The one value of `name` (or an alias); refuses repeated, different values."""
    for candidate in (name, *aliases):
        values = {value for key, value in params if key == candidate}
        if len(values) > 1:
            raise InvalidWebhook("invalid-field", f"{candidate} is repeated", [candidate])
        if values:
            return values.pop()
    return None


def _required(params: FormParams, names: Sequence[str]) -> None:
    missing = [name for name in names if not (_single(params, name) or "").strip()]
    if missing:
        raise InvalidWebhook("missing-field", "required fields are missing", missing)


def _matching(value: str, pattern: re.Pattern[str], name: str) -> str:
    if not pattern.match(value):
        raise InvalidWebhook("invalid-field", f"{name} is not well-formed", [name])
    return value


def _address(value: str, name: str) -> str:
    if len(value.strip()) > _ADDRESS_MAX:
        raise InvalidWebhook("invalid-field", f"{name} is too long", [name])
    return value


def parse_inbound_sms(params: FormParams) -> InboundSms:
    """Check and extract an incoming SMS webhook's fields."""
    _required(params, ("MessageSid", "From", "To"))
    sid = _matching(_single(params, "MessageSid") or "", _SID, "MessageSid")
    account_sid = _single(params, "AccountSid") or None
    if account_sid is not None:
        _matching(account_sid, _SID, "AccountSid")
    raw_media = (_single(params, "NumMedia") or "").strip()
    if raw_media:
        if not raw_media.isascii() or not raw_media.isdigit() or int(raw_media) > MAX_MEDIA:
            raise InvalidWebhook("invalid-field", "NumMedia is not a count", ["NumMedia"])
        num_media = int(raw_media)
    else:
        num_media = sum(1 for key, _ in params if re.fullmatch(r"MediaUrl\d+", key))
    return InboundSms(
        message_sid=sid,
        sender=_address(_single(params, "From") or "", "From"),
        recipient=_address(_single(params, "To") or "", "To"),
        body=_single(params, "Body") or "",
        num_media=num_media,
        account_sid=account_sid,
    )


def parse_sms_status(params: FormParams) -> SmsStatus:
    """Check and extract an SMS status callback's fields (MessageStatus, or legacy SmsStatus)."""
    status = _single(params, "MessageStatus", "SmsStatus")
    sid = _single(params, "MessageSid", "SmsSid")
    missing = [n for n, v in (("MessageStatus", status), ("MessageSid", sid)) if not v]
    if missing:
        raise InvalidWebhook("missing-field", "required fields are missing", missing)
    assert status is not None and sid is not None
    error_code = (_single(params, "ErrorCode") or "").strip() or None
    if error_code is not None:
        _matching(error_code, _ERROR_CODE, "ErrorCode")
    return SmsStatus(
        status=_matching(status, _STATUS, "MessageStatus").lower(),
        message_sid=_matching(sid, _SID, "MessageSid"),
        error_code=error_code,
    )


def parse_notification_id(value: str | None) -> str:
    """The `nid` query parameter the notifier put in the StatusCallback URL."""
    if not value:
        raise InvalidWebhook("missing-notification-id", "the nid query parameter is required")
    return _matching(value, _NOTIFICATION_ID, "nid")


def sms_dedupe_key(message_sid: str) -> str:
    """The contact's dedupe key: a provider retry of one MessageSid is one contact."""
    return f"sms:{message_sid}"


def build_sms_contact(
    sms: InboundSms, *, contact_id: str, received_at: datetime, region: str
) -> ContactReceived:
    """Normalise an incoming SMS into a ContactReceived."""
    sender = normalise_phone(sms.sender, region)
    recipient = normalise_phone(sms.recipient, region)
    metadata: dict[str, object] = {"num_media": sms.num_media}
    if sms.num_media:
        # Media are not fetched yet (a later step stores them as attachment refs);
        # provider media URLs carry credentials-bearing paths and never enter events.
        metadata["media_pending"] = True
    if not sender.parsed:
        metadata["sender_unparsed"] = True
    provider_ids = {"MessageSid": sms.message_sid}
    if sms.account_sid:
        provider_ids["AccountSid"] = sms.account_sid
    return ContactReceived(
        contact_id=contact_id,
        channel="sms",
        kind=classify_keyword(sms.body),
        dedupe_key=sms_dedupe_key(sms.message_sid),
        sender=Address(
            address=sender.address, kind="phone" if sender.parsed else "other", raw=sms.sender
        ),
        recipient=recipient.address,
        text=sms.body or None,
        provider_ids=provider_ids,
        received_at=received_at,
        metadata=metadata,
    )


def build_status_callback(
    status: SmsStatus, *, notification_id: str, received_at: datetime
) -> ProviderCallback:
    """An SMS status callback as the notifier's ProviderCallback."""
    return ProviderCallback(
        notification_id=notification_id,
        provider=PROVIDER,
        channel="sms",
        status=status.status,
        error_code=status.error_code,
        provider_message_id=status.message_sid,
        received_at=received_at,
    )
