"""Webhooks as Twilio sends them to Relais: form fields, the signed URL, X-Twilio-Signature.

The one builder every dev tool uses (the sandbox's patient phone, `relais send-sms`,
`relais simulate`, benches), so what they send is signed exactly like intake verifies it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

from .twilio import compute_signature

SIGNATURE_HEADER: Final = "X-Twilio-Signature"
API_VERSION: Final = "2010-04-01"
SMS_WEBHOOK_PATH: Final = "/v1/channels/sms/twilio"
VOICE_WEBHOOK_PATH: Final = "/v1/channels/voice/twilio"
VOICE_DIAL_PATH: Final = "/v1/channels/voice/twilio/dial"
USER_AGENT: Final = "TwilioProxy/1.1"


def new_message_sid() -> str:
    """`SM` + 32 hex digits, like Twilio's message SIDs."""
    return "SM" + uuid.uuid4().hex


def new_call_sid() -> str:
    """`CA` + 32 hex digits, like Twilio's call SIDs."""
    return "CA" + uuid.uuid4().hex


def webhook_url(public_url: str, path: str) -> str:
    """Intake's public base URL (possibly with a path prefix) + the webhook path."""
    return public_url.rstrip("/") + "/" + path.lstrip("/")


def sms_form(
    account_sid: str, sender: str, to: str, body: str, sid: str | None = None
) -> dict[str, str]:
    """The core fields of an incoming-SMS webhook (a text message, no media)."""
    return {
        "MessageSid": sid or new_message_sid(),
        "AccountSid": account_sid,
        "From": sender,
        "To": to,
        "Body": body,
        "NumMedia": "0",
    }


def twilio_sms_form(
    account_sid: str, sender: str, to: str, body: str, sid: str | None = None
) -> dict[str, str]:
    """The incoming-SMS webhook with the extra fields Twilio also sends (legacy SIDs, status)."""
    form = sms_form(account_sid, sender, to, body, sid)
    form.update(
        {
            "SmsSid": form["MessageSid"],
            "SmsMessageSid": form["MessageSid"],
            "SmsStatus": "received",
            "NumSegments": "1",
            "ApiVersion": API_VERSION,
        }
    )
    return form


def incoming_call_form(account_sid: str, caller: str, called: str, call_sid: str) -> dict[str, str]:
    """The voice webhook Twilio posts when a call comes in (the number's Voice URL)."""
    return {
        "CallSid": call_sid,
        "AccountSid": account_sid,
        "From": caller,
        "To": called,
        "Caller": caller,
        "Called": called,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": API_VERSION,
    }


def dial_action_form(
    account_sid: str, caller: str, called: str, call_sid: str, dial_status: str
) -> dict[str, str]:
    """The `<Dial action>` callback: how the dialled leg ended (no-answer, busy, completed…)."""
    form = incoming_call_form(account_sid, caller, called, call_sid)
    form.update(
        {
            "CallStatus": "in-progress",
            "DialCallStatus": dial_status,
            "DialCallDuration": "0",
        }
    )
    return form


@dataclass(frozen=True)
class SignedWebhook:
    """A form POST ready to send: the exact URL, the form, and its signature headers."""

    url: str
    form: dict[str, str]
    headers: dict[str, str]


def sign_webhook(auth_token: str, url: str, form: dict[str, str]) -> SignedWebhook:
    """Sign `form` for `url` (query included) as Twilio does."""
    headers = {
        SIGNATURE_HEADER: compute_signature(auth_token, url, form.items()),
        "User-Agent": USER_AGENT,
    }
    return SignedWebhook(url, form, headers)


def signed_sms_webhook(
    *,
    public_url: str,
    auth_token: str,
    account_sid: str,
    sender: str,
    to: str,
    body: str,
    sid: str | None = None,
) -> SignedWebhook:
    """An incoming SMS from `sender` to the clinic number `to`, signed for intake."""
    url = webhook_url(public_url, SMS_WEBHOOK_PATH)
    return sign_webhook(auth_token, url, twilio_sms_form(account_sid, sender, to, body, sid))
