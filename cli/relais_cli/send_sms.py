"""Send one Twilio-signed inbound SMS webhook to intake, as Twilio would."""

from __future__ import annotations

import os
import uuid

import httpx
from relais_shared.twilio import compute_signature

WEBHOOK_PATH = "/v1/channels/sms/twilio"


def signed_sms_form(sender: str, to: str, text: str, sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": os.environ.get("RELAIS_TWILIO_ACCOUNT_SID", "ACdev00000000000000000000000000000"),
        "From": sender,
        "To": to,
        "Body": text,
        "NumMedia": "0",
    }


def send_signed_sms(sender: str, to: str, text: str, url: str | None = None) -> tuple[int, str]:
    public = os.environ.get("RELAIS_PUBLIC_URL", "http://127.0.0.1:8081").rstrip("/")
    url = url or public + WEBHOOK_PATH
    token = os.environ.get("RELAIS_TWILIO_AUTH_TOKEN", "dev-only-change-me-twilio")
    form = signed_sms_form(sender, to, text)
    signature = compute_signature(token, url, form.items())
    response = httpx.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10)
    return response.status_code, response.text
