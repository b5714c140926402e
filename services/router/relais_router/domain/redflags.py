"""Red-flag detection: life-threatening signs in a patient's words, FR and EN.

Each hit has a level ("urgent" or "ambiguous") and a status read from its clause:
"current", "negated" ("pas de douleur thoracique", "no chest pain"), "hypothetical"
("que faire si il convulse ?") or "historical" ("mon AVC de 2019"). Current urgent hits
make a contact P1; negated or hypothetical urgent hits and current ambiguous ones go to
human triage; historical ones are only noted. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .lexicon.common_words import COMMON_WORDS
from .lexicon.real_words import REAL_WORDS
from .lexicon.triage import (
    ADMIN_WORDS,
    COMBINATIONS,
    CONCEPTS,
    CONTEXT_CUES,
    CURRENT_CUES,
    DETERMINERS,
    DIAGNOSIS,
    ENUMERATION_MARKERS,
    HISTORY_PHRASES,
    HISTORY_UNITS,
    HISTORY_WORDS,
    HYPOTHETICAL_CUES,
    HYPOTHETICAL_PHRASES,
    NEGATION_AFTER,
    NEGATION_CUES,
    POSSESSIVES,
    RESOLVED_AFTER,
    RULES,
    SCOPE_BREAKERS,
    SYMPTOM,
    URGENT,
    Combination,
)
from .text import (
    Pattern,
    Token,
    WordMatcher,
    evidence_words,
    find_pattern,
    is_temperature,
    tokenize,
)

CURRENT = "current"
NEGATED = "negated"
HYPOTHETICAL = "hypothetical"
HISTORICAL = "historical"
SUICIDAL = "suicidal"
EMERGENCY_NUMBERS = ("15", "112", "114")
SUICIDE_LINE = "3114"


@dataclass(frozen=True)
class RedFlagHit:
    category: str
    level: str  # "urgent" | "ambiguous"
    status: str  # "current" | "negated" | "hypothetical" | "historical"
    evidence: str  # the patient's words, as written
    # what settled it: "sign", "named condition", or the concepts a combination joined
    discriminator: str = ""

    @property
    def makes_urgent(self) -> bool:
        return self.level == URGENT and self.status == CURRENT

    @property
    def needs_triage(self) -> bool:
        """Risky but not plainly current: a human looks at it soon."""
        if self.makes_urgent:
            return False
        if self.level == URGENT:
            return self.status in (NEGATED, HYPOTHETICAL)
        return self.status == CURRENT

    def as_dict(self) -> dict[str, str]:
        return {"category": self.category, "level": self.level, "status": self.status,
                "evidence": self.evidence, "discriminator": self.discriminator}


@dataclass(frozen=True)
class RedFlagReport:
    hits: tuple[RedFlagHit, ...]

    @property
    def urgent_hits(self) -> tuple[RedFlagHit, ...]:
        return tuple(h for h in self.hits if h.makes_urgent)

    @property
    def triage_hits(self) -> tuple[RedFlagHit, ...]:
        return tuple(h for h in self.hits if h.needs_triage)

    @property
    def noted_hits(self) -> tuple[RedFlagHit, ...]:
        return tuple(h for h in self.hits if not h.makes_urgent and not h.needs_triage)

    @property
    def urgent(self) -> bool:
        return bool(self.urgent_hits)

    @property
    def needs_triage(self) -> bool:
        return not self.urgent and bool(self.triage_hits)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.category for h in self.urgent_hits))

    @property
    def guidance_hits(self) -> tuple[RedFlagHit, ...]:
        """Hits the patient is given the emergency numbers for at once: the urgent ones, else
        the safety net's — a sign a person must still triage that may be happening (an
        ambiguous sign, a what-if); a negated one is not."""
        if self.urgent:
            return self.urgent_hits
        return tuple(h for h in self.triage_hits if h.status in (CURRENT, HYPOTHETICAL))

    @property
    def risk_categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.category for h in self.guidance_hits))

    @property
    def suicidal(self) -> bool:
        return SUICIDAL in self.risk_categories

    @property
    def emergency_numbers(self) -> tuple[str, ...]:
        return EMERGENCY_NUMBERS + ((SUICIDE_LINE,) if self.suicidal else ())


@dataclass(frozen=True)
class _Compiled:
    category: str
    level: str
    kind: str
    pattern: Pattern
    unless: frozenset[str]


def _compile() -> tuple[list[_Compiled], dict[str, list[_Compiled]], WordMatcher]:
    rules = [_Compiled(r.category, r.level, r.kind, Pattern.parse(r.pattern, r.gap),
                       frozenset(r.unless.split())) for r in RULES]
    concepts: dict[str, list[_Compiled]] = {}
    for name, entries in CONCEPTS.items():
        concepts[name] = [
            _Compiled(name, URGENT, SYMPTOM, Pattern.parse(entry[0], entry[1]),
                      frozenset(entry[2].split()) if len(entry) > 2 else frozenset())  # type: ignore[misc]
            for entry in entries
        ]
    vocabulary: set[str] = set()
    for compiled in rules + [c for group in concepts.values() for c in group]:
        vocabulary |= compiled.pattern.entries()
    return rules, concepts, WordMatcher(vocabulary, COMMON_WORDS | REAL_WORDS)


_RULE_LIST, _CONCEPT_LISTS, _MATCHER = _compile()
VOCABULARY = _MATCHER.vocabulary  # words the red-flag lexicon knows (for other matchers)

# --- per-token facts ------------------------------------------------------------------

_AGE_UNITS_DAYS = {"jour": 1, "jours": 1, "j": 1, "day": 1, "days": 1, "semaine": 7,
                   "semaines": 7, "sem": 7, "week": 7, "weeks": 7, "wk": 7, "wks": 7,
                   "mois": 30, "month": 30, "months": 30, "mo": 30, "an": 365, "ans": 365,
                   "year": 365, "years": 365}
_PERSON_WORDS = frozenset({
    "bebe", "bebes", "fils", "fille", "enfant", "nourrisson", "garcon", "petit", "petite",
    "ne", "nee", "baby", "son", "daughter", "child", "infant", "boy", "girl", "neveu",
    "niece", "age", "agee", "ages", "jumeaux", "jumelles", "twins", "loulou", "puce",
    "bout", "chou", "newborn", "moi",
    # kin, whose age a relative gives: "ma mère, 79 ans", "my dad, 81"
    "mere", "pere", "mari", "femme", "epoux", "epouse", "frere", "soeur", "oncle", "tante",
    "mother", "father", "mum", "mom", "dad", "husband", "wife", "brother", "sister",
    "grandmother", "grandfather", "grandma", "grandpa", "mamie", "papi", "papy", "voisin",
    "voisine", "neighbour", "neighbor", "patient", "patiente", "residente", "resident",
})
_PREGNANCY_WORDS = frozenset({"enceinte", "grossesse", "pregnant", "amenorrhee", "sa",
                              "gestation"})


def _age_in_days(tokens: list[Token], index: int) -> int | None:
    """Days when tokens[index] is a number stated as someone's age ("bébé de 3 semaines")."""
    number = tokens[index].norm
    if not number.isdigit():
        return None
    unit = tokens[index + 1].norm if index + 1 < len(tokens) else ""
    if unit not in _AGE_UNITS_DAYS:
        return _years_without_unit(tokens, index)
    after = [t.norm for t in tokens[index + 2:index + 4]]
    if after and after[0] in _PREGNANCY_WORDS or after[:2] in (["de", "grossesse"], ["d", "amenorrhee"]):
        return None
    before = [t.norm for t in tokens[max(0, index - 3):index]]
    days = int(number) * _AGE_UNITS_DAYS[unit]
    if after and after[0] == "old":
        return days
    clause = tokens[index].clause
    if (index == 0 or tokens[index - 1].clause != clause) and (
            index + 2 >= len(tokens) or tokens[index + 2].clause != clause):
        return days  # a clause of its own: "notre fils Elias (9 semaines)"
    if before and before[-1] == ",":
        before = before[:-1]  # "ma mère, 79 ans"
    prev = before[-1] if before else ""
    if prev in ("de", "d") and len(before) >= 2 and before[-2] in _PERSON_WORDS:
        return days
    if prev in ("a", "has", "is", "fait") and len(before) >= 2 and (
            before[-2] in ("il", "elle", "he", "she", "it") or before[-2] in _PERSON_WORDS):
        return days
    if before[-3:] in (["ne", "il", "y"], ["nee", "il", "y"]) or prev in ("ne", "nee", "born"):
        return days
    if prev == "a" and before[-3:-1] == ["il", "y"] and index >= 4 and tokens[index - 4].norm in ("ne", "nee"):
        return days
    if prev in _PERSON_WORDS and prev not in ("ne", "nee"):
        return days
    return None


_KIN_AGE_LEADS = frozenset({"is", "s", "aged", "age", "agee", "de", "d", "a", ","})


def _years_without_unit(tokens: list[Token], index: int) -> int | None:
    """Days for a bare number a relative gives as an age: "my father (76, on apixaban)",
    "my mum is 72", "ma grand-mère, 86" — right after a kin word, or after it and "is",
    "âgée de", a comma; 1 to 110 years, and not followed by a measure."""
    years = int(tokens[index].norm)
    if not 1 <= years <= 110:
        return None
    nxt = tokens[index + 1].norm if index + 1 < len(tokens) else ""
    if nxt and (nxt.isdigit() or nxt in _MEASURES):
        return None
    before = [t.norm for t in tokens[max(0, index - 4):index]]
    if before and before[-1] in _PERSON_WORDS or (
            before and before[-1] in _KIN_AGE_LEADS and not _PERSON_WORDS.isdisjoint(before[:-1])):
        return years * 365  # "my mum she's 79": a kin word just before "is" / "a" / ","
    return None


_MEASURES = frozenset({
    "kg", "g", "mg", "ml", "cl", "l", "cm", "mm", "m", "km", "h", "min", "minutes", "heures",
    "hours", "degres", "degrees", "euros", "eur", "fois", "times", "comprimes", "pills",
    "jours", "days", "semaines", "weeks", "mois", "months", "unites", "units", "ui", "x",
    "pour", "percent", "pourcent", "sur", "ou", "or", "de", "d", "et", "virgule", "a",
})


def _token_matches(tokens: list[Token]) -> list[frozenset[str]]:
    matches = []
    for index, token in enumerate(tokens):
        found = set(_MATCHER.matches(token.norm)) if token.norm != "," else set()
        if token.norm.isdigit():
            found.add("#num")
            if is_temperature(tokens, index):
                found.add("#temp")
            age = _age_in_days(tokens, index)
            if age is not None:
                found.add("#infant_age" if age < 90 else "#older_age")
                if age >= 75 * 365:
                    found.add("#elderly_age")
        matches.append(frozenset(found))
    return matches


# --- context of a hit -----------------------------------------------------------------


class _Message:
    """A message read once for every rule: its tokens, what each token matches, the
    token indexes by lexicon entry, its words, and each clause's words."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.matches = _token_matches(tokens)
        self.positions: dict[str, list[int]] = {}
        for index, token_matches in enumerate(self.matches):
            for entry in token_matches:
                self.positions.setdefault(entry, []).append(index)
        self.words = frozenset(t.norm for t in tokens)
        self._clauses: dict[int, list[str]] = {}
        for token in tokens:
            self._clauses.setdefault(token.clause, []).append(token.norm)
        self._statuses: dict[tuple[int, int, str], str] = {}

    def clause_words(self, start: int) -> list[str]:
        """The words of the clause tokens[start] is in."""
        return self._clauses[self.tokens[start].clause]

    def status(self, start: int, end: int, kind: str) -> str:
        key = (start, end, kind)
        if key not in self._statuses:
            self._statuses[key] = _status(self, start, end, kind)
        return self._statuses[key]


# Words that continue a negated symptom phrase ("pas de douleur dans la poitrine").
_SYMPTOM_FILLERS = frozenset({
    "de", "d", "du", "des", "la", "le", "les", "l", "dans", "au", "aux", "a", "mon", "ma",
    "mes", "son", "sa", "ses", "in", "my", "the", "of", "on", "his", "her", "douleur",
    "douleurs", "mal", "pain", "pains", "any", "sign", "signs", "signe", "signes", "trouble",
    "troubles", "probleme", "problemes", "gene", "sensation",
})


def _is_negated(tokens: list[Token], start: int, end: int) -> bool:
    clause = tokens[start].clause
    between: list[str] = []
    j = start - 1
    while j >= 0 and tokens[j].clause == clause and start - j <= 9:
        word = tokens[j].norm
        nxt = tokens[j + 1].norm
        if word in ("et", "and") and nxt not in DETERMINERS:
            break
        if word in SCOPE_BREAKERS and word not in NEGATION_CUES:
            break
        cue = word in NEGATION_CUES or (
            word == "plus" and any(t.norm in ("ne", "n") for t in tokens[max(0, j - 3):j])
        )
        if word == "pas" and nxt == "mal" and j + 2 < len(tokens) and tokens[j + 2].norm in ("de", "d"):
            cue = False  # "pas mal de" is "quite a lot of"
        if word == "non" and nxt in ("stop", "seulement"):
            cue = False
        if cue and (len(between) <= 3 or _SYMPTOM_FILLERS.issuperset(between) or (
                len(between) <= 8 and not ENUMERATION_MARKERS.isdisjoint(between))):
            return True
        between.append(word)
        j -= 1
    k = end + 1
    while k < len(tokens) and tokens[k].clause == clause and tokens[k].norm == ",":
        k += 1
    if k < len(tokens) and tokens[k].clause == clause and tokens[k].norm in NEGATION_AFTER:
        following = tokens[k + 1].norm if k + 1 < len(tokens) else ""
        return following != "stop"
    # "la douleur est passée", "it has gone": no longer happening (triage, not P1).
    after = [t.norm for t in tokens[end + 1:end + 5] if t.clause == clause]
    for i, word in enumerate(after):
        if word in RESOLVED_AFTER and (i + 1 >= len(after) or after[i + 1] not in ("pas", "plus", "not")):
            return all(w in ("est", "s", "a", "is", "has", "have", "had", "was", "etait", "c", "ca", "it", "en", "bien", "been") for w in after[:i])
    return False


_SI_SUBJECTS = frozenset({"il", "ils", "elle", "elles", "on", "je", "j", "jamais", "vous", "tu",
                          "mon", "ma", "son", "sa", "le", "la", "les", "votre", "nous", "c",
                          "ca", "cela", "un", "une", "mes", "ses", "ta", "ton"})


def _is_hypothetical(message: _Message, start: int) -> bool:
    tokens = message.tokens
    clause = tokens[start].clause
    if not CONTEXT_CUES.isdisjoint(message.clause_words(start)):
        return True
    for j in range(start - 1, max(-1, start - 7), -1):
        if tokens[j].clause != clause or tokens[j].norm in (",", "mais", "but", "car", "because"):
            return False
        word = tokens[j].norm
        nxt = tokens[j + 1].norm
        after = tokens[j + 2].norm if j + 2 < len(tokens) else ""
        if word == "si" and nxt in _SI_SUBJECTS and (j == 0 or tokens[j - 1].norm != "meme"):
            return True
        if word == "if" or (word in HYPOTHETICAL_CUES and word != "si"):
            return True
        if (word, nxt) in HYPOTHETICAL_PHRASES:
            if word == "s" and after in ("vous", "te"):
                continue  # "s'il vous plaît"
            return True
    return False


_HISTORY_PHRASES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in HISTORY_PHRASES:
    _HISTORY_PHRASES_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)


def _has_time_in_past(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word in HISTORY_WORDS:
            return True
        phrases = _HISTORY_PHRASES_BY_FIRST.get(word, ())
        if any(tuple(words[i:i + len(p)]) == p for p in phrases) and (
                not i or words[i - 1] not in ("depuis", "since")):
            return True
        if word == "il" and words[i + 1:i + 3] == ["y", "a"] and i + 4 < len(words) + 1:
            rest = words[i + 3:i + 6]
            if len(rest) >= 2 and rest[0].isdigit() and rest[1] in HISTORY_UNITS:
                return True
            if len(rest) >= 2 and rest[0] in ("des", "plusieurs", "quelques", "un", "une") and rest[1] in HISTORY_UNITS:
                return True
        if word.isdigit() and len(word) == 4 and 1950 <= int(word) <= 2030 and i and words[i - 1] in (
                "en", "de", "in", "depuis", "since", "du", "from", "annee", "au", "d"):
            return True
    return False


def _is_historical(message: _Message, start: int, kind: str) -> bool:
    tokens = message.tokens
    clause_words = message.clause_words(start)
    if not CURRENT_CUES.isdisjoint(clause_words) or _has_recent_cue(clause_words):
        return False
    if _has_time_in_past(clause_words):
        return True
    if kind != DIAGNOSIS:
        return False
    before = [t.norm for t in tokens[max(0, start - 3):start] if t.clause == tokens[start].clause]
    if before and before[-1] in ("fait", "fais", "faire", "faisait", "train", "having"):
        return False
    if any(w in POSSESSIVES for w in before[-2:]):
        return True
    if any(w in ("eu", "had", "avait", "ete") for w in before):
        return True
    return not ADMIN_WORDS.isdisjoint(message.words)


_RECENT = (("ce", "matin"), ("cette", "nuit"), ("ce", "soir"), ("this", "morning"),
           ("right", "now"), ("en", "ce"), ("depuis", "hier"), ("tout", "a"), ("a", "l"),
           ("de", "nouveau"), ("a", "nouveau"))


def _has_recent_cue(words: list[str]) -> bool:
    pairs = set(pairwise(words))
    return any(p in pairs for p in _RECENT) or "hier" in words or "yesterday" in words


def _status(message: _Message, start: int, end: int, kind: str) -> str:
    if _is_negated(message.tokens, start, end):
        return NEGATED
    if _is_hypothetical(message, start):
        return HYPOTHETICAL
    if _is_historical(message, start, kind):
        return HISTORICAL
    return CURRENT


# --- matching -------------------------------------------------------------------------

_STATUS_RANK = {CURRENT: 0, HISTORICAL: 1, HYPOTHETICAL: 2, NEGATED: 3}


_DIRECT = ""  # the rule set of plain rules; the others are named after their concept


class _Index:
    """Every rule set's rules by the entries of their first slot: one look a message finds
    where any rule of any set may start."""

    def __init__(self, sets: dict[str, list[_Compiled]]) -> None:
        self.by_first: dict[str, list[tuple[str, int]]] = {}
        for name, rules in sets.items():
            for position, rule in enumerate(rules):
                for entry in rule.pattern.slots[0]:
                    self.by_first.setdefault(entry, []).append((name, position))

    def starts(self, positions: dict[str, list[int]]) -> dict[str, list[tuple[int, int]]]:
        """(rule position, token index) pairs where a rule's first slot matches, by set."""
        found: dict[str, set[tuple[int, int]]] = {}
        for entry in self.by_first.keys() & positions.keys():
            indexes = positions[entry]
            for name, position in self.by_first[entry]:
                found.setdefault(name, set()).update((position, i) for i in indexes)
        return {name: sorted(pairs) for name, pairs in found.items()}


_INDEX = _Index({_DIRECT: _RULE_LIST, **_CONCEPT_LISTS})
# Combinations by their first concept (with their place in the lexicon, kept in order).
_COMBINATIONS_BY_FIRST: dict[str, list[tuple[int, Combination]]] = {}
for _place, _combo in enumerate(COMBINATIONS):
    _COMBINATIONS_BY_FIRST.setdefault(_combo.concepts[0], []).append((_place, _combo))


def _find(rules: list[_Compiled], starts: list[tuple[int, int]], message: _Message,
          ) -> list[tuple[_Compiled, str, str]]:
    """(rule, status, evidence) for every place a rule matches."""
    found = []
    tokens = message.tokens
    for position, start in starts:
        rule = rules[position]
        end = find_pattern(rule.pattern, tokens, message.matches, start)
        if end is None:
            continue
        if rule.unless and not rule.unless.isdisjoint(message.clause_words(start)):
            continue
        status = message.status(start, end, rule.kind)
        found.append((rule, status, evidence_words(tokens[start:end + 1])[:80]))
    return found


def detect_red_flags(text: str) -> RedFlagReport:
    """Red-flag hits in a patient's text (subject and body already joined and cleaned)."""
    return red_flags_in(tokenize(text))


def red_flags_in(tokens: list[Token]) -> RedFlagReport:
    """Red-flag hits in a patient's text as `tokenize` reads it."""
    if not tokens:
        return RedFlagReport(())
    message = _Message(tokens)
    starts = _INDEX.starts(message.positions)
    hits: dict[tuple[str, str, str], RedFlagHit] = {}

    def add(hit: RedFlagHit) -> None:
        hits.setdefault((hit.category, hit.level, hit.status), hit)

    for rule, status, evidence in _find(_RULE_LIST, starts.pop(_DIRECT, []), message):
        add(RedFlagHit(rule.category, rule.level, status, evidence,
                       "named condition" if rule.kind == DIAGNOSIS else "sign"))

    concept_hits: dict[str, list[tuple[str, str]]] = {}
    for name, concept_starts in starts.items():
        for _, status, evidence in _find(_CONCEPT_LISTS[name], concept_starts, message):
            concept_hits.setdefault(name, []).append((status, evidence))
    candidates = sorted(c for name in concept_hits for c in _COMBINATIONS_BY_FIRST.get(name, ()))
    for _, combo in candidates:
        if not all(c in concept_hits for c in combo.concepts):
            continue
        if any(c in concept_hits and any(s == CURRENT for s, _ in concept_hits[c])
               for c in combo.unless):
            continue
        best = [min(concept_hits[c], key=lambda hit: _STATUS_RANK[hit[0]]) for c in combo.concepts]
        status = max((s for s, _ in best), key=lambda s: _STATUS_RANK[s])
        evidence = " + ".join(e for _, e in best)
        add(RedFlagHit(combo.category, combo.level, status, evidence[:120],
                       " + ".join(combo.concepts)))
    ordered = sorted(hits.values(), key=lambda h: (not h.makes_urgent, not h.needs_triage,
                                                    h.level != URGENT))
    return RedFlagReport(tuple(ordered))
