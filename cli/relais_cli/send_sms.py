"""Send one Twilio-signed inbound SMS webhook to intake, as Twilio would.

The form and its signature come from `relais_shared.twilio_webhooks`, the builder the
sandbox's patient phone and `relais simulate` use too.
"""

from __future__ import annotations

import os

import httpx
from relais_shared.twilio_webhooks import SMS_WEBHOOK_PATH, sign_webhook, sms_form

WEBHOOK_PATH = SMS_WEBHOOK_PATH
DEFAULT_ACCOUNT_SID = "ACdev00000000000000000000000000000"
DEFAULT_AUTH_TOKEN = "dev-only-change-me-twilio"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8081"


def account_sid() -> str:
    return os.environ.get("RELAIS_TWILIO_ACCOUNT_SID", DEFAULT_ACCOUNT_SID)


def auth_token() -> str:
    return os.environ.get("RELAIS_TWILIO_AUTH_TOKEN", DEFAULT_AUTH_TOKEN)


def public_url() -> str:
    return os.environ.get("RELAIS_PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/")


def signed_sms_form(sender: str, to: str, text: str, sid: str | None = None) -> dict[str, str]:
    return sms_form(account_sid(), sender, to, text, sid)


def send_signed_sms(sender: str, to: str, text: str, url: str | None = None) -> tuple[int, str]:
    url = url or public_url() + WEBHOOK_PATH
    webhook = sign_webhook(auth_token(), url, signed_sms_form(sender, to, text))
    response = httpx.post(url, data=webhook.form, headers=webhook.headers, timeout=10)
    return response.status_code, response.text
