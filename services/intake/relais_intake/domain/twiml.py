"""The TwiML intake answers calls with: greeting and emergency numbers, Dial, voicemail."""

from __future__ import annotations

from typing import Final
from xml.sax.saxutils import escape, quoteattr

VOICE_PATH: Final = "/v1/channels/voice/twilio"
DIAL_PATH: Final = VOICE_PATH + "/dial"
RECORDING_PATH: Final = VOICE_PATH + "/recording"
DIAL_TIMEOUT_S: Final = 20
RECORD_MAX_S: Final = 120
LANGUAGE: Final = "fr-FR"
DEFAULT_CLINIC_NAME: Final = "votre cabinet médical"

EMERGENCY: Final = (
    "En cas d'urgence vitale appelez le 15 ou le 112 ; "
    "personnes sourdes ou malentendantes : 114 par SMS."
)
LEAVE_A_MESSAGE: Final = (
    "Nous ne pouvons pas vous répondre pour le moment. "
    "Laissez-nous un message après le bip, nous vous rappellerons."
)
THANKS: Final = "Merci, votre message a bien été enregistré. Au revoir."
EMPTY_TWIML: Final = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
_HEAD: Final = '<?xml version="1.0" encoding="UTF-8"?>'


def _response(*verbs: str) -> str:
    return f"{_HEAD}<Response>{''.join(verbs)}</Response>"


def _say(text: str) -> str:
    return f"<Say language={quoteattr(LANGUAGE)}>{escape(text)}</Say>"


def _url(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + path


def _record(public_url: str) -> str:
    action = quoteattr(_url(public_url, RECORDING_PATH))
    return f'<Record maxLength="{RECORD_MAX_S}" action={action}/>'


def greeting(clinic_name: str | None) -> str:
    """Who answers, then the emergency numbers, every time."""
    name = (clinic_name or "").strip() or DEFAULT_CLINIC_NAME
    return f"Bonjour, vous êtes bien chez {name}. {EMERGENCY}"


def _dial_target(line: str) -> str:
    line = line.strip()
    if line.lower().startswith("sip:"):
        return f"<Sip>{escape(line)}</Sip>"
    return f"<Number>{escape(line)}</Number>"


def incoming_call_twiml(public_url: str, clinic_name: str | None, line: str | None) -> str:
    """Greeting, emergency wording, then Dial to the site's line (its action reports the
    outcome) and nothing after; with no line configured, straight to voicemail."""
    say = _say(greeting(clinic_name))
    if not line or not line.strip():
        return _response(say, _say(LEAVE_A_MESSAGE), _record(public_url))
    action = quoteattr(_url(public_url, DIAL_PATH))
    dial = f'<Dial timeout="{DIAL_TIMEOUT_S}" action={action}>{_dial_target(line)}</Dial>'
    return _response(say, dial)


def missed_call_twiml(public_url: str) -> str:
    """After an unanswered Dial: a short message, then a voicemail of up to 2 minutes."""
    return _response(_say(LEAVE_A_MESSAGE), _record(public_url))


def answered_call_twiml() -> str:
    """After an answered Dial the call is over: nothing more to play."""
    return _response("<Hangup/>")


def voicemail_recorded_twiml() -> str:
    """After the voicemail: thanks, then hang up."""
    return _response(_say(THANKS), "<Hangup/>")
