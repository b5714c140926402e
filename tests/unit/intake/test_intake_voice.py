"""Voice webhooks, pure parts: TwiML answers, status → kind, dedupe keys, withheld callers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from relais_intake.domain import twiml
from relais_intake.domain.sms import InvalidWebhook
from relais_intake.domain.voice import (
    build_voice_contact,
    carried_digit,
    is_withheld,
    menu_digit,
    missed_before_dial,
    parse_call,
    parse_call_status,
    parse_dial,
    parse_recording,
    voice_dedupe_key,
    with_menu_choice,
)

pytestmark = pytest.mark.unit

PUBLIC = "https://relais.example/intake"
AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
CALL = [
    ("CallSid", "CA" + "a" * 32),
    ("AccountSid", "AC" + "1" * 32),
    ("From", "06 12 34 56 78"),
    ("To", "+33939000000"),
]


def parsed(xml: str) -> ET.Element:
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(xml.split("?>", 1)[1])


def test_incoming_call_greets_gives_emergency_numbers_then_dials_and_nothing_else():
    root = parsed(twiml.incoming_call_twiml(PUBLIC, "Maison de santé des Lilas", "+33612000000"))
    assert root.tag == "Response"
    assert [verb.tag for verb in root] == ["Say", "Dial"]
    say, dial = root
    assert "Maison de santé des Lilas" in (say.text or "")
    assert (
        "en cas d'urgence vitale appelez le 15 ou le 112 ; "
        "personnes sourdes ou malentendantes : 114 par sms" in (say.text or "").lower()
    )
    assert dial.attrib == {"timeout": "20", "action": PUBLIC + "/v1/channels/voice/twilio/dial"}
    assert [(n.tag, n.text) for n in dial] == [("Number", "+33612000000")]


def test_without_a_line_the_caller_goes_straight_to_voicemail():
    root = parsed(twiml.incoming_call_twiml(PUBLIC + "/", None, None))
    assert [verb.tag for verb in root] == ["Say", "Say", "Record"]
    assert "15 ou le 112" in (root[0].text or "")
    assert twiml.DEFAULT_CLINIC_NAME in (root[0].text or "")
    assert root[2].attrib == {
        "maxLength": "120",
        "action": PUBLIC + "/v1/channels/voice/twilio/recording",
    }


def test_a_sip_line_is_dialled_as_sip_and_names_are_escaped():
    root = parsed(twiml.incoming_call_twiml(PUBLIC, "Dr <Martin> & Cie", "sip:accueil@pbx.local"))
    assert "Dr <Martin> & Cie" in (root[0].text or "")
    assert [(n.tag, n.text) for n in root[1]] == [("Sip", "sip:accueil@pbx.local")]


def test_missed_call_is_offered_a_voicemail_answered_call_hangs_up():
    missed = parsed(twiml.missed_call_twiml(PUBLIC))
    assert [verb.tag for verb in missed] == ["Say", "Record"]
    assert missed[1].attrib["maxLength"] == "120"
    assert missed[1].attrib["action"].endswith("/v1/channels/voice/twilio/recording")
    assert [verb.tag for verb in parsed(twiml.answered_call_twiml())] == ["Hangup"]
    assert [verb.tag for verb in parsed(twiml.voicemail_recorded_twiml())] == ["Say", "Hangup"]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("completed", "call_answered"),
        ("answered", "call_answered"),
        ("busy", "missed_call"),
        ("no-answer", "missed_call"),
        ("No-Answer", "missed_call"),
        ("failed", "missed_call"),
        ("canceled", "missed_call"),
    ],
)
def test_dial_status_decides_the_kind(status, kind):
    outcome = parse_dial([*CALL, ("DialCallStatus", status), ("DialCallDuration", "0")])
    assert outcome.kind == kind
    assert outcome.metadata["dial_status"] == status.lower()


@pytest.mark.parametrize(
    ("form", "slug", "field"),
    [
        (CALL, "missing-field", "DialCallStatus"),
        ([*CALL, ("DialCallStatus", "ringing")], "invalid-field", "DialCallStatus"),
        (
            [*CALL, ("DialCallStatus", "busy"), ("DialCallDuration", "x")],
            "invalid-field",
            "DialCallDuration",
        ),
        (
            [p for p in CALL if p[0] != "CallSid"] + [("DialCallStatus", "busy")],
            "missing-field",
            "CallSid",
        ),
        ([p for p in CALL if p[0] != "To"] + [("DialCallStatus", "busy")], "missing-field", "To"),
        ([*CALL[1:], ("CallSid", "CA 1"), ("DialCallStatus", "busy")], "invalid-field", "CallSid"),
    ],
)
def test_bad_dial_callbacks_are_refused(form, slug, field):
    with pytest.raises(InvalidWebhook) as caught:
        parse_dial(form)
    assert caught.value.reason == slug and field in caught.value.fields


@pytest.mark.parametrize("status", ["completed", "busy", "no-answer", "failed", "canceled"])
def test_a_call_that_ended_before_any_dial_is_a_missed_call(status):
    call, parsed_status = parse_call_status([*CALL, ("CallStatus", status)])
    outcome = missed_before_dial(call, parsed_status)
    assert outcome is not None and outcome.kind == "missed_call"
    assert outcome.metadata == {"call_status": status, "ended_by": "hangup"}


@pytest.mark.parametrize("status", ["queued", "initiated", "ringing", "in-progress"])
def test_a_call_still_going_makes_no_contact(status):
    call, parsed_status = parse_call_status([*CALL, ("CallStatus", status)])
    assert missed_before_dial(call, parsed_status) is None


def test_unknown_call_status_is_refused():
    with pytest.raises(InvalidWebhook):
        parse_call_status([*CALL, ("CallStatus", "exploded")])


def test_dedupe_keys_are_per_call_and_kind_and_the_dial_and_hangup_paths_share_one():
    sid = "CA" + "a" * 32
    dial = build_voice_contact(
        parse_dial([*CALL, ("DialCallStatus", "no-answer")]),
        contact_id="c1",
        received_at=AT,
        region="FR",
    )
    call, status = parse_call_status([*CALL, ("CallStatus", "completed")])
    hangup = missed_before_dial(call, status)
    assert hangup is not None
    assert dial.dedupe_key == f"voice:{sid}:missed_call" == voice_dedupe_key(sid, "missed_call")
    assert (
        build_voice_contact(hangup, contact_id="c2", received_at=AT, region="FR").dedupe_key
        == dial.dedupe_key
    )
    answered = parse_dial([*CALL, ("DialCallStatus", "completed")])
    assert (
        build_voice_contact(answered, contact_id="c3", received_at=AT, region="FR").dedupe_key
        == f"voice:{sid}:call_answered"
    )
    assert voice_dedupe_key(sid, "voicemail", "RE1") == f"voice:{sid}:voicemail:RE1"


def test_missed_call_contact_carries_the_normalised_caller_and_provider_ids():
    outcome = parse_dial([*CALL, ("DialCallStatus", "no-answer"), ("DialCallDuration", "0")])
    contact = build_voice_contact(outcome, contact_id="c1", received_at=AT, region="FR")
    assert (contact.channel, contact.kind) == ("voice", "missed_call")
    assert contact.sender.address == "+33612345678" and contact.sender.kind == "phone"
    assert contact.sender.raw == "06 12 34 56 78"
    assert contact.recipient == "+33939000000"
    assert contact.provider_ids == {"CallSid": "CA" + "a" * 32, "AccountSid": "AC" + "1" * 32}
    assert contact.metadata == {
        "dial_status": "no-answer",
        "ended_by": "dial",
        "dial_duration_s": 0,
    }
    assert contact.text is None


def test_voicemail_keeps_the_transcript_and_never_the_recording_url():
    outcome = parse_recording(
        [
            *CALL,
            ("RecordingSid", "RE" + "b" * 32),
            ("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"),
            ("RecordingDuration", "17"),
            ("TranscriptionText", "  Bonjour, c'est pour renouveler mon ordonnance.  "),
        ]
    )
    contact = build_voice_contact(outcome, contact_id="c1", received_at=AT, region="FR")
    assert contact.kind == "voicemail"
    assert contact.text == "Bonjour, c'est pour renouveler mon ordonnance."
    assert contact.dedupe_key == f"voice:CA{'a' * 32}:voicemail:RE{'b' * 32}"
    assert contact.provider_ids["RecordingSid"] == "RE" + "b" * 32
    assert contact.metadata == {
        "recording_pending": True,
        "recording_sid": "RE" + "b" * 32,
        "recording_duration_s": 17,
        "transcribed": True,
    }
    assert "twilio.com" not in contact.model_dump_json()


def test_voicemail_without_transcript_has_no_text_and_needs_a_recording_sid():
    outcome = parse_recording([*CALL, ("RecordingSid", "RE1"), ("TranscriptionText", " ")])
    assert outcome.text is None and outcome.metadata["transcribed"] is False
    with pytest.raises(InvalidWebhook) as caught:
        parse_recording(CALL)
    assert caught.value.fields == ["RecordingSid"]


@pytest.mark.parametrize(
    "caller", ["anonymous", "Anonymous", "+266696687", "+7378742833", "RESTRICTED", "", "  "]
)
def test_withheld_callers_still_make_a_contact_flagged_and_unthreadable_with_strangers(caller):
    assert is_withheld(caller)
    form = [p for p in CALL if p[0] != "From"] + [("From", caller), ("DialCallStatus", "busy")]
    contact = build_voice_contact(parse_dial(form), contact_id="c", received_at=AT, region="FR")
    assert contact.metadata["caller_withheld"] is True
    assert contact.sender.kind == "other" and contact.sender.raw is None
    assert contact.sender.address == f"withheld:CA{'a' * 32}"


def test_a_caller_without_from_is_withheld_and_caller_alias_is_read():
    assert parse_call([p for p in CALL if p[0] != "From"]).caller == ""
    aliased = [p for p in CALL if p[0] not in ("From", "To")] + [
        ("Caller", "+33612345678"),
        ("Called", "+33939000000"),
    ]
    call = parse_call(aliased)
    assert (call.caller, call.called) == ("+33612345678", "+33939000000")
    assert not is_withheld("+33612345678")


MENU = {"1": "rendez-vous", "2": "ordonnances"}


def test_with_a_menu_the_greeting_is_followed_by_a_one_digit_gather_then_the_menu_route():
    root = parsed(twiml.incoming_call_twiml(PUBLIC, "Cabinet", "+33612000000", MENU))
    assert [verb.tag for verb in root] == ["Say", "Gather", "Redirect"]
    assert "15 ou le 112" in (root[0].text or "")
    gather = root[1]
    assert gather.attrib == {
        "numDigits": "1",
        "timeout": "6",
        "action": PUBLIC + "/v1/channels/voice/twilio/menu",
    }
    assert (gather[0].text or "") == ("Pour un rendez-vous, tapez 1. Pour une ordonnance, tapez 2.")
    assert root[2].text == PUBLIC + "/v1/channels/voice/twilio/menu"


def test_the_choice_is_carried_to_the_dial_and_record_actions():
    root = parsed(twiml.menu_choice_twiml(PUBLIC, "+33612000000", "2"))
    assert [verb.tag for verb in root] == ["Dial"]
    assert root[0].attrib["action"] == PUBLIC + "/v1/channels/voice/twilio/dial?ivr_digit=2"
    no_line = parsed(twiml.menu_choice_twiml(PUBLIC, None, "1"))
    assert no_line[-1].attrib["action"].endswith("/recording?ivr_digit=1")
    assert (
        parsed(twiml.missed_call_twiml(PUBLIC, "1"))[-1]
        .attrib["action"]
        .endswith("/recording?ivr_digit=1")
    )
    assert (
        parsed(twiml.menu_choice_twiml(PUBLIC, "+33612000000", None))[0]
        .attrib["action"]
        .endswith("/dial")
    )


@pytest.mark.parametrize(
    ("typed", "digit"),
    [("1", "1"), (" 2 ", "2"), ("7", None), ("*", None), ("#", None), ("", None), (None, None)],
)
def test_a_key_the_menu_does_not_offer_is_no_choice_not_an_error(typed, digit):
    assert menu_digit(typed, MENU) == digit


def test_a_carried_digit_is_one_digit_or_refused():
    assert carried_digit("4", "ivr_digit") == "4" and carried_digit("", "ivr_digit") is None
    for bad in ("12", "x", "*"):
        with pytest.raises(InvalidWebhook):
            carried_digit(bad, "ivr_digit")


def test_the_choice_reaches_the_contact_metadata_as_the_router_reads_it():
    outcome = parse_dial([*CALL, ("DialCallStatus", "no-answer")])
    chosen = with_menu_choice(outcome, "2", MENU)
    contact = build_voice_contact(chosen, contact_id="c", received_at=AT, region="FR")
    assert contact.metadata["ivr_digit"] == "2" and contact.metadata["intent"] == "ordonnances"
    assert with_menu_choice(outcome, None, MENU) is outcome
    assert "intent" not in with_menu_choice(outcome, "9", MENU).metadata
