"""Phone normalisation in the site's region (French overseas plan, MOBILE type, raw kept)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais_shared.phones import FRENCH_PLAN_REGIONS, normalise_phone

pytestmark = pytest.mark.unit
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@pytest.mark.parametrize(
    ("raw", "region", "address", "region_of_number"),
    [
        ("0692 12 34 56", "RE", "+262692123456", "RE"),  # Réunion mobile at a Réunion site
        ("0692123456", "FR", "+262692123456", "RE"),  # …given at a metropolitan site
        ("0639012345", "RE", "+262639012345", "YT"),  # Mayotte shares +262
        ("0696123456", "MQ", "+596696123456", "MQ"),
        ("0690123456", "FR", "+590690123456", "GP"),
        ("0694123456", "GP", "+594694123456", "GF"),  # 0694 is Guyane, whatever the site
        ("0596601234", "FR", "+596596601234", "MQ"),  # overseas reading wins over metropolitan
        ("0262123456", "FR", "+262262123456", "RE"),  # a Réunion landline
        ("06 12 34 56 78", "RE", "+33612345678", "FR"),  # a metropolitan mobile at a Réunion site
        ("06.12.34.56.78", "FR", "+33612345678", "FR"),
        ("0033612345678", "FR", "+33612345678", "FR"),
        ("+262692123456", "FR", "+262692123456", "RE"),
        ("+32470123456", "RE", "+32470123456", "BE"),
    ],
)
def test_numbers_are_read_in_the_sites_region_with_the_overseas_departments_right(
    raw, region, address, region_of_number
):
    phone = normalise_phone(raw, region)
    assert (phone.address, phone.region, phone.parsed, phone.valid) == (
        address, region_of_number, True, True
    )
    assert phone.raw == raw


@pytest.mark.parametrize(
    ("raw", "mobile", "number_type"),
    [
        ("+33612345678", True, "MOBILE"),
        ("+262692123456", True, "MOBILE"),
        ("+33145678901", False, "FIXED_LINE"),
        ("+33939000000", False, "VOIP"),
        ("+33800123456", False, "TOLL_FREE"),
        ("+16502530000", False, "FIXED_LINE_OR_MOBILE"),  # only MOBILE counts as mobile
    ],
)
def test_mobile_is_the_librarys_mobile_type(raw, mobile, number_type):
    phone = normalise_phone(raw, "FR")
    assert (phone.is_mobile, phone.number_type) == (mobile, number_type)


@pytest.mark.parametrize("raw", ["CLINIQUE", "36179", "12", "", "   ", "+" + "1" * 80])
def test_unparseable_numbers_are_kept_raw_and_flagged(raw):
    phone = normalise_phone(raw, "FR")
    assert phone.unparsed and not phone.is_mobile
    assert phone.address == raw.strip() and phone.raw == raw


def test_a_possible_number_the_library_does_not_know_keeps_its_e164_form_unvalidated():
    phone = normalise_phone("+33692123456", "FR")  # taken as written: +33, not a valid range
    assert phone.address == "+33692123456" and phone.parsed and not phone.valid
    assert not phone.is_mobile


@given(st.text(max_size=40), st.sampled_from(["FR", "RE", "MQ", "GB", "US", "ZZ", ""]))
def test_any_text_normalises_without_raising_to_e164_or_to_itself(text, region):
    phone = normalise_phone(text, region)
    if phone.parsed:
        assert E164.match(phone.address)
    else:
        assert phone.address == text.strip()
        assert not phone.is_mobile


@given(st.sampled_from(FRENCH_PLAN_REGIONS), st.integers(0, 10**8 - 1),
       st.sampled_from(["6", "7"]), st.sampled_from(FRENCH_PLAN_REGIONS))
def test_normalising_is_idempotent_and_the_e164_form_is_site_independent(
    site_region, digits, lead, other_site
):
    national = f"0{lead}{digits:08d}"
    first = normalise_phone(national, site_region)
    if not first.parsed:
        return
    again = normalise_phone(first.address, other_site)
    assert again.address == first.address
    assert again.is_mobile == first.is_mobile


def test_a_non_geographic_number_is_the_sites_own():
    assert normalise_phone("0800 00 00 00", "FR").address == "+33800000000"
    assert normalise_phone("0800 00 00 00", "RE").address == "+262800000000"


@given(st.integers(0, 10**8 - 1), st.sampled_from(["1", "2", "3", "4", "5", "6", "7"]))
def test_a_valid_geographic_or_mobile_number_reads_the_same_at_every_site_of_the_plan(
    digits, lead
):
    number = f"0{lead}{digits:08d}"
    readings = [normalise_phone(number, region) for region in FRENCH_PLAN_REGIONS]
    if not any(r.valid for r in readings):
        return  # a range allocated nowhere: each site keeps its own possible reading
    assert all(r.valid for r in readings)
    assert len({r.address for r in readings}) == 1
    assert readings[0].address.startswith(("+33", "+262", "+590", "+594", "+596", "+508"))


@given(prefix=st.sampled_from(["LABO", "CLINIQUE", "Pharma", "RDV"]),
       digits=st.text(alphabet="0123456789ABCDEF", min_size=0, max_size=8))
def test_senders_with_letters_are_names_never_vanity_numbers(prefix, digits):
    # "LABO779211" read as a keypad number would be +508779211
    assert normalise_phone(prefix + digits, "FR").unparsed
