"""Phone number normalisation to E.164 (phonenumbers is a pure library, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

# Longest input we hand to the parser; anything longer is not a phone number.
_MAX_RAW = 64


@dataclass(frozen=True)
class NormalisedPhone:
    """A phone address: E.164 when it parsed, the trimmed raw text otherwise."""

    address: str
    raw: str
    parsed: bool


def normalise_phone(raw: str, region: str = "FR") -> NormalisedPhone:
    """E.164 for a possible number (national formats read in `region`), else the raw text."""
    trimmed = raw.strip()
    if not trimmed or len(trimmed) > _MAX_RAW:
        return NormalisedPhone(trimmed, raw, parsed=False)
    try:
        number = phonenumbers.parse(trimmed, region)
    except phonenumbers.NumberParseException:
        return NormalisedPhone(trimmed, raw, parsed=False)
    if not phonenumbers.is_possible_number(number):
        return NormalisedPhone(trimmed, raw, parsed=False)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return NormalisedPhone(e164, raw, parsed=True)
