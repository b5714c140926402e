"""Opt-out / opt-in / help keywords match only the whole folded message."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from relais_intake.domain.keywords import HELP, OPT_IN, OPT_OUT, classify_keyword, fold

pytestmark = pytest.mark.unit

SPELLED = {
    "opt_out": [
        "STOP",
        "STOP SMS",
        "STOPALL",
        "ARRET",
        "ARRÊT",
        "DESINSCRIRE",
        "UNSUBSCRIBE",
        "DÉSINSCRIRE",
    ],
    "opt_in": ["START", "UNSTOP"],
    "help": ["AIDE", "HELP", "INFO"],
}
ORDINARY = ["ANNULER", "CANCEL", "END", "QUIT", "YES", "OUI"]
ALL_KEYWORDS = [(word, kind) for kind, words in SPELLED.items() for word in words]

# Decorations that must not change the meaning: spaces, punctuation, emoji.
DECORATIONS = list(" \t\n.,;:!?¡¿…-_'\"()«»*~") + ["🛑", "🙏", "❤️", "👍🏽", "\u200d"]
decoration = st.lists(st.sampled_from(DECORATIONS), max_size=6).map("".join)


def random_case(word: str, flips: list[bool]) -> str:
    return "".join(c.lower() if flip else c for c, flip in zip(word, flips + [False] * len(word)))


@pytest.mark.parametrize(("word", "kind"), ALL_KEYWORDS)
def test_each_listed_keyword_alone_is_its_kind(word, kind):
    assert classify_keyword(word) == kind


@pytest.mark.parametrize("word", ORDINARY)
def test_cancel_yes_and_friends_are_ordinary_messages(word):
    assert classify_keyword(word) == "message"
    assert classify_keyword(f" {word.lower()} ! ") == "message"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Stop", "opt_out"),
        ("stop.", "opt_out"),
        ("  STOP  \n", "opt_out"),
        ("Arrêt", "opt_out"),
        ("arrêt !", "opt_out"),
        ("STOP 🛑", "opt_out"),
        ("stop-sms", "opt_out"),
        ("ＳＴＯＰ", "opt_out"),
        ("Désinscrire", "opt_out"),
        ("start", "opt_in"),
        ("info ?", "help"),
        ("Aide", "help"),
        ("stop les sms svp", "message"),
        ("merci de ne pas m'envoyer stop", "message"),
        ("STOP STOP", "message"),
        ("S.T.O.P", "message"),
        ("stop2", "message"),
        ("", "message"),
        ("   ", "message"),
        ("🛑", "message"),
    ],
)
def test_examples(text, kind):
    assert classify_keyword(text) == kind


def test_none_is_a_message():
    assert classify_keyword(None) == "message"


@given(
    keyword=st.sampled_from(ALL_KEYWORDS),
    flips=st.lists(st.booleans(), max_size=12),
    before=decoration,
    after=decoration,
)
def test_case_and_surrounding_punctuation_or_emoji_do_not_matter(keyword, flips, before, after):
    word, kind = keyword
    assert classify_keyword(before + random_case(word, flips) + after) == kind


@given(
    keyword=st.sampled_from(ALL_KEYWORDS),
    marks=st.lists(st.sampled_from("\u0301\u0300\u0302\u0308"), min_size=1, max_size=3),
)
def test_accents_fold_away(keyword, marks):
    word, kind = keyword
    accented = unicodedata.normalize("NFC", word[0] + "".join(marks) + word[1:])
    assert classify_keyword(accented) == kind


@given(
    keyword=st.sampled_from(ALL_KEYWORDS + [(w, "message") for w in ORDINARY]),
    extra=st.text(alphabet=st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8),
    in_front=st.booleans(),
)
def test_a_keyword_inside_a_longer_message_is_an_ordinary_message(keyword, extra, in_front):
    word, _ = keyword
    text = f"{extra} {word}" if in_front else f"{word} {extra}"
    assume(fold(text) not in OPT_OUT | OPT_IN | HELP)  # "STOP" + "SMS" is a keyword itself
    assert classify_keyword(text) == "message"


@given(st.text())
def test_fold_is_idempotent_and_classification_depends_only_on_it(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert classify_keyword(folded) == classify_keyword(text)
    assert classify_keyword(text) in ("message", "opt_out", "opt_in", "help")


@given(st.text())
def test_folded_text_has_only_lowercase_letters_digits_and_single_spaces(text):
    folded = fold(text)
    assert folded == folded.strip()
    assert "  " not in folded
    assert all(c == " " or unicodedata.category(c)[0] in "LN" for c in folded)


def test_keyword_tables_are_written_folded():
    for word in OPT_OUT | OPT_IN | HELP:
        assert fold(word) == word


@given(st.text(max_size=40))
def test_the_shortcut_for_long_texts_answers_what_folding_answers(text: str) -> None:
    """Texts with more letters and digits than any keyword skip the fold: same answer."""
    from relais_intake.domain.keywords import _KIND_BY_KEYWORD

    assert classify_keyword(text) == (_KIND_BY_KEYWORD.get(fold(text), "message") if text
                                      else "message")


@pytest.mark.parametrize("text", ["ＳＴＯＰ", "Stop SMS !!!", "arre\u0302t", "désinscrire 🙏🙏",
                                  "s\u0308t\u0308o\u0308p\u0308", "Help!!!!!!!!!!!!!!!!!!!!!!"])
def test_keywords_padded_with_marks_symbols_or_wide_letters_still_match(text: str) -> None:
    assert classify_keyword(text) != "message"
