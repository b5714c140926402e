"""Text preparation shared by the routing rules: folding, email clean-up, tokens, clauses.

Everything here is pure and deterministic. Folding lower-cases, strips accents and
ligatures and keeps only ``[a-z0-9]`` words; tokens keep a pointer to the original
spelling so contextual rules (an upper-case ``AVC`` or ``OD``) can look at it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .lexicon.shorthand import BIGRAMS, CONTEXTUAL_AVC_FOLLOWERS, EXPANSIONS, NUMBER_WORDS

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o",
                            "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "€": " euros ", "°": " degres "})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Clause boundaries: sentence punctuation and line breaks. Commas are kept as tokens.
_DECIMAL = re.compile(r"([0-9])[.,]([0-9])")
_PIECE_BREAK = re.compile(r"[,:]")
_CLAUSE_BREAK = re.compile(r"[.!?;\n\r()\[\]|]+|\s-\s|\s–\s")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures, collapse everything else to single spaces.

    The result is padded with one space each side (so `" phrase "` tests whole words)
    and only holds ``[a-z0-9 ]``: folding is idempotent.
    """
    return " " + _NON_WORD.sub(" ", _ascii(text)).strip() + " "


@dataclass(frozen=True)
class Token:
    """One normalised word; `raw` is the text as written (before shorthand expansion)."""

    norm: str
    raw: str
    clause: int


# --- email clean-up -------------------------------------------------------------------

_REPLY_PREFIX = re.compile(r"^\s*((re|tr|fw|fwd|wg|aw|rép|rep)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_QUOTE_HEADER = re.compile(
    r"^\s*(le\s.{0,160}\sa\s+[ée]crit\s*:?|on\s.{0,160}\swrote\s*:?"
    r"|.*\s(a\s+[ée]crit|wrote)\s*:"
    r"|-{2,}\s*(original message|message d'origine|message original|forwarded message"
    r"|message transf[ée]r[ée])\s*-{2,})\s*$",
    re.IGNORECASE,
)
# An Outlook-style header block: "De : …" / "From: …" followed by Envoyé/Sent/Date/À/To.
_HEADER_FROM = re.compile(r"^\s*(de|from)\s*:\s.*$", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*(envoy[ée]|sent|date|[àa]|to|objet|subject|cc)\s*:", re.IGNORECASE)
_SIGNATURE_START = re.compile(
    r"^\s*(--\s*|__+|(bien\s+|tr[èe]s\s+|tr[eè]s\s+bien\s+)?cordialement[\s,.!]*.*"
    r"|bien\s+[àa]\s+vous[\s,.!]*|sinc[eè]res\s+salutations.*|salutations(\s+distingu[ée]es)?[\s,.!]*"
    r"|(best|kind|warm)\s+regards[\s,.!]*.*|regards[\s,.!]*|sincerely[\s,.!]*|yours\s+(sincerely|truly).*"
    r"|envoy[ée]\s+(de|depuis)\s+mon\s+.*|sent\s+from\s+my\s+.*|obtenir\s+outlook\s+pour.*"
    r"|get\s+outlook\s+for.*|envoy[ée]\s+[àa]\s+partir\s+de.*)\s*$",
    re.IGNORECASE,
)
_MAX_SIGNATURE_LINES = 8


def strip_reply_prefix(subject: str) -> str:
    """'RE: TR: Fwd: objet' → 'objet'."""
    return _REPLY_PREFIX.sub("", subject)


def strip_quoted_and_signature(text: str) -> str:
    """Drop quoted history (``>`` lines, "Le … a écrit :" / "On … wrote:" and what follows)
    and signatures ("-- ", "Cordialement", "Envoyé de mon iPhone" and the few lines after).

    Returns the original text when stripping would leave nothing.
    """
    kept: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(">"):
            index += 1
            continue
        if kept and (_QUOTE_HEADER.match(line) or (
                _HEADER_FROM.match(line)
                and any(_HEADER_NEXT.match(n) for n in lines[index + 1:index + 4]))):
            break  # everything after a reply header is history
        if _SIGNATURE_START.match(line) and kept:
            # A signature: skip it and the short lines that follow (name, address, phone),
            # but resume if real prose comes back (a postscript is still the patient's text).
            index += 1
            skipped = 0
            while index < len(lines) and skipped < _MAX_SIGNATURE_LINES:
                if _QUOTE_HEADER.match(lines[index]):
                    index = len(lines)
                    break
                if len(lines[index]) > 80 or lines[index].lower().lstrip().startswith(("ps", "p.s")):
                    break
                index += 1
                skipped += 1
            continue
        kept.append(line)
        index += 1
    cleaned = "\n".join(kept).strip()
    return cleaned or text


# --- tokens ---------------------------------------------------------------------------


_UNITS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "ten": 10,
}
_TENS = {
    "dix": 10, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_HUNDRED = ("cent", "cents", "hundred")
_ONE = ("un", "une", "one")


def _number_at(words: list[str], i: int) -> tuple[int, int] | None:
    """(value, words used) of a number written in words from words[i] — "soixante dix neuf",
    "quatre vingt sept", "seventy nine", "trente et un" — as voicemail transcripts give
    ages, durations and doses; None unless it starts with a number word (a lone "un" is
    an article)."""
    current = 0
    unit_last = False  # "trente huit neuf" is 38 then 9 (a temperature), not 47
    j = i
    while j < len(words):
        word = words[j]
        if word in _UNITS or word in _TENS:
            if word in _UNITS and unit_last:
                break
            value = _UNITS.get(word) or _TENS[word]
            if word.startswith("vingt") and current == 4:
                current *= 20  # quatre vingt
            else:
                current += value
            unit_last = word in _UNITS
        elif word in _HUNDRED:
            current = (current or 1) * 100
        elif word in _ONE and (j == i and j + 1 < len(words) and words[j + 1] in _HUNDRED
                               or j > i and words[j - 1] == "et"):
            current += 1
        elif word in ("et", "and") and j > i and j + 1 < len(words) and (
                words[j + 1] in _ONE or words[j + 1] == "onze"
                or (words[j + 1] in _UNITS and words[j - 1] in _HUNDRED)):
            pass  # "trente et un", "one hundred and five"
        else:
            break
        j += 1
    if j == i:
        return None
    return current, j - i


def _expand(raw_words: list[str]) -> list[tuple[str, str]]:
    """(normalised, raw) words after SMS shorthand, contractions and number words."""
    folded = [_NON_WORD.sub("", _ascii(w)) for w in raw_words]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(folded):
        word, raw = folded[i], raw_words[i]
        nxt = folded[i + 1] if i + 1 < len(folded) else ""
        pair = BIGRAMS.get((word, nxt))
        if pair is not None:
            out.extend((part, raw) for part in pair)
            i += 2
            continue
        if word == "avc" and raw != "AVC" and nxt in CONTEXTUAL_AVC_FOLLOWERS:
            prev = out[-1][0] if out else ""
            if prev not in ("un", "une", "l", "d", "mon", "son", "sa", "fait", "faire", "fais"):
                out.append(("avec", raw))  # SMS "avc mon fils" is "avec", not a stroke
                i += 1
                continue
        if word in ("od", "ts") and raw.isupper():
            out.append(("overdose" if word == "od" else "tentative de suicide", raw))
            i += 1
            continue
        expansion = EXPANSIONS.get(word)
        number = _number_at(folded, i) if expansion is None else None
        if number is not None and (number[1] > 1 or word not in NUMBER_WORDS):
            out.append((str(number[0]), raw))
            i += number[1]
            continue
        if expansion is not None:
            out.extend((part, raw) for part in expansion.split())
        elif word in NUMBER_WORDS:
            out.append((NUMBER_WORDS[word], raw))
        else:
            out.append((word, raw))
        i += 1
    return out


def clauses(text: str) -> list[str]:
    """Split on sentence punctuation and line breaks (commas and colons stay inside)."""
    text = _DECIMAL.sub(r"\1 \2", text)  # "38,5" and "38.5" are one number, not two clauses
    return [part for part in _CLAUSE_BREAK.split(text) if part.strip()]


def tokenize(text: str) -> list[Token]:
    """Normalised tokens with their clause number; commas and colons become ``","`` tokens."""
    tokens: list[Token] = []
    for number, clause in enumerate(clauses(text)):
        for piece_index, piece in enumerate(_PIECE_BREAK.split(clause)):
            if piece_index:
                tokens.append(Token(",", ",", number))
            words = [w for w in _WORD.findall(piece.translate(_LIGATURES)) if w]
            split_words: list[str] = []
            for w in words:
                # "mal-a-la-poitrine", "j'ai" are already split by the word regex; split
                # digit/letter runs too ("39de", "38.5c" -> "39", "de").
                split_words.extend(re.findall(r"[0-9]+|[^0-9]+", w))
            for norm, raw in _expand(split_words):
                if norm:
                    tokens.append(Token(norm, raw, number))
    return tokens


def tokenize_pair(subject: str, text: str) -> tuple[list[Token], list[Token], list[Token]]:
    """The tokens of `subject`, of `text`, and of both as one message (what
    ``tokenize(f"{subject}\n{text}")`` gives: the text's clauses numbered after the
    subject's), each text read once."""
    subject_tokens, text_tokens = tokenize(subject), tokenize(text)
    shift = len(clauses(subject)) if subject_tokens else 0
    joined = subject_tokens + (
        [Token(t.norm, t.raw, t.clause + shift) for t in text_tokens] if shift else text_tokens)
    return subject_tokens, text_tokens, joined


def evidence_words(tokens: list[Token]) -> str:
    """The patient's words behind a span of tokens ("RDV", not "RDV RDV" after expansion)."""
    words: list[str] = []
    for token in tokens:
        if token.norm != "," and (not words or words[-1] != token.raw):
            words.append(token.raw)
    return " ".join(words)


# --- typo-tolerant word matching ------------------------------------------------------


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (transpositions count 1), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_tolerance(word: str) -> int:
    """Edits allowed for a vocabulary word: none up to 4 letters, 1 up to 7, then 2."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 7 else 2


class WordMatcher:
    """Which vocabulary entries (words, or stems written ``stem*``) a token matches.

    Exact words, stem prefixes, then — for tokens that are not known words themselves —
    typos within `typo_tolerance` of a word or of a stem (same first letter). Results
    are cached per token: message vocabularies are small and repetitive.
    """

    def __init__(self, entries: set[str], known_words: frozenset[str], cache_size: int = 50_000,
                 min_fuzzy_length: int = 5):
        self._words = frozenset(e for e in entries if not e.endswith("*"))
        self._stems = frozenset(e[:-1] for e in entries if e.endswith("*"))
        self._known = known_words | self._words
        by_initial: dict[str, list[str]] = {}
        for word in self._words | self._stems:
            if len(word) >= min_fuzzy_length:
                by_initial.setdefault(word[0], []).append(word)
        self._by_initial = by_initial
        self._cache: dict[str, frozenset[str]] = {}
        self.vocabulary = self._words | self._stems
        self._cache_size = cache_size

    def matches(self, token: str) -> frozenset[str]:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found = self._compute(token)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[token] = found
        return found

    def fuzzy_only(self, token: str) -> frozenset[str]:
        """Entries `token` reaches only as a typo (for building the real-words list)."""
        return self._fuzzy(token) if not self._exact(token) else frozenset()

    def _exact(self, token: str) -> set[str]:
        found: set[str] = set()
        if token in self._words:
            found.add(token)
        for end in range(2, len(token) + 1):
            if token[:end] in self._stems:
                found.add(token[:end] + "*")
        return found

    def _compute(self, token: str) -> frozenset[str]:
        found = self._exact(token)
        if found or token in self._known or len(token) < 5 or not token.isalpha():
            return frozenset(found)
        return self._fuzzy(token)

    def _fuzzy(self, token: str) -> frozenset[str]:
        found: set[str] = set()
        if len(token) < 5 or not token.isalpha():
            return frozenset()
        for word in self._by_initial.get(token[0], ()):
            limit = typo_tolerance(word)
            if word in self._stems:
                limit = 0 if len(word) <= 5 else 1
                # A stem matches a token whose beginning is within reach of it.
                head = token[: len(word) + 1]
                if len(head) >= len(word) - 1 and min(
                        _edit_distance(head[:n], word, limit)
                        for n in range(len(word) - 1, len(head) + 1)) <= limit:
                    found.add(word + "*")
            if word in self._words and _edit_distance(token, word, limit) <= limit:
                found.add(word)
        return frozenset(found)


# --- slot patterns --------------------------------------------------------------------

SlotTest = frozenset[str]


@dataclass(frozen=True)
class Pattern:
    """Words in order, each slot a set of alternatives, at most `gap` tokens between slots.

    Written ``"douleur*|mal|oppression poitrine|thorax"``: spaces separate slots, ``|``
    alternatives, ``*`` marks a stem. Entries starting with ``#`` are computed per token by
    the caller (``#temp`` a body temperature, ``#num`` any number).
    """

    slots: tuple[SlotTest, ...]
    gap: int = 3

    @classmethod
    def parse(cls, text: str, gap: int = 3) -> Pattern:
        return cls(tuple(frozenset(slot.split("|")) for slot in text.split()), gap)

    def entries(self) -> set[str]:
        return {alt for slot in self.slots for alt in slot if not alt.startswith("#")}


_NOT_TEMPERATURE_UNITS = frozenset({
    "sa", "semaine", "semaines", "sem", "ans", "an", "mois", "jours", "jour", "j", "weeks",
    "week", "days", "day", "years", "year", "months", "month", "kg", "euros", "eur", "min",
    "minutes", "h", "heures", "ml", "mg", "g", "cm", "rue", "avenue", "bd",
})
_TEMPERATURE_BEFORE = frozenset({"a", "temperature", "fievre", "fait", "of", "fever", "at",
                                 "temp", "thermometre", "monte", "monter", "jusqu", "vers"})


def is_temperature(tokens: list[Token], index: int) -> bool:
    """A number 38–42 read as a body temperature ("39,5", "40°", "il a 39")."""
    token = tokens[index].norm
    if not token.isdigit() or len(token) > 2 or not 38 <= int(token) <= 42:
        return False
    nxt = tokens[index + 1].norm if index + 1 < len(tokens) else ""
    if nxt in _NOT_TEMPERATURE_UNITS:
        return False
    prev = tokens[index - 1].norm if index else ""
    return nxt.isdigit() or nxt in ("c", "degres", "deg", "de", "ce") or prev in _TEMPERATURE_BEFORE


def slot_matches(slot: SlotTest, matches: frozenset[str]) -> bool:
    return not slot.isdisjoint(matches)


def find_pattern(pattern: Pattern, tokens: list[Token], matches: list[frozenset[str]],
                 start: int) -> int | None:
    """Index of the last token when `pattern` matches from `start` (same clause), else None."""
    if not slot_matches(pattern.slots[0], matches[start]):
        return None
    clause = tokens[start].clause
    position = start
    for slot in pattern.slots[1:]:
        for candidate in range(position + 1, min(len(tokens), position + pattern.gap + 2)):
            if tokens[candidate].clause != clause:
                return None
            if slot_matches(slot, matches[candidate]):
                position = candidate
                break
        else:
            return None
    return position
