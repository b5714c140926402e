"""The live event log behind the patient phone's SSE stream, and SSE framing."""

from __future__ import annotations

import json

import pytest
from relais_sandbox.domain.phone_events import (
    PhoneEventLog,
    format_sse,
    parse_last_event_id,
)

pytestmark = pytest.mark.unit
A, B = "+33612345678", "+33798765432"


def test_events_after_an_id_are_replayed_for_that_number_and_for_everyone():
    log = PhoneEventLog()
    log.append(A, "entry", {"n": 1})
    log.append(B, "entry", {"n": 2})
    log.append(None, "reset", {})
    log.append(A, "entry", {"n": 4})
    assert log.head == 4
    assert [e.id for e in log.since(A, 0)] == [1, 3, 4]
    assert [e.id for e in log.since(B, 1)] == [2, 3]
    assert log.since(A, 4) == []


def test_an_id_the_log_cannot_resume_asks_for_a_snapshot():
    log = PhoneEventLog(capacity=2)
    for n in range(5):
        log.append(A, "entry", {"n": n})
    assert [e.id for e in log.since(A, 3)] == [4, 5]
    assert log.since(A, 2) is None  # event 3 was dropped
    assert log.since(A, 99) is None  # an id from before a restart
    assert log.since(A, -1) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", 0),
        (None, None),
        ("", None),
        ("abc", None),
        ("-3", None),
        ("１２", None),
        ("9" * 30, None),
    ],
)
def test_last_event_id_parsing(raw, expected):
    assert parse_last_event_id(raw) == expected


def test_sse_frames_put_each_line_of_data_in_its_own_field():
    assert format_sse("{}", event="entry", event_id=3) == "id: 3\nevent: entry\ndata: {}\n\n"
    assert format_sse("a\r\nb\rc\nd") == "data: a\ndata: b\ndata: c\ndata: d\n\n"


def test_json_with_unicode_line_separators_stays_one_data_line():
    body = "ligne 1\u2028ligne 2\x85fin"
    payload = json.dumps({"body": body}, ensure_ascii=False)
    frame = format_sse(payload, event="entry", event_id=1)
    data_lines = [line for line in frame.split("\n") if line.startswith("data: ")]
    assert len(data_lines) == 1
    assert json.loads(data_lines[0][len("data: ") :])["body"] == body
