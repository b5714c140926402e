"""The JSON the sandbox answers is Twilio's: Message resource, list envelope, errors, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from relais_sandbox.api.representation import sandbox_message, twilio_message, twilio_page
from relais_sandbox.domain.dates import parse_day_or_instant, rfc2822
from relais_sandbox.domain.errors import TwilioError
from relais_sandbox.domain.messages import from_record, new_message_sid, to_record

from tests.unit.sandbox.factories import ACCOUNT, T0, message

pytestmark = pytest.mark.unit

RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$"
)
TWILIO_MESSAGE_KEYS = {
    "account_sid",
    "api_version",
    "body",
    "date_created",
    "date_sent",
    "date_updated",
    "direction",
    "error_code",
    "error_message",
    "from",
    "messaging_service_sid",
    "num_media",
    "num_segments",
    "price",
    "price_unit",
    "sid",
    "status",
    "subresource_uris",
    "to",
    "uri",
}


def test_message_sids_are_sm_and_32_hex_digits_and_unique():
    sids = {new_message_sid() for _ in range(1000)}
    assert len(sids) == 1000
    assert all(re.fullmatch(r"SM[0-9a-f]{32}", sid) for sid in sids)


def test_a_queued_message_has_twilio_shape():
    m = message(num_segments=2)
    body = twilio_message(m)
    assert set(body) == TWILIO_MESSAGE_KEYS
    assert body["sid"] == m.sid and body["account_sid"] == ACCOUNT
    assert body["status"] == "queued" and body["direction"] == "outbound-api"
    assert body["from"] == "+33939000000" and body["to"] == "+33612345678"
    assert body["num_segments"] == "2" and body["num_media"] == "0"  # strings, as Twilio
    assert body["error_code"] is None and body["price"] is None
    assert body["date_sent"] is None  # not sent while queued
    assert body["uri"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{m.sid}.json"
    assert RFC2822.match(body["date_created"]) and RFC2822.match(body["date_updated"])


def test_a_failed_message_carries_its_error_code():
    m = message()
    m.advance("sent", T0 + timedelta(seconds=1))
    m.advance("undelivered", T0 + timedelta(seconds=2), 30003, "Unreachable destination handset")
    body = twilio_message(m)
    assert body["status"] == "undelivered" and body["error_code"] == 30003
    assert parsedate_to_datetime(body["date_sent"]) == T0 + timedelta(seconds=1)
    assert parsedate_to_datetime(body["date_updated"]) == T0 + timedelta(seconds=2)


def test_rfc2822_dates_are_utc_with_numeric_zone_and_round_trip():
    assert rfc2822(T0) == "Wed, 01 May 2024 09:30:00 +0000"
    paris = T0.astimezone(timezone(timedelta(hours=2)))
    assert rfc2822(paris) == "Wed, 01 May 2024 09:30:00 +0000"
    assert parsedate_to_datetime(rfc2822(T0)) == T0
    assert rfc2822(None) is None


def test_day_or_instant_parsing():
    assert parse_day_or_instant("2024-05-01") == (datetime(2024, 5, 1, tzinfo=UTC), True)
    assert parse_day_or_instant("2024-05-01T09:30:00Z") == (T0, False)
    assert parse_day_or_instant("2024-05-01T09:30:00") == (T0, False)  # naive means UTC
    with pytest.raises(ValueError):
        parse_day_or_instant("May 1st")


def test_list_envelope_has_twilio_paging_fields_and_keeps_filters_in_uris():
    messages = [message(), message()]
    page = twilio_page(
        ACCOUNT,
        messages,
        [("To", "+33612345678"), ("DateSent>", "2024-05-01")],
        page=0,
        page_size=2,
        next_token="PA" + messages[-1].sid,
    )
    assert {
        "messages",
        "page",
        "page_size",
        "uri",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "start",
        "end",
    } <= set(page)
    assert page["page"] == 0 and page["page_size"] == 2 and page["start"] == 0 and page["end"] == 1
    next_uri = urlsplit(page["next_page_uri"])
    assert next_uri.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert "DateSent%3E=2024-05-01" in next_uri.query  # as Twilio writes DateSent>=
    query = dict(parse_qsl(next_uri.query))
    assert query["To"] == "+33612345678" and query["Page"] == "1"
    assert query["PageToken"] == "PA" + messages[-1].sid
    last = twilio_page(ACCOUNT, [], [], page=1, page_size=2, next_token=None)
    assert last["next_page_uri"] is None and last["messages"] == []


def test_twilio_error_body():
    error = TwilioError(21211, "The 'To' number 123 is not a valid phone number.")
    assert error.body() == {
        "code": 21211,
        "message": "The 'To' number 123 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }


def test_the_record_round_trips_for_the_journal():
    m = message(sender_kind="one_way", from_="CLINIQUE")
    m.advance("sent", T0)
    again = from_record(to_record(m))
    assert again == m
    assert sandbox_message(m)["sender_kind"] == "one_way"
