"""Reading a patient's text: numbers written in words, as voicemail transcripts give them."""

from __future__ import annotations

import pytest
from relais_router.domain.text import tokenize

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("words, number", [
    ("soixante dix neuf ans", "79"), ("quatre vingt sept", "87"), ("seventy nine", "79"),
    ("trente et un", "31"), ("deux cent trente volts", "230"), ("dix sept", "17"),
    ("one hundred and five", "105"), ("quarante minutes", "40"),
    ("trente huit neuf de fievre", "38"), ("quatre vingt dix sept", "97"),
])
def test_numbers_in_words_are_read_as_one_number(words, number):
    assert tokenize(words)[0].norm == number


def test_a_lone_un_stays_an_article():
    assert [t.norm for t in tokenize("un bébé de trois mois")] == ["un", "bebe", "de", "3", "mois"]
