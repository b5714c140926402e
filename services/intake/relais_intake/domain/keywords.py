"""SMS keyword rules: opt-out, opt-in and help, matched on the whole folded message."""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

KeywordKind = Literal["message", "opt_out", "opt_in", "help"]

# Written folded (see `fold`): lower case, no accents, single spaces.
OPT_OUT: Final = frozenset({"stop", "stop sms", "stopall", "arret", "desinscrire", "unsubscribe"})
OPT_IN: Final = frozenset({"start", "unstop"})
HELP: Final = frozenset({"aide", "help", "info"})
# ANNULER, CANCEL, END, QUIT, YES, OUI stay ordinary messages on purpose: a patient
# cancelling an appointment is not opting out.

_KIND_BY_KEYWORD: Final[dict[str, KeywordKind]] = {
    **{word: "opt_out" for word in OPT_OUT},
    **{word: "opt_in" for word in OPT_IN},
    **{word: "help" for word in HELP},
}


def fold(text: str) -> str:
    """Fold case and accents, turn punctuation, symbols and emoji into spaces, squeeze spaces."""
    # NFKD before and after casefold: either step can produce what the other folds.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    chars: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn":  # combining accents and emoji variation selectors
            continue
        chars.append(char if category[0] in ("L", "N") else " ")
    return " ".join("".join(chars).split())


# Folding keeps every letter and digit (it may add some: "ß" -> "ss", never remove one), so
# a text with more of them than the longest keyword is an ordinary message: most texts are
# told without folding them character by character.
_MAX_KEYWORD_ALNUM: Final = max(len(word.replace(" ", "")) for word in _KIND_BY_KEYWORD)
_NOT_ALNUM: Final = re.compile(r"[\W_]+")


def classify_keyword(text: str | None) -> KeywordKind:
    """`opt_out`/`opt_in`/`help` when the whole message is such a keyword, else `message`."""
    if not text or len(_NOT_ALNUM.sub("", text)) > _MAX_KEYWORD_ALNUM:
        return "message"
    return _KIND_BY_KEYWORD.get(fold(text), "message")
