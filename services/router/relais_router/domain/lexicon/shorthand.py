"""SMS shorthand and contractions, written folded (lower case, no accents).

Each entry expands one folded word into one or more words; the red-flag and intent
lexicons are written against the expanded forms.
"""

from __future__ import annotations

EXPANSIONS: dict[str, str] = {
    # French SMS
    "jai": "j ai", "g": "j ai", "jpeu": "je peux", "jpeux": "je peux", "jpx": "je peux",
    "jpe": "je peux", "jpourrai": "je pourrai", "jpourrais": "je pourrais",
    "jsuis": "je suis", "jsui": "je suis", "chui": "je suis", "chuis": "je suis",
    "jss": "je suis", "jsais": "je sais", "jsai": "je sais", "chai": "je sais",
    "jsp": "je sais pas", "jveux": "je veux", "jve": "je veux", "jvx": "je veux",
    "jvais": "je vais", "jvai": "je vais", "jarrive": "j arrive", "jarive": "j arrive",
    "jarrivai": "j arrivais", "jme": "je me", "jte": "je te", "jle": "je le", "jla": "je la",
    "jlai": "je l ai", "jcrois": "je crois", "jcroi": "je crois", "jpense": "je pense",
    "jaimerai": "j aimerais", "jaimerais": "j aimerais", "jvoudrai": "je voudrais",
    "jvoudrais": "je voudrais", "jaurai": "j aurai", "jaurais": "j aurais", "javais": "j avais",
    "jetais": "j etais", "jattend": "j attends", "jattends": "j attends",
    "pa": "pas", "pu": "plus", "plu": "plus", "bcp": "beaucoup", "bcq": "beaucoup", "bcoup": "beaucoup",
    "bocou": "beaucoup", "tjs": "toujours", "tjrs": "toujours", "tjr": "toujours",
    "qd": "quand", "qnd": "quand", "kan": "quand", "pr": "pour", "ds": "dans",
    "ke": "que", "k": "que", "koi": "quoi", "kwa": "quoi", "ki": "qui", "mm": "meme",
    "tt": "tout", "tte": "toute", "ttes": "toutes", "ya": "il y a", "yavait": "il y avait",
    "dsl": "desole", "mtn": "maintenant", "mnt": "maintenant", "maint": "maintenant",
    "auj": "aujourd hui", "ajd": "aujourd hui", "aujd": "aujourd hui", "ajrd": "aujourd hui",
    "dmn": "demain", "dm1": "demain", "vs": "vous", "vx": "veux", "ns": "nous",
    "ptit": "petit", "pti": "petit", "ptite": "petite", "ptits": "petits",
    "ptrine": "poitrine", "poitrinne": "poitrine", "poitrin": "poitrine",
    "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi", "pourkoi": "pourquoi",
    "cmt": "comment", "cmnt": "comment", "bjr": "bonjour", "bjour": "bonjour",
    "bsr": "bonsoir", "slt": "salut", "mrc": "merci", "mci": "merci", "mrci": "merci",
    "dc": "donc", "pcq": "parce que", "pck": "parce que", "psk": "parce que",
    "paske": "parce que", "pasque": "parce que", "tps": "temps", "qqch": "quelque chose",
    "qqc": "quelque chose", "kkch": "quelque chose", "qqn": "quelqu un", "kkn": "quelqu un",
    "c": "c est", "ct": "c etait", "cetait": "c etait", "cest": "c est", "sest": "s est",
    "na": "n a", "nai": "n ai", "narrive": "n arrive",
    "narrete": "n arrete", "jen": "j en", "jy": "j y",
    "bb": "bebe", "nne": "nouveau ne", "hosto": "hopital", "hosp": "hopital",
    "medoc": "medicament", "medocs": "medicaments", "meds": "medicaments",
    "med": "medicament", "toubib": "medecin", "doc": "medecin", "docteur": "medecin",
    "dr": "medecin", "ordo": "ordonnance", "ordos": "ordonnances", "ordonance": "ordonnance",
    "ordonances": "ordonnances", "rdv": "rendez vous", "rdvs": "rendez vous",
    "rdz": "rendez vous", "rendezvous": "rendez vous", "rv": "rendez vous",
    "resulta": "resultat", "resultas": "resultats", "resulat": "resultat",
    "resulats": "resultats", "labo": "laboratoire", "resu": "resultats",
    "secu": "securite sociale", "kine": "kinesitherapeute", "gyneco": "gynecologue",
    "dermato": "dermatologue", "ophtalmo": "ophtalmologue", "cardio": "cardiologue",
    "psy": "psychiatre", "tel": "telephone",
    "stp": "svp", "sil": "s il", "quil": "qu il",
    "respi": "respirer", "respir": "respirer",
    "fievr": "fievre", "fiev": "fievre", "fivre": "fievre",
    "temp": "temperature", "degre": "degres",
    # English SMS and contractions written without apostrophe
    "cant": "cannot", "cnt": "cannot", "wont": "will not", "didnt": "did not",
    "doesnt": "does not", "isnt": "is not", "wasnt": "was not", "havent": "have not",
    "hasnt": "has not", "couldnt": "could not", "im": "i am", "ive": "i have",
    "u": "you", "ur": "your", "pls": "please",
    "plz": "please", "thx": "thanks", "appt": "appointment", "appts": "appointments",
    "apt": "appointment", "appmt": "appointment", "rx": "prescription", "tmrw": "tomorrow",
    "tmr": "tomorrow", "cuz": "because", "coz": "because", "bc": "because",
    "hubby": "husband", "mum": "mother", "mom": "mother",
}

# Two folded words (as split by the tokenizer) that read as others.
BIGRAMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("don", "t"): ("do", "not"), ("can", "t"): ("cannot",), ("won", "t"): ("will", "not"),
    ("isn", "t"): ("is", "not"), ("doesn", "t"): ("does", "not"), ("didn", "t"): ("did", "not"),
    ("wasn", "t"): ("was", "not"), ("haven", "t"): ("have", "not"),
    ("hasn", "t"): ("has", "not"), ("couldn", "t"): ("could", "not"),
    ("aren", "t"): ("are", "not"), ("weren", "t"): ("were", "not"),
    ("i", "m"): ("i", "am"), ("i", "ve"): ("i", "have"), ("it", "s"): ("it", "is"),
    ("can", "not"): ("cannot",),
    ("tombe", "ds"): ("tombe", "dans"),
}

# Words after which a lower-case "avc" is SMS for "avec" ("avc mon fils").
CONTEXTUAL_AVC_FOLLOWERS = frozenset({
    "mon", "ma", "mes", "le", "la", "les", "un", "une", "toi", "moi", "lui", "elle", "eux",
    "son", "sa", "ses", "vous", "nous", "des", "du", "l", "ton", "ta", "tes", "notre",
    "votre", "leur", "plaisir", "grand", "ce", "cette", "qui",
})

NUMBER_WORDS: dict[str, str] = {
    "un": "un", "une": "une", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
    "six": "6", "sept": "7", "huit": "8", "neuf": "9", "dix": "10", "onze": "11",
    "douze": "12", "quinze": "15", "vingt": "20", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12",
}
