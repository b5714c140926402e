"""Create-request checks: Twilio's codes, senders (two-way vs alphanumeric), reserved numbers."""

from __future__ import annotations

import pytest
from relais_sandbox.domain.errors import TwilioError
from relais_sandbox.domain.reserved import (
    CREATE_REJECTIONS,
    DELIVERED,
    check_creatable,
    outcome_for,
)
from relais_sandbox.domain.validation import CreateRequest, normalize_phone, validate_create

from tests.unit.sandbox.factories import SENDERS

pytestmark = pytest.mark.unit

OK = {"To": "+33612345678", "From": "+33939000000", "Body": "Bonjour"}


def code_of(form: dict[str, str]) -> int:
    with pytest.raises(TwilioError) as caught:
        validate_create(CreateRequest.from_form(form), SENDERS)
    assert caught.value.status == 400
    return caught.value.code


def test_a_good_request_from_the_two_way_number():
    valid = validate_create(CreateRequest.from_form(OK), SENDERS)
    assert (valid.to, valid.from_, valid.sender_kind) == ("+33612345678", "+33939000000", "two_way")


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({**OK, "To": ""}, 21604),
        ({k: v for k, v in OK.items() if k != "To"}, 21604),
        ({k: v for k, v in OK.items() if k != "From"}, 21603),
        ({k: v for k, v in OK.items() if k != "Body"}, 21602),
        ({**OK, "Body": "   "}, 21602),
        ({**OK, "To": "0612345678"}, 21211),
        ({**OK, "To": "+33abc"}, 21211),
        ({**OK, "From": "+33612345678"}, 21606),  # a number the account does not own
        ({**OK, "From": "TOO-LONG-SENDER-ID"}, 21212),
        ({**OK, "From": "12345"}, 21212),  # digits only is not an alphanumeric ID
        ({**OK, "Body": "x" * 1601}, 21617),
        ({**OK, "StatusCallback": "ftp://example.org/cb"}, 21609),
        ({**OK, "From": "", "MessagingServiceSid": "MGnope"}, 21705),
        ({**OK, "From": "", "MessagingServiceSid": "MG" + "2" * 32}, 21701),
    ],
)
def test_twilio_error_codes(form, code):
    assert code_of(form) == code


def test_an_alphanumeric_sender_is_one_way():
    valid = validate_create(CreateRequest.from_form({**OK, "From": "CLINIQUE"}), SENDERS)
    assert valid.sender_kind == "one_way" and valid.from_ == "CLINIQUE"
    other = validate_create(CreateRequest.from_form({**OK, "From": "Dr Martin"}), SENDERS)
    assert other.sender_kind == "one_way"


def test_every_configured_number_is_two_way():
    valid = validate_create(CreateRequest.from_form({**OK, "From": "+33 9 37 00 00 01"}), SENDERS)
    assert valid.sender_kind == "two_way" and valid.from_ == "+33937000001"


def test_messaging_service_sends_have_no_from_yet():
    form = {
        "To": "+33612345678",
        "MessagingServiceSid": SENDERS.messaging_service_sid,
        "Body": "Bonjour",
    }
    valid = validate_create(CreateRequest.from_form(form), SENDERS)
    assert valid.from_ is None and valid.messaging_service_sid == SENDERS.messaging_service_sid


def test_formatting_in_numbers_is_tolerated():
    assert normalize_phone("+33 6 12-34.56(78)") == "+33612345678"
    assert normalize_phone("06 12 34 56 78") is None
    assert normalize_phone(" 33612345678") == "+33612345678"  # an unescaped + in a form


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("+33600021610", 21610),
        ("+33600021614", 21614),
        ("+33600021211", 21211),
        ("+33600021612", 21612),
    ],
)
def test_reserved_numbers_refused_at_creation(to, code):
    with pytest.raises(TwilioError) as caught:
        check_creatable(to)
    assert caught.value.code == code and caught.value.status == 400
    assert to in CREATE_REJECTIONS


def test_reserved_delivery_outcomes():
    assert outcome_for("+33600000003").status == "undelivered"
    assert outcome_for("+33600000003").error_code == 30003
    assert outcome_for("+33600000008").status == "failed"
    assert outcome_for("+33600000001").status == "sent"
    assert outcome_for("+33612345678") == DELIVERED
    check_creatable("+33612345678")  # an ordinary number is not refused
