"""Senders are normalised to E.164 (FR by default); the unparseable keep their raw text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from relais_shared.phones import normalise_phone
from relais_intake.domain.sites import SiteDirectory

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "raw",
    [
        "+33612345678",
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "0033612345678",
        "+33 (0)6 12 34 56 78",
        " +33612345678 ",
    ],
)
def test_french_formats_become_the_same_e164(raw):
    phone = normalise_phone(raw, "FR")
    assert phone.parsed
    assert phone.address == "+33612345678"
    assert phone.raw == raw


def test_international_numbers_keep_their_country():
    assert normalise_phone("+1 415 555 0100", "FR").address == "+14155550100"
    assert normalise_phone("+262 692 12 34 56", "FR").address == "+262692123456"


def test_region_reads_national_formats():
    assert normalise_phone("(415) 555-0100", "US").address == "+14155550100"


@pytest.mark.parametrize("raw", ["ABC", "MaClinique", "12", "", "   ", "+", "x" * 500])
def test_unparseable_senders_are_kept_raw_and_flagged(raw):
    phone = normalise_phone(raw, "FR")
    assert not phone.parsed
    assert phone.address == raw.strip()


@given(digits=st.text(alphabet="0123456789", min_size=8, max_size=8), mobile=st.sampled_from("67"))
def test_every_french_mobile_in_every_format_agrees(digits, mobile):
    national = f"0{mobile}{digits}"
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    written = f"+33{mobile}{digits}"
    # national digits are read in the French plan (0690… is Guadeloupe's +590690…);
    # a number written with its country code is taken as written
    assert normalise_phone(spaced, "FR").address == normalise_phone(national, "FR").address
    assert normalise_phone("0033" + national[1:], "FR").address == written
    assert normalise_phone(written, "FR").address == written


@given(st.text(max_size=80))
def test_normalise_never_raises_and_is_stable(raw):
    phone = normalise_phone(raw, "FR")
    again = normalise_phone(phone.address, "FR")
    if phone.parsed:
        assert phone.address.startswith("+")
        assert again.address == phone.address


def test_site_directory_matches_any_format_of_a_listed_number():
    sites = SiteDirectory({"09 39 00 00 00": "lyon", "+33937000000": "paris"}, "demo", "FR")
    assert sites.site_for("+33939000000") == "lyon"
    assert sites.site_for("0937000000") == "paris"
    assert sites.site_for("+33938000000") == "demo"
    assert sites.site_for(None) == "demo"
    assert sites.site_for("") == "demo"


def test_intake_reads_an_overseas_national_number_in_the_french_plan():
    # the router keys the sender the same way: one correspondent, whichever service reads it
    assert normalise_phone("0692 12 34 56", "FR").address == "+262692123456"
