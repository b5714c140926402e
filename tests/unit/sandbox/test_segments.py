"""SMS segment counting as carriers bill it (GSM-7 160/153 with double extension chars, UCS-2 70/67)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from relais_sandbox.domain.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments, encoding_of

pytestmark = pytest.mark.unit

gsm_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=800)


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters count double
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 8, 2),  # an escape pair never straddles two segments
        ("é" * 160, 1),  # é is GSM-7
        ("ç" * 70, 1),  # ç is not: UCS-2
        ("ç" * 71, 2),
        ("ç" * 134, 2),
        ("ç" * 135, 3),
        ("😀" * 35, 1),  # surrogate pairs: two UTF-16 units each
        ("😀" * 35 + "a", 2),
        ("ç" * 66 + "😀" + "ç" * 66, 3),  # 134 units, but a surrogate pair never straddles
    ],
)
def test_known_counts(body, segments):
    assert count_segments(body) == segments


def test_one_non_gsm_character_makes_the_whole_message_ucs2():
    assert encoding_of("Bonjour, votre RDV est confirmé") == "GSM-7"
    assert encoding_of("Votre reçu") == "UCS-2"
    assert encoding_of("« Bonjour »") == "UCS-2"


@given(gsm_text)
def test_gsm_segments_bound_the_septets(body):
    septets = sum(2 if ch in GSM7_EXTENSION else 1 for ch in body)
    segments = count_segments(body)
    if septets <= 160:
        assert segments == 1
    else:
        assert (segments - 1) * 153 < septets <= segments * 153 + segments  # packing slack


@given(st.text(max_size=400))
def test_adding_text_never_lowers_the_count(body):
    assert count_segments(body + "a") >= count_segments(body)
