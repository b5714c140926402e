"""Parsing Twilio SMS forms and building the events they become."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from relais_intake.api.twilio_auth import parse_form
from relais_intake.domain.sms import (
    InvalidWebhook,
    build_sms_contact,
    build_status_callback,
    parse_inbound_sms,
    parse_notification_id,
    parse_sms_status,
)
from relais_shared import topics
from relais_shared.contracts import validate_payload
from relais_shared.events import make_envelope

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
SID = "SM0123456789abcdef0123456789abcdef"
BASE = [
    ("AccountSid", "AC" + "0" * 32),
    ("Body", "Bonjour, je voudrais un RDV"),
    ("From", "+33612345678"),
    ("MessageSid", SID),
    ("NumMedia", "0"),
    ("To", "+33939000000"),
]


def without(name):
    return [(k, v) for k, v in BASE if k != name]


def contact_for(params):
    return build_sms_contact(
        parse_inbound_sms(params),
        contact_id="01936f4e-2c1a-7cc0-8a5e-6f1d2b3c4d5e",
        received_at=NOW,
        region="FR",
    )


def test_parse_form_keeps_repeated_names_and_blank_values():
    assert parse_form(b"a=1&a=2&Body=&c=x+y%C3%A9") == [
        ("a", "1"),
        ("a", "2"),
        ("Body", ""),
        ("c", "x yé"),
    ]
    assert parse_form(b"") == []


@pytest.mark.parametrize(
    "body", [b"\xff\xfe=1", b"Body=%FF", b"justtext", b"a=1&&b", b"x=1&" * 300]
)
def test_parse_form_refuses_what_is_not_a_utf8_form(body):
    with pytest.raises(ValueError):
        parse_form(body)


def test_a_message_becomes_a_schema_valid_contact():
    contact = contact_for(BASE)
    assert contact.kind == "message"
    assert contact.channel == "sms"
    assert contact.dedupe_key == f"sms:{SID}"
    assert contact.sender.address == "+33612345678" and contact.sender.kind == "phone"
    assert contact.recipient == "+33939000000"
    assert contact.provider_ids == {"MessageSid": SID, "AccountSid": "AC" + "0" * 32}
    assert contact.metadata == {"num_media": 0}
    envelope = make_envelope(topics.CONTACT_RECEIVED, contact, source="intake", site_id="demo")
    validate_payload(topics.CONTACT_RECEIVED, envelope.model_dump(mode="json"))


def test_national_sender_is_normalised_and_raw_kept():
    contact = contact_for(without("From") + [("From", "06 12 34 56 78")])
    assert contact.sender.address == "+33612345678"
    assert contact.sender.raw == "06 12 34 56 78"


def test_unparseable_sender_is_kept_raw_and_flagged():
    contact = contact_for(without("From") + [("From", "MaClinique")])
    assert contact.sender.address == "MaClinique"
    assert contact.sender.kind == "other"
    assert contact.metadata["sender_unparsed"] is True


def test_opt_out_keyword_makes_an_opt_out_contact():
    assert contact_for(without("Body") + [("Body", " Arrêt ! ")]).kind == "opt_out"
    assert contact_for(without("Body") + [("Body", "annuler")]).kind == "message"


def test_media_are_counted_never_copied():
    params = without("NumMedia") + [
        ("NumMedia", "2"),
        ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1"),
        ("MediaContentType0", "image/jpeg"),
        ("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME2"),
    ]
    contact = contact_for(params)
    assert contact.metadata == {"num_media": 2, "media_pending": True}
    assert contact.attachments == []
    assert "twilio.com" not in contact.model_dump_json()


def test_media_count_falls_back_to_the_urls_present():
    params = without("NumMedia") + [("MediaUrl0", "https://m/1")]
    assert contact_for(params).metadata["num_media"] == 1


def test_empty_body_is_no_text():
    assert contact_for(without("Body")).text is None


@pytest.mark.parametrize("name", ["MessageSid", "From", "To"])
def test_missing_required_field(name):
    with pytest.raises(InvalidWebhook) as info:
        parse_inbound_sms(without(name))
    assert info.value.reason == "missing-field" and info.value.fields == [name]
    with pytest.raises(InvalidWebhook) as info:
        parse_inbound_sms(without(name) + [(name, "   ")])
    assert info.value.reason == "missing-field"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MessageSid", "SM 1"),
        ("MessageSid", "x" * 65),
        ("NumMedia", "two"),
        ("NumMedia", "-1"),
        ("NumMedia", "11"),
        ("NumMedia", "²"),
        ("AccountSid", "AC/../x"),
        ("From", "+" + "1" * 400),
    ],
)
def test_invalid_field(name, value):
    with pytest.raises(InvalidWebhook) as info:
        parse_inbound_sms(without(name) + [(name, value)])
    assert info.value.reason == "invalid-field" and info.value.fields == [name]


def test_a_field_repeated_with_different_values_is_refused():
    with pytest.raises(InvalidWebhook) as info:
        parse_inbound_sms(BASE + [("From", "+33700000000")])
    assert info.value.fields == ["From"]
    assert parse_inbound_sms(BASE + [("From", "+33612345678")]).sender == "+33612345678"


FIELD_NAMES = st.sampled_from(
    ["MessageSid", "From", "To", "Body", "NumMedia", "AccountSid", "MediaUrl0"]
) | st.text(max_size=12)
FIELD_VALUES = st.sampled_from([SID, "+33612345678", "0612345678", "3", "STOP", ""]) | st.text(
    max_size=40
)


@given(st.lists(st.tuples(FIELD_NAMES, FIELD_VALUES), max_size=12))
def test_any_form_is_either_a_contact_or_a_classified_refusal(params):
    try:
        sms = parse_inbound_sms(params)
    except InvalidWebhook as exc:
        assert exc.reason in ("missing-field", "invalid-field")
        return
    contact = build_sms_contact(sms, contact_id="c", received_at=NOW, region="FR")
    envelope = make_envelope(topics.CONTACT_RECEIVED, contact, source="intake", site_id="demo")
    validate_payload(topics.CONTACT_RECEIVED, envelope.model_dump(mode="json"))


def test_status_callback_becomes_a_provider_callback():
    status = parse_sms_status(
        [("MessageStatus", "undelivered"), ("MessageSid", SID), ("ErrorCode", "30003")]
    )
    callback = build_status_callback(status, notification_id="n-1", received_at=NOW)
    assert (callback.status, callback.error_code, callback.provider_message_id) == (
        "undelivered",
        "30003",
        SID,
    )
    assert callback.provider == "twilio" and callback.channel == "sms"
    envelope = make_envelope(topics.PROVIDER_CALLBACK, callback, source="intake", site_id="demo")
    validate_payload(topics.PROVIDER_CALLBACK, envelope.model_dump(mode="json"))


def test_legacy_sms_status_names_are_understood():
    status = parse_sms_status([("SmsStatus", "Delivered"), ("SmsSid", SID), ("ErrorCode", "")])
    assert (status.status, status.message_sid, status.error_code) == ("delivered", SID, None)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ([("MessageSid", SID)], "missing-field"),
        ([("MessageStatus", "sent")], "missing-field"),
        ([("MessageStatus", "sent!"), ("MessageSid", SID)], "invalid-field"),
        ([("MessageStatus", "sent"), ("MessageSid", SID), ("ErrorCode", "3 0")], "invalid-field"),
    ],
)
def test_bad_status_callbacks(params, reason):
    with pytest.raises(InvalidWebhook) as info:
        parse_sms_status(params)
    assert info.value.reason == reason


def test_notification_id():
    assert parse_notification_id("01936f4e-4000-7cc0-8a5e-6f1d2b3c4d5e")
    for bad, reason in (
        (None, "missing-notification-id"),
        ("", "missing-notification-id"),
        ("a b", "invalid-field"),
        ("x" * 129, "invalid-field"),
    ):
        with pytest.raises(InvalidWebhook) as info:
            parse_notification_id(bad)
        assert info.value.reason == reason
