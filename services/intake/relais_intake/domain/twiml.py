"""The TwiML intake answers calls with: greeting and emergency numbers, Dial, voicemail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

VOICE_PATH: Final = "/v1/channels/voice/twilio"
DIAL_PATH: Final = VOICE_PATH + "/dial"
RECORDING_PATH: Final = VOICE_PATH + "/recording"
MENU_PATH: Final = VOICE_PATH + "/menu"
MENU_TIMEOUT_S: Final = 6
# The query parameter that carries the caller's menu choice to the Dial and Record actions.
DIGIT_PARAM: Final = "ivr_digit"
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
# How the menu names each team (contract slugs); another intent is read as it is written.
MENU_LABELS: Final = {
    "rendez-vous": "un rendez-vous",
    "ordonnances": "une ordonnance",
    "resultats": "des résultats d'analyses ou d'imagerie",
    "facturation": "une question de facturation",
    "soins": "une question de soins",
    "relations-patients": "une réclamation ou une demande de dossier",
    "accueil": "toute autre demande",
}
EMPTY_TWIML: Final = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
_HEAD: Final = '<?xml version="1.0" encoding="UTF-8"?>'


def _response(*verbs: str) -> str:
    return f"{_HEAD}<Response>{''.join(verbs)}</Response>"


def _say(text: str) -> str:
    return f"<Say language={quoteattr(LANGUAGE)}>{escape(text)}</Say>"


def _url(public_url: str, path: str, digit: str | None = None) -> str:
    url = public_url.rstrip("/") + path
    return f"{url}?{urlencode({DIGIT_PARAM: digit})}" if digit else url


def _record(public_url: str, digit: str | None = None) -> str:
    action = quoteattr(_url(public_url, RECORDING_PATH, digit))
    return f'<Record maxLength="{RECORD_MAX_S}" action={action}/>'


def _dial(public_url: str, line: str, digit: str | None = None) -> str:
    action = quoteattr(_url(public_url, DIAL_PATH, digit))
    return f'<Dial timeout="{DIAL_TIMEOUT_S}" action={action}>{_dial_target(line)}</Dial>'


def greeting(clinic_name: str | None) -> str:
    """Who answers, then the emergency numbers, every time."""
    name = (clinic_name or "").strip() or DEFAULT_CLINIC_NAME
    return f"Bonjour, vous êtes bien chez {name}. {EMERGENCY}"


def _dial_target(line: str) -> str:
    line = line.strip()
    if line.lower().startswith("sip:"):
        return f"<Sip>{escape(line)}</Sip>"
    return f"<Number>{escape(line)}</Number>"


def menu_prompt(menu: Mapping[str, str]) -> str:
    """ "Pour un rendez-vous, tapez 1. …" in digit order."""
    return " ".join(
        f"Pour {MENU_LABELS.get(intent, intent)}, tapez {digit}."
        for digit, intent in sorted(menu.items())
    )


def _after_greeting(public_url: str, line: str | None, digit: str | None = None) -> list[str]:
    if not line or not line.strip():
        return [_say(LEAVE_A_MESSAGE), _record(public_url, digit)]
    return [_dial(public_url, line, digit)]


def incoming_call_twiml(
    public_url: str,
    clinic_name: str | None,
    line: str | None,
    menu: Mapping[str, str] | None = None,
) -> str:
    """Greeting, emergency wording, then Dial to the site's line (its action reports the
    outcome) and nothing after; with no line configured, straight to voicemail.

    With a menu, a one-digit Gather comes between: its action (/menu) answers the Dial;
    a caller who types nothing reaches /menu too, through the Redirect.
    """
    say = _say(greeting(clinic_name))
    if not menu:
        return _response(say, *_after_greeting(public_url, line))
    action = quoteattr(_url(public_url, MENU_PATH))
    gather = (
        f'<Gather numDigits="1" timeout="{MENU_TIMEOUT_S}" action={action}>'
        f"{_say(menu_prompt(menu))}</Gather>"
    )
    redirect = f'<Redirect method="POST">{escape(_url(public_url, MENU_PATH))}</Redirect>'
    return _response(say, gather, redirect)


def menu_choice_twiml(public_url: str, line: str | None, digit: str | None) -> str:
    """After the menu: Dial (or voicemail), the choice carried to the action URLs."""
    return _response(*_after_greeting(public_url, line, digit))


def missed_call_twiml(public_url: str, digit: str | None = None) -> str:
    """After an unanswered Dial: a short message, then a voicemail of up to 2 minutes."""
    return _response(_say(LEAVE_A_MESSAGE), _record(public_url, digit))


def answered_call_twiml() -> str:
    """After an answered Dial the call is over: nothing more to play."""
    return _response("<Hangup/>")


def voicemail_recorded_twiml() -> str:
    """After the voicemail: thanks, then hang up."""
    return _response(_say(THANKS), "<Hangup/>")
