"""Threading rules: email references, the 72 h window, patients, stale conversations, CSAT."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais_router.domain.threading import (
    Candidate,
    choose_thread,
    csat_rating,
    email_thread_ids,
    lone_rating,
    outbound_message_id,
    parse_message_ids,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def conv(hours_ago: float, *, status="open", patient=None, correspondent=None) -> Candidate:
    return Candidate(uuid.uuid4(), status, NOW - timedelta(hours=hours_ago), patient, correspondent)


# --- Message-IDs -------------------------------------------------------------------------


def test_message_ids_are_read_from_headers_in_order_without_brackets_or_duplicates():
    assert parse_message_ids("<a@x.fr> <b@y.fr>\r\n <a@x.fr>") == ["a@x.fr", "b@y.fr"]
    assert parse_message_ids(["<a@x>", "<c@z>"]) == ["a@x", "c@z"]
    assert parse_message_ids("bare@id.example") == ["bare@id.example"]
    assert parse_message_ids(None) == [] and parse_message_ids("  ") == []
    assert parse_message_ids("not an id") == []


def test_in_reply_to_comes_first_then_references_newest_first_never_the_email_itself():
    ids = email_thread_ids(
        {"Message-ID": "<m3@patient.fr>"},
        {"in_reply_to": "<m2@clinic.fr>", "references": "<m0@patient.fr> <m1@clinic.fr> <m2@clinic.fr> <m3@patient.fr>"},
    )
    assert ids.message_id == "m3@patient.fr"
    assert ids.candidates() == ["m2@clinic.fr", "m1@clinic.fr", "m0@patient.fr"]


def test_metadata_message_id_is_used_when_provider_ids_lack_it():
    ids = email_thread_ids({}, {"message_id": "<own@p.fr>", "references": ["<r@c.fr>"]})
    assert ids.message_id == "own@p.fr" and ids.candidates() == ["r@c.fr"]


def test_outbound_message_ids_use_the_clinic_mailbox_domain():
    assert outbound_message_id("n1", "Accueil@Clinique.FR") == "relais.n1@clinique.fr"
    assert outbound_message_id("n1", "+33939000000") == "relais.n1@relais.invalid"


# --- choosing the conversation -----------------------------------------------------------


def test_an_email_answering_an_open_conversation_joins_it_whatever_its_age():
    referenced = conv(200)
    choice = choose_thread(now=NOW, patient_id=None, referenced=[referenced],
                           address_open=conv(1))
    assert (choice.conversation_id, choice.reason) == (referenced.id, "email_reference")


def test_an_email_answering_a_resolved_conversation_falls_back_and_a_new_one_follows_it():
    old = conv(10, status="resolved")
    choice = choose_thread(now=NOW, patient_id=None, referenced=[old])
    assert choice.conversation_id is None and choice.follows == old.id
    own = conv(2)
    assert choose_thread(now=NOW, patient_id=None, referenced=[old],
                         address_open=own).conversation_id == own.id


def test_within_72_hours_a_contact_joins_the_open_conversation_after_it_opens_a_new_one():
    recent, stale = conv(71.9), conv(72.1)
    assert choose_thread(now=NOW, patient_id=None, address_open=recent).conversation_id == recent.id
    choice = choose_thread(now=NOW, patient_id=None, address_open=stale)
    assert choice.conversation_id is None and choice.close_stale == (stale.id,)


def test_the_patients_open_conversation_wins_over_the_address_own_one():
    patient = uuid.uuid4()
    theirs, own = conv(5, patient=patient), conv(1)
    choice = choose_thread(now=NOW, patient_id=patient, patient_open=theirs, address_open=own)
    assert (choice.conversation_id, choice.reason, choice.adopt_patient) == (
        theirs.id, "patient_open", False)


def test_an_address_conversation_is_adopted_by_its_newly_verified_patient():
    patient = uuid.uuid4()
    own = conv(1)
    choice = choose_thread(now=NOW, patient_id=patient, address_open=own)
    assert (choice.conversation_id, choice.adopt_patient, choice.patient_id) == (own.id, True, patient)


def test_a_new_conversation_closes_every_stale_open_one_in_its_way():
    patient = uuid.uuid4()
    a, b = conv(100, patient=patient), conv(90)
    choice = choose_thread(now=NOW, patient_id=patient, patient_open=a, address_open=b)
    assert choice.conversation_id is None and set(choice.close_stale) == {a.id, b.id}
    assert choice.patient_id == patient


hours = st.floats(min_value=0, max_value=500, allow_nan=False)
maybe_conv = st.one_of(st.none(), hours.map(conv))


@given(
    patient=st.one_of(st.none(), st.just(uuid.UUID(int=7))),
    patient_open=maybe_conv,
    address_open=maybe_conv,
    referenced=st.lists(st.tuples(hours, st.sampled_from(["open", "resolved"])), max_size=3),
    window=st.integers(min_value=1, max_value=200),
)
def test_threading_invariants(patient, patient_open, address_open, referenced, window):
    if patient is None:
        patient_open = None  # the adapter only looks up a patient's conversation when there is one
    refs = [conv(h, status=s) for h, s in referenced]
    choice = choose_thread(now=NOW, patient_id=patient, referenced=refs,
                           patient_open=patient_open, address_open=address_open,
                           window_hours=window)
    open_refs = [r for r in refs if r.status == "open"]
    if open_refs:
        # an email reference to an open conversation always wins, and the strongest one
        assert choice.conversation_id == open_refs[0].id
        return
    candidates = {c.id: c for c in (patient_open, address_open) if c is not None}
    if choice.joins:
        joined = candidates[choice.conversation_id]
        assert NOW - joined.last_inbound_at < timedelta(hours=window)  # never past the window
        assert not choice.close_stale
    else:
        # nothing within the window; everything open is closed so the new one can open
        assert all(NOW - c.last_inbound_at >= timedelta(hours=window) for c in candidates.values())
        assert set(choice.close_stale) == set(candidates)
        assert choice.follows == (refs[0].id if refs else None)
    assert choice.patient_id == patient or choice.reason == "email_reference"


# --- CSAT ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "rating"), [("4", 4), (" 5/5 ", 5), ("1.", 1), ("3!", 3),
                                               ("6", None), ("4 merci", None), ("", None),
                                               ("0", None), ("12", None)])
def test_only_a_lone_one_to_five_is_a_rating(text, rating):
    assert lone_rating(text) == rating


def test_a_csat_reply_is_a_rating_within_48_hours_and_without_an_agent_message_since():
    sent = NOW - timedelta(hours=47)
    assert csat_rating("4", survey_sent_at=sent, agent_replied_since=False, now=NOW) == 4
    assert csat_rating("4", survey_sent_at=sent, agent_replied_since=True, now=NOW) is None
    assert csat_rating("4", survey_sent_at=NOW - timedelta(hours=49),
                       agent_replied_since=False, now=NOW) is None
    assert csat_rating("4", survey_sent_at=None, agent_replied_since=False, now=NOW) is None
    assert csat_rating("quatre étoiles", survey_sent_at=sent, agent_replied_since=False,
                       now=NOW) is None
