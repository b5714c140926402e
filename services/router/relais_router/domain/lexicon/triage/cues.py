"""Context cues, folded: negation, hypothesis, history, paperwork, present time."""

from __future__ import annotations

NEGATION_CUES = frozenset({
    "pas", "sans", "aucun", "aucune", "ni", "jamais", "no", "not", "without", "never",
    "none", "nor", "non", "denies", "nie", "absence", "rien", "neither",
})
# Words just after a sign that say it has gone: risky, so triage rather than P1.
RESOLVED_AFTER = frozenset({
    "passe", "passee", "disparu", "disparue", "partie", "parti", "gone", "resolved",
    "stopped", "calmee", "calme", "finie", "fini", "terminee", "ameliore", "amelioree",
})
NEGATION_AFTER = frozenset({
    "non", "no", "none", "aucune", "aucun", "absent", "absente", "absents", "negatif",
    "negative", "nope", "nan", "rien",
})
# Words that end a negation's reach: a new subject, a contrast, a cause.
SCOPE_BREAKERS = frozenset({
    "mais", "but", "car", "because", "parce", "cependant", "however", "pourtant", "though",
    "although", "sauf", "except", "tellement", "alors", "puis", "then", "donc", "so",
    "je", "j", "il", "elle", "on", "nous", "ils", "elles", "i", "he", "she", "we", "they",
    "ai", "est", "suis", "has", "is", "was", "have", "had", "avait", "etait", "depuis",
    "quand", "when", "maintenant", "now", "par", "contre", "whereas", "yet", "still",
    "toujours", "encore",
})
ENUMERATION_MARKERS = frozenset({",", "ou", "ni", "or", "nor"})
DETERMINERS = frozenset({"de", "d", "du", "des", "la", "le", "les", "l", "un", "une", "a",
                         "an", "the", "any", "of", "signe", "signes", "sign", "signs"})
HYPOTHETICAL_CUES = frozenset({
    "si", "if", "risque", "risques", "risk", "prevenir", "prevention", "prevent", "eviter",
    "avoid", "depistage", "screening", "information", "informations", "brochure",
    "formation", "atelier", "conference", "webinaire", "article", "reconnaitre",
    "recognise", "recognize", "whether", "unless", "lest", "reconnaissance", "sensibilisation",
})
# Information or teaching context: anywhere in the clause, the hit is not an event.
CONTEXT_CUES = frozenset({
    "formation", "formations", "atelier", "ateliers", "conference", "webinaire", "brochure",
    "affiche", "prevention", "depistage", "sensibilisation", "reconnaissance", "workshop",
    "training", "awareness", "leaflet", "poster", "secourisme",
})
HYPOTHETICAL_PHRASES = (
    ("en", "cas"), ("au", "cas"), ("in", "case"), ("peur", "de"), ("peur", "d"),
    ("afraid", "of"), ("worried", "about"), ("que", "faire"), ("what", "to"),
    ("quels", "sont"), ("what", "are"), ("s", "il"), ("s", "ils"), ("s", "elle"),
)
HISTORY_PHRASES = (
    ("l", "an", "dernier"), ("l", "annee", "derniere"), ("l", "an", "passe"),
    ("last", "year"), ("le", "mois", "dernier"), ("last", "month"), ("years", "ago"),
    ("la", "semaine", "derniere"), ("last", "week"), ("l", "autre", "jour"),
    ("the", "other", "day"), ("weeks", "ago"), ("week", "ago"),
    ("months", "ago"), ("year", "ago"), ("month", "ago"), ("history", "of"),
    ("a", "l", "epoque"), ("dans", "le", "passe"), ("in", "the", "past"),
)
HISTORY_WORDS = frozenset({
    "antecedent", "antecedents", "atcd", "ancien", "ancienne", "previous", "previously",
    "sequelle", "sequelles", "reeducation", "gueri", "guerie", "survived", "autrefois",
    "jadis",
})
HISTORY_UNITS = frozenset({"ans", "an", "annees", "annee", "mois", "years", "year", "months",
                           "month"})
POSSESSIVES = frozenset({"mon", "ma", "mes", "son", "sa", "ses", "my", "his", "her", "their",
                         "leur", "notre", "our", "votre", "your"})
HISTORY_LEADS = frozenset({"depuis", "suite", "apres", "since", "after", "following",
                           "post", "pour", "for", "concernant", "about", "regarding", "de"})
# Documents and paperwork: a named condition mentioned beside them is usually history.
ADMIN_WORDS = frozenset({
    "compte", "rendu", "certificat", "attestation", "dossier", "courrier", "copie",
    "report", "records", "letter", "certificate", "papiers", "formulaire", "form", "mdph",
    "assurance", "insurance", "remboursement", "facture", "invoice", "bill", "suivi",
    "renouvellement", "ordonnance", "prescription", "refill", "rendez", "appointment",
    "controle", "bilan", "kine", "kinesitherapeute", "reeducation", "cardiologue",
    "neurologue", "specialiste", "vaccin", "vaccination", "rappel",
})
CURRENT_CUES = frozenset({
    "actuellement", "maintenant", "currently", "now", "recommence", "recommencent",
    "refait", "again", "aujourd", "tonight", "today", "encore", "train", "immediatement",
    "vite", "urgence", "urgent", "help", "aide", "aidez", "secours",
})
