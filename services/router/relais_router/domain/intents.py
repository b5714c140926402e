"""Explicit intent signals: what the patient chose before writing a word.

An IVR digit, a chat menu choice, the mailbox they wrote to (rdv@, ordonnances@ …) or
an SMS keyword names the team more reliably than any reading of the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .lexicon.intents import DEFAULT_IVR_MENU, GENERIC_MAILBOXES, TEAM_ALIASES
from .text import fold

# How much each signal is trusted (a confidence, like the classifier's).
SIGNAL_CONFIDENCE = {"ivr_digit": 0.95, "chat_choice": 0.95, "intent": 0.95,
                     "mailbox": 0.85, "sms_keyword": 0.8}
_IVR_KEYS = ("ivr_digit", "digits", "Digits", "ivr_choice")
_CHAT_KEYS = ("chat_choice", "chat_menu", "menu_choice", "topic")
_SMS_KEYWORD_MAX_WORDS = 12


@dataclass(frozen=True)
class ExplicitSignal:
    team: str
    source: str  # "ivr_digit" | "chat_choice" | "intent" | "mailbox" | "sms_keyword"
    value: str

    @property
    def confidence(self) -> float:
        return SIGNAL_CONFIDENCE[self.source]


def team_for_alias(value: str) -> str | None:
    """The team a menu label, mailbox name or keyword stands for, if any."""
    folded = fold(value).strip()
    if not folded:
        return None
    for candidate in (value.strip().lower(), folded, folded.replace(" ", "-")):
        if candidate in TEAM_ALIASES:
            return TEAM_ALIASES[candidate]
    return None


def _mailbox_team(recipient: str | None) -> tuple[str, str] | None:
    if not recipient or "@" not in recipient:
        return None
    local = recipient.strip().strip("<>").split("@", 1)[0].lower()
    local = local.split("+", 1)[0]
    if local in GENERIC_MAILBOXES:
        return None
    team = team_for_alias(local) or team_for_alias(local.replace(".", "-").replace("_", "-"))
    return (team, local) if team else None


def _sms_keyword_team(text: str | None) -> tuple[str, str] | None:
    """A first word in capitals that names a team ("RDV jeudi 10h ?", "ORDO svp")."""
    if not text:
        return None
    words = text.strip().split()
    if not words or len(words) > _SMS_KEYWORD_MAX_WORDS:
        return None
    first = words[0].strip(".,:;!?-")
    if len(first) < 3 or not first.isupper():
        return None
    team = team_for_alias(first)
    return (team, first) if team else None


def explicit_signal(
    channel: str,
    recipient: str | None,
    text: str | None,
    metadata: Mapping[str, Any],
    ivr_menu: Mapping[str, str] | None = None,
) -> ExplicitSignal | None:
    """The strongest explicit signal present, or None."""
    # The intent the channel resolved (intake's IVR menu maps the digit to what the caller
    # heard; an integrator names it) wins over re-reading a bare digit with our menu.
    intent = metadata.get("intent")
    if isinstance(intent, str) and (team := team_for_alias(intent)):
        return ExplicitSignal(team, "intent", intent)
    menu = ivr_menu or DEFAULT_IVR_MENU
    for key in _IVR_KEYS:
        digit = metadata.get(key)
        if digit is not None and str(digit).strip() in menu:
            return ExplicitSignal(menu[str(digit).strip()], "ivr_digit", str(digit).strip())
    for key in _CHAT_KEYS:
        choice = metadata.get(key)
        if isinstance(choice, str) and (team := team_for_alias(choice)):
            return ExplicitSignal(team, "chat_choice", choice)
    if channel == "email" or (recipient and "@" in recipient):
        found = _mailbox_team(recipient)
        if found:
            return ExplicitSignal(found[0], "mailbox", found[1])
    if channel == "sms":
        keyword = _sms_keyword_team(text)
        if keyword:
            return ExplicitSignal(keyword[0], "sms_keyword", keyword[1])
    return None
