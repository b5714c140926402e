"""Logs never carry phone numbers, emails or message bodies; timestamps survive."""

import pytest
from hypothesis import given, strategies as st

from relais_shared.logging import redact, redact_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text",
    ["+33612345678", "06 12 34 56 78", "0033 6 12 34 56 78", "+262692123456", "jeanne.martin@example.org"],
)
def test_addresses_inside_free_text_are_masked(text):
    assert text not in redact_text(f"reached {text} today")


@pytest.mark.parametrize(
    "text", ["2026-11-25T14:16:23.123456Z", "127.0.0.1:8081", "01936f4e-2c1a-7cc0-8a5e-6f1d2b3c4d5e", "offset 1234"]
)
def test_timestamps_hosts_and_ids_are_not_mistaken_for_phones(text):
    assert redact_text(text) == text


def test_body_and_address_keys_are_redacted_whole():
    event = redact(None, "info", {"event": "x", "text": "j'ai mal", "to": "+33612345678",
                                  "timestamp": "2026-11-25T14:16:23Z"})
    assert event == {"event": "x", "text": "[redacted]", "to": "[redacted]",
                     "timestamp": "2026-11-25T14:16:23Z"}


@given(st.from_regex(r"\+33[67]\d{8}", fullmatch=True))
def test_any_french_mobile_is_masked(phone):
    assert phone not in redact_text(f"sender={phone}")
