"""Identity rules: correspondents (addresses), patients, links and their verification.

Pure. A correspondent is an address (E.164 phone, lower-cased email, chat session,
or an unparseable sender kept raw and flagged). Parents write for children and
families share phones, so nothing links automatically: an agent links, an agent
or a one-time code verifies. A link is *trusted* (threading across addresses,
cross-conversation history) only when the link is verified and the address is
verified.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from relais_shared.phones import normalise_phone

Relation = Literal["self", "parent", "carer", "care_home"]
RELATIONS: tuple[str, ...] = ("self", "parent", "carer", "care_home")
VerificationMethod = Literal["agent", "otp"]

OTP_DIGITS = 6
OTP_TTL = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class NormalisedAddress:
    """What the router stores for a sender address."""

    address: str
    kind: str
    raw: str | None
    unparsed: bool = False
    is_mobile: bool = False
    number_type: str | None = None

    def reachable_by(self, channel: str, contact_channel: str) -> bool:
        """Can a notice on `channel` reach this address? An SMS answers a phone that texted
        us, or a number of the library's MOBILE type — never a landline that only called."""
        if channel != "sms":
            return True
        return (self.kind == "phone" and not self.unparsed
                and (contact_channel == "sms" or self.is_mobile))


def normalise_address(address: str, kind: str, raw: str | None, region: str) -> NormalisedAddress:
    """The correspondent key for a sender, read in the site's region.

    Phones (and unparsed senders intake could not read) are re-read from the raw
    text with the site's region: intake does not know the site's region when it
    normalises, so a national 0692… at a Réunion site is +262692…, not +33692….
    """
    if kind == "email":
        return NormalisedAddress(address.strip().lower(), "email", raw)
    if kind in ("phone", "other"):
        source = raw if raw and raw.strip() else address
        phone = normalise_phone(source, region)
        if phone.parsed:
            return NormalisedAddress(
                phone.address, "phone", raw, is_mobile=phone.is_mobile,
                number_type=phone.number_type,
            )
        return NormalisedAddress(phone.address or address.strip(), kind, raw, unparsed=True)
    return NormalisedAddress(address.strip(), kind, raw)


def query_address(address: str, region: str) -> str:
    """An address an agent typed (phone in any format, or email), keyed like the router keys it."""
    text = address.strip()
    if "@" in text:
        return text.lower()
    return normalise_phone(text, region).address


@dataclass(frozen=True)
class Link:
    """A correspondent-patient link as the rules need it."""

    patient_id: uuid.UUID
    relation: str
    verified: bool


def trusted(link_verified: bool, address_verified: bool) -> bool:
    return link_verified and address_verified


def trusted_patient(links: Sequence[Link], address_verified: bool) -> uuid.UUID | None:
    """The one patient an address speaks for, or None when unverified, unlinked or ambiguous.

    A care home or a parent of two linked children is ambiguous: the contact
    threads on the address alone and an agent picks the patient.
    """
    patients = {link.patient_id for link in links if trusted(link.verified, address_verified)}
    return next(iter(patients)) if len(patients) == 1 else None


# --- one-time codes ---------------------------------------------------------------------

OtpState = Literal["valid", "expired", "locked", "used"]


def new_code() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def code_digest(code_id: uuid.UUID, code: str) -> str:
    """The stored form of a code (keyed by its row id, so equal codes differ)."""
    return hmac.new(code_id.bytes, code.strip().encode(), hashlib.sha256).hexdigest()


def code_matches(code_id: uuid.UUID, code: str, digest: str) -> bool:
    return hmac.compare_digest(code_digest(code_id, code), digest)


def otp_state(
    *, expires_at: datetime, attempts: int, consumed_at: datetime | None, now: datetime
) -> OtpState:
    if consumed_at is not None:
        return "used"
    if attempts >= OTP_MAX_ATTEMPTS:
        return "locked"
    if now >= expires_at:
        return "expired"
    return "valid"


def otp_text(clinic: str, code: str, lang: str) -> str:
    """Privacy-safe: the clinic's name and the code, nothing about the patient or care."""
    minutes = int(OTP_TTL.total_seconds() // 60)
    if lang == "en":
        return (f"{clinic}: your verification code is {code}. It expires in {minutes} minutes."
                " Never share it except with the clinic's staff.")
    return (f"{clinic} : votre code de vérification est {code}. Il expire dans {minutes} minutes."
            " Ne le communiquez qu'au personnel du cabinet.")
