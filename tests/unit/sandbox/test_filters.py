"""Twilio list filters (To, From, DateSent and its inequalities), the store and its paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from relais_sandbox.domain.errors import TwilioError
from relais_sandbox.domain.filters import MessageFilter, parse_since, parse_twilio_filter
from relais_sandbox.domain.store import MessageStore

from tests.unit.sandbox.factories import T0, message

pytestmark = pytest.mark.unit


def sent_at(when: datetime | None, **kw):
    return message(date_sent=when, status="sent" if when else "queued", **kw)


def test_to_and_from_filters_match_exactly_after_normalising_the_query():
    wanted = parse_twilio_filter({"To": "+33 6 12 34 56 78", "From": "+33939000000"})
    assert wanted.matches(message(to="+33612345678"))
    assert not wanted.matches(message(to="+33612345679"))
    assert not wanted.matches(message(from_="CLINIQUE"))


def test_date_sent_on_or_after_a_day_starts_at_midnight_utc():
    after = parse_twilio_filter({"DateSent>": "2024-05-01"})
    assert after.matches(sent_at(datetime(2024, 5, 1, 0, 0, 0, tzinfo=UTC)))
    assert after.matches(sent_at(datetime(2024, 6, 1, tzinfo=UTC)))
    assert not after.matches(sent_at(datetime(2024, 4, 30, 23, 59, 59, tzinfo=UTC)))


def test_date_sent_on_or_before_is_inclusive_of_midnight_of_that_day():
    before = parse_twilio_filter({"DateSent<": "2024-05-01"})
    assert before.matches(sent_at(datetime(2024, 5, 1, 0, 0, 0, tzinfo=UTC)))
    assert before.matches(sent_at(datetime(2024, 4, 30, 12, tzinfo=UTC)))
    assert not before.matches(sent_at(datetime(2024, 5, 1, 0, 0, 1, tzinfo=UTC)))


def test_date_sent_equal_to_a_day_is_the_whole_utc_day():
    on = parse_twilio_filter({"DateSent": "2024-05-01"})
    assert on.matches(sent_at(datetime(2024, 5, 1, 23, 59, 59, tzinfo=UTC)))
    assert not on.matches(sent_at(datetime(2024, 5, 2, 0, 0, 0, tzinfo=UTC)))
    assert not on.matches(sent_at(datetime(2024, 4, 30, 23, 59, 59, tzinfo=UTC)))


def test_date_sent_accepts_iso_datetimes_like_twilio_helper_libraries_send():
    after = parse_twilio_filter({"DateSent>": "2024-05-01T09:30:00Z"})
    assert after.matches(sent_at(T0))
    assert not after.matches(sent_at(T0 - timedelta(seconds=1)))
    paris = parse_twilio_filter({"DateSent>": "2024-05-01T11:30:00+02:00"})
    assert paris.sent_from == T0


def test_the_escaped_ge_form_as_one_name_is_understood_too():
    lifted = parse_twilio_filter({"DateSent>=2024-05-01": ""})
    assert lifted.sent_from == datetime(2024, 5, 1, tzinfo=UTC)


def test_messages_not_sent_yet_never_match_a_date_sent_filter():
    after = parse_twilio_filter({"DateSent>": "2000-01-01"})
    assert not after.matches(sent_at(None))
    assert parse_twilio_filter({}).matches(sent_at(None))


def test_combined_bounds_form_a_window():
    window = parse_twilio_filter({"DateSent>": "2024-05-01", "DateSent<": "2024-05-03"})
    assert window.matches(sent_at(datetime(2024, 5, 2, tzinfo=UTC)))
    assert not window.matches(sent_at(datetime(2024, 5, 4, tzinfo=UTC)))


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", "01/05/2024"])
def test_an_unreadable_date_is_twilio_error_20001(bad):
    with pytest.raises(TwilioError) as caught:
        parse_twilio_filter({"DateSent>": bad})
    assert caught.value.code == 20001 and caught.value.status == 400


def test_since_is_a_day_or_a_datetime():
    assert parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_since(None) is None
    with pytest.raises(ValueError):
        parse_since("soon")


def test_store_keeps_the_latest_and_evicts_the_oldest():
    store = MessageStore(max_messages=3)
    first, *rest = [message() for _ in range(4)]
    store.add(first)
    evicted = [e for m in rest for e in store.add(m)]
    assert evicted == [first]
    assert len(store) == 3 and store.get(first.sid) is None
    assert [m.sid for m in store.newest_first()] == [m.sid for m in reversed(rest)]


def test_store_pages_newest_first_with_a_token_after_the_last_sid():
    store = MessageStore()
    sent = [message(to="+33611111111") for _ in range(5)]
    for m in sent:
        store.add(m)
    store.add(message(to="+33622222222"))
    where = MessageFilter(to="+33611111111")
    page1, more1 = store.page(where, 2)
    assert [m.sid for m in page1] == [sent[4].sid, sent[3].sid] and more1
    page2, more2 = store.page(where, 2, after_sid=page1[-1].sid)
    assert [m.sid for m in page2] == [sent[2].sid, sent[1].sid] and more2
    page3, more3 = store.page(where, 2, after_sid=page2[-1].sid)
    assert [m.sid for m in page3] == [sent[0].sid] and not more3
    by_offset, _ = store.page(where, 2, offset=2)
    assert by_offset == page2


def test_a_page_token_for_a_forgotten_message_gives_an_empty_page():
    store = MessageStore()
    store.add(message())
    assert store.page(MessageFilter(), 10, after_sid="SMgone") == ([], False)
