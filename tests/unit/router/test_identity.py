"""Identity rules: address keys, trusted links, one-time codes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais_router.domain import identity as rules

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
P1, P2 = uuid.UUID(int=1), uuid.UUID(int=2)


def test_phone_senders_are_re_read_from_raw_in_the_sites_region():
    # intake read "0692…" as metropolitan (+33692…); at a Réunion site it is +262692…
    address = rules.normalise_address("+33692123456", "phone", "0692123456", "RE")
    assert (address.address, address.kind, address.is_mobile, address.number_type) == (
        "+262692123456", "phone", True, "MOBILE")
    assert address.raw == "0692123456" and not address.unparsed


def test_a_sender_intake_could_not_read_stays_raw_and_flagged():
    address = rules.normalise_address("CLINIQUE", "other", "CLINIQUE", "FR")
    assert (address.address, address.kind, address.unparsed, address.is_mobile) == (
        "CLINIQUE", "other", True, False)


@pytest.mark.parametrize("raw, contact_channel, reachable", [
    ("0612345678", "voice", True),    # a mobile that called: the missed-call SMS can reach it
    ("0145678901", "voice", False),   # a landline that called: no SMS, the callback task only
    ("0145678901", "sms", True),      # it texted us (a fixed-line SMS service): it can be answered
    ("CLINIQUE", "sms", False),       # an unparsed alphanumeric sender
])
def test_an_sms_notice_goes_only_where_it_can_arrive(raw, contact_channel, reachable):
    address = rules.normalise_address(raw, "phone", raw, "FR")
    assert address.reachable_by("sms", contact_channel) is reachable
    assert address.reachable_by("email", contact_channel)


def test_emails_are_lower_cased_and_chat_sessions_kept():
    assert rules.normalise_address(" Marie@Example.FR ", "email", None, "FR").address == "marie@example.fr"
    assert rules.normalise_address("chat-AbC", "chat", None, "FR").address == "chat-AbC"


def test_typed_addresses_are_keyed_like_senders():
    assert rules.query_address("06 92 12 34 56", "RE") == "+262692123456"
    assert rules.query_address("06 12 34 56 78", "FR") == "+33612345678"
    assert rules.query_address("Marie@Example.fr", "FR") == "marie@example.fr"


def test_only_a_single_verified_link_on_a_verified_address_names_a_patient():
    verified = [rules.Link(P1, "self", True)]
    assert rules.trusted_patient(verified, address_verified=True) == P1
    assert rules.trusted_patient(verified, address_verified=False) is None  # address unconfirmed
    assert rules.trusted_patient([rules.Link(P1, "self", False)], True) is None  # link unconfirmed
    # a parent of two linked children: ambiguous, threads on the address
    both = [rules.Link(P1, "parent", True), rules.Link(P2, "parent", True)]
    assert rules.trusted_patient(both, True) is None
    assert rules.trusted_patient([*verified, rules.Link(P2, "parent", False)], True) == P1
    assert rules.trusted_patient([], True) is None


@given(st.lists(st.tuples(st.sampled_from([P1, P2]), st.sampled_from(rules.RELATIONS),
                          st.booleans()), max_size=4), st.booleans())
def test_a_trusted_patient_is_always_reached_by_a_verified_link(links, address_verified):
    link_objects = [rules.Link(*link) for link in links]
    patient = rules.trusted_patient(link_objects, address_verified)
    if patient is not None:
        assert address_verified
        assert any(link.patient_id == patient and link.verified for link in link_objects)
        assert not any(link.patient_id != patient and link.verified for link in link_objects)


def test_codes_are_six_digits_and_stored_only_as_a_keyed_digest():
    code_id = uuid.uuid4()
    code = rules.new_code()
    assert len(code) == 6 and code.isdigit()
    digest = rules.code_digest(code_id, code)
    assert code not in digest
    assert rules.code_matches(code_id, f" {code} ", digest)
    assert not rules.code_matches(uuid.uuid4(), code, digest)  # keyed by its row
    assert not rules.code_matches(code_id, "000000" if code != "000000" else "111111", digest)


def test_a_code_is_valid_once_within_ten_minutes_and_five_attempts():
    expires = NOW + rules.OTP_TTL
    assert rules.otp_state(expires_at=expires, attempts=0, consumed_at=None, now=NOW) == "valid"
    assert rules.otp_state(expires_at=expires, attempts=0, consumed_at=None,
                           now=NOW + timedelta(minutes=10)) == "expired"
    assert rules.otp_state(expires_at=expires, attempts=5, consumed_at=None, now=NOW) == "locked"
    assert rules.otp_state(expires_at=expires, attempts=1, consumed_at=NOW, now=NOW) == "used"


def test_the_code_message_names_only_the_clinic_and_the_code():
    fr = rules.otp_text("Maison de santé des Lilas", "123456", "fr")
    en = rules.otp_text("Lilas Health Centre", "123456", "en")
    assert "123456" in fr and "Lilas" in fr and "code" in fr
    assert "123456" in en and "verification code" in en
