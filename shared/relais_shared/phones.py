"""Phone numbers as Relais keys them: E.164 read in a region, or the raw text, flagged.

Pure (phonenumbers is a library without I/O). Intake and the router read senders
with this one function. France and its overseas departments
share one national numbering plan: a patient at a metropolitan site may give a
Réunion mobile as 0692…, and a Réunion site receives metropolitan 06… numbers.
So a national number at a site of that plan is read in each of its regions
(the plan gives 0692 to Réunion, 0596 to Martinique …). A number written with
its country code is taken as written. "Mobile" is the library's MOBILE type,
never a prefix test. Senders with letters are names (an alphanumeric sender such
as "LABO779211"), never vanity numbers: the library would read letters as keypad
digits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import phonenumbers
from phonenumbers import CountryCodeSource, PhoneNumberType

# Regions sharing the French national numbering plan (0 + 9 digits everywhere).
FRENCH_PLAN_REGIONS: tuple[str, ...] = ("FR", "RE", "YT", "GP", "BL", "MF", "MQ", "GF", "PM")
# Longest input handed to the parser; anything longer is not a phone number.
MAX_RAW = 64

_TYPE_NAMES = {
    value: name
    for name, value in vars(PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}


@dataclass(frozen=True)
class PhoneNumber:
    """A phone address: E.164 when it parsed, the trimmed raw text (flagged) otherwise."""

    address: str
    raw: str
    parsed: bool
    valid: bool = False
    is_mobile: bool = False
    number_type: str | None = None
    region: str | None = None

    @property
    def unparsed(self) -> bool:
        return not self.parsed


def _unparsed(raw: str) -> PhoneNumber:
    return PhoneNumber(address=raw.strip(), raw=raw, parsed=False)


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None


def _described(number: phonenumbers.PhoneNumber, raw: str, valid: bool) -> PhoneNumber:
    kind = phonenumbers.number_type(number) if valid else PhoneNumberType.UNKNOWN
    return PhoneNumber(
        address=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        raw=raw,
        parsed=True,
        valid=valid,
        is_mobile=kind == PhoneNumberType.MOBILE,
        number_type=_TYPE_NAMES.get(kind, "UNKNOWN"),
        region=phonenumbers.region_code_for_number(number) if valid else None,
    )


def _french_plan_reading(digits: str, site_region: str) -> phonenumbers.PhoneNumber | None:
    """The valid reading of national digits (0XXXXXXXXX) in the French plan.

    A range valid in the overseas regions of one country code only (0692 → +262, 0596 →
    +596, even where the metropolitan metadata also accepts it) is that overseas number,
    wherever the site is. A range valid in several overseas codes is non-geographic
    (0800 …): the site's own reading, else the metropolitan one.
    """
    readings: dict[str, phonenumbers.PhoneNumber] = {}
    for region in FRENCH_PLAN_REGIONS:
        candidate = _parse(digits, region)
        if candidate is not None and phonenumbers.is_valid_number(candidate):
            readings[region] = candidate
    overseas = [r for r in readings if r != "FR"]
    if len({readings[r].country_code for r in overseas}) == 1:
        return readings[site_region] if site_region in overseas else readings[overseas[0]]
    return readings.get(site_region) or readings.get("FR")


@functools.lru_cache(maxsize=65_536)  # pure; repeat senders skip the parser (~0.2 ms)
def normalise_phone(raw: str, region: str = "FR") -> PhoneNumber:
    """E.164 read in the site's `region` (French overseas plan aware); unparseable: raw, flagged.

    A number that is possible but not valid (a range the library does not know yet)
    keeps its E.164 form with `valid=False`: rejecting a real patient's number is worse.
    """
    trimmed = raw.strip()
    if not trimmed or len(trimmed) > MAX_RAW or any(c.isalpha() for c in trimmed):
        return _unparsed(raw)
    region = (region or "FR").upper()
    number = _parse(trimmed, region)
    if number is None:
        return _unparsed(raw)
    national = number.country_code_source == CountryCodeSource.FROM_DEFAULT_COUNTRY
    reading: phonenumbers.PhoneNumber | None = None
    if national and region in FRENCH_PLAN_REGIONS:
        reading = _french_plan_reading("0" + phonenumbers.national_significant_number(number), region)
    elif phonenumbers.is_valid_number(number):
        reading = number
    if reading is not None:
        return _described(reading, raw, valid=True)
    if phonenumbers.is_possible_number(number):
        return _described(number, raw, valid=False)
    return _unparsed(raw)
