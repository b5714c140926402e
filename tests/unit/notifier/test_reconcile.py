"""Finding the provider's copy of a message whose send was ambiguous."""

from datetime import UTC, date, datetime, timedelta

import pytest
from relais_notifier.domain.reconcile import (
    find_sent_copy,
    lookup_since,
    normalise_body,
    parse_provider_date,
)
from relais_notifier.domain.sms import ProviderMessage

pytestmark = pytest.mark.unit

WRITTEN = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
SKEW = timedelta(minutes=5)
TO, FROM, BODY = "+33612345678", "+33939000000", "Relais: nous avons bien reçu votre message."


def msg(sid, *, to=TO, sender=FROM, body=BODY, at=WRITTEN + timedelta(seconds=1),
        direction="outbound-api"):
    return ProviderMessage(sid=sid, to=to, sender=sender, body=body, status="sent",
                           direction=direction, date_created=at)


def find(candidates, claimed=frozenset()):
    return find_sent_copy(candidates, to=TO, sender=FROM, body=BODY, written_at=WRITTEN,
                          clock_skew=SKEW, claimed=claimed)


def test_same_recipient_and_body_after_the_row_was_written_matches():
    assert find([msg("SM1")]).sid == "SM1"


def test_other_recipient_body_sender_or_direction_do_not_match():
    assert find([
        msg("SM1", to="+33699999999"),
        msg("SM2", body=BODY + " Réf. R-1."),
        msg("SM3", sender="+33939000001"),
        msg("SM4", direction="inbound"),
    ]) is None


def test_a_message_older_than_the_row_is_not_this_one():
    assert find([msg("SM1", at=WRITTEN - timedelta(hours=2))]) is None
    # ...but the provider's clock may be a little behind ours.
    assert find([msg("SM2", at=WRITTEN - timedelta(minutes=2))]).sid == "SM2"


def test_a_message_another_notification_already_owns_is_skipped():
    assert find([msg("SM1")], claimed=frozenset({"SM1"})) is None
    found = find([msg("SM1"), msg("SM2", at=WRITTEN + timedelta(seconds=5))],
                 claimed=frozenset({"SM1"}))
    assert found.sid == "SM2"


def test_earliest_match_wins_and_undated_ones_count_last():
    later = msg("SM2", at=WRITTEN + timedelta(seconds=30))
    earlier = msg("SM1", at=WRITTEN + timedelta(seconds=2))
    undated = msg("SM3", at=None)
    assert find([undated, later, earlier]).sid == "SM1"
    assert find([undated]).sid == "SM3"


def test_bodies_compare_modulo_line_endings_and_outer_whitespace():
    assert normalise_body(" a\r\nb\n") == "a\nb"
    assert find([msg("SM1", body=BODY + "\n")]).sid == "SM1"


def test_provider_dates_are_rfc_2822_with_iso_fallback():
    assert parse_provider_date("Wed, 25 Nov 2026 09:30:00 +0000") == WRITTEN
    assert parse_provider_date("2026-11-25T09:30:00Z") == WRITTEN
    assert parse_provider_date("2026-11-25T09:30:00") == WRITTEN
    assert parse_provider_date(None) is None
    assert parse_provider_date("not a date") is None


def test_lookup_day_allows_for_skew_across_midnight():
    assert lookup_since(WRITTEN, SKEW) == date(2026, 11, 25)
    just_after_midnight = datetime(2026, 11, 25, 0, 1, tzinfo=UTC)
    assert lookup_since(just_after_midnight, SKEW) == date(2026, 11, 24)
