"""Airway, breathing, bleeding, burns and injuries: breathing difficulty, anaphylaxis, heavy bleeding, severe burns.

Each category of `CATEGORIES` names its sources (docs/triage.md) and what settles it; its
rules, concepts and combinations follow.
"""

from __future__ import annotations

from .base import AMBIGUOUS, BLOOD_TEST, DIAGNOSIS, Category, Combination, R, RedFlagRule

CATEGORIES: tuple[Category, ...] = (
    Category("breathing", "Détresse respiratoire", "Breathing difficulty", ("samu", "mts", "nice_ng143"),
             "cannot breathe or finish a sentence, blue lips, ribs pulling in, grunting, an "
             "inhaler that does not help"),
    Category("anaphylaxis", "Anaphylaxie", "Anaphylaxis", ("wao_2020", "mts"),
             "swollen lips, tongue or throat, hives with breathing difficulty or faintness after "
             "a food, a sting or a medicine"),
    Category("choking", "Obstruction des voies aériennes", "Choking", ("samu", "mts"),
             "choking, something stuck in the throat, cannot speak, cough or swallow saliva"),
    Category("bleeding", "Hémorragie", "Haemorrhage", ("samu", "mts"),
             "bleeding that will not stop (over 10–20 min, through a towel), on an anticoagulant, "
             "vomiting blood, black tarry stools, with pallor or faintness"),
    Category("major_trauma", "Traumatisme grave", "Major trauma", ("samu", "mts"),
             "a fall from height, a road accident, an old person on the floor who cannot get up, "
             "a deformed limb, neck or back pain with tingling or weak legs"),
    Category("severe_burn", "Brûlure grave", "Severe burn", ("samu", "mts"),
             "large, deep or blistered burns, of face, hands or genitals, a scalded child, a "
             "chemical in the eye, an electric shock"),
)

RULES: tuple[RedFlagRule, ...] = (
    R("breathing", "difficulte*|mal|peine|gene|galere* respir*|souffle", 2),
    R("breathing", "peux|peut|peu|arrive|arrives|parviens|parvient|reussi*|reussis|arrivait|"
      "pouvait|pourrai pas|plus respir*|souffler", 2, unless="nez nose"),
    R("breathing", "respir* mal|difficilement|pas|plus|peine", 1, unless="nez nose mieux"),
    R("breathing", "respir* vite|rapide*|bruyam*|bizarre*|fort|bruit|siffl*", 2, level=AMBIGUOUS),
    R("breathing", "etouff*|suffoqu*|suffocat*|asphyxi*",
      unless="chaleur chaud chaude chaudes ambiance canicule salle attente monde travail"),
    R("breathing", "manque*|manquer air|oxygene", 2),
    R("breathing", "detresse respiratoire", 1),
    R("breathing", "insuffisance respiratoire", 1, kind=DIAGNOSIS),
    R("breathing", "levres|visage|doigts|ongles|lips|face bleu*|bleues|bleue|violet*|blue|"
      "grise*|grey|gray", 2),
    R("breathing", "cyanos*|cyanose", 0),
    R("breathing", "cannot|unable|struggling|struggle|hard|difficult|difficulty|trouble|"
      "problems|barely breath*", 2),
    R("breathing", "short|shortness breath", 1),
    R("breathing", "gasping|choking|suffocating|strangl*", 0),
    R("breathing", "not|stopped|stop breath*", 1),
    R("breathing", "respiratory distress", 0),
    R("breathing", "essouffl*|breathless", 0, level=AMBIGUOUS),
    R("breathing", "souffle court", 1, level=AMBIGUOUS),
    R("breathing", "out breath", 1, level=AMBIGUOUS),
    R("breathing", "wheez*|sifflement*|siffle", 0, level=AMBIGUOUS),
    R("breathing", "crise asthme", 1, level=AMBIGUOUS),
    R("breathing", "asthma attack", 1, level=AMBIGUOUS),
    R("breathing", "probleme*|problem* respir*|breathing", 2, level=AMBIGUOUS),
    R("breathing", "breathing|respiratoires problem*|difficult*|trouble|issues", 1,
      level=AMBIGUOUS),
    R("bleeding", "saign*|bleed*|hemorrag*|haemorrhag* beaucoup|abondam*|abondant*|enorme*|"
      "fort|fortement|abondance|heavily|heavy|lot|lots|profus*|massive*|important*|partout|"
      "flot|flots|torrent*|continu*|trop", 3),
    R("bleeding", "saign*|sang arrete*|stoppe*|cesse* pas|plus", 4),
    R("bleeding", "arrete*|cesse* pas|plus saign*", 2),
    R("bleeding", "not|cannot|stop stop|stopping bleed*|bleeding", 1),
    R("bleeding", "hemorragie*|hemorrhag*|haemorrhag*", 0, kind=DIAGNOSIS),
    R("bleeding", "perd|perds|perdu|perte|perdre|losing|lost beaucoup|enormement|trop|lot|"
      "lots|much sang|blood", 3),
    R("bleeding", "beaucoup|enormement|plein|lot|lots|flaque|mare|so|litre|litres sang|blood",
      2, unless=BLOOD_TEST),
    R("bleeding", "pisse|pisser sang", 1),
    R("bleeding", "vomi*|vomit*|crache*|tousse|toussant|coughing|cough|throwing sang|blood", 3,
      unless=BLOOD_TEST),
    R("bleeding", "sang|blood vomi*|vomit*|crachat*|crache*", 3, unless=BLOOD_TEST),
    R("bleeding", "sang|blood selles|urine|urines|stool|stools|poo|caca", 3, level=AMBIGUOUS,
      unless=BLOOD_TEST),
    R("bleeding", "selles noires", 1, level=AMBIGUOUS),
    R("bleeding", "black stool*|poo", 1, level=AMBIGUOUS),
    R("bleeding", "melena|meleana|rectorragi*", 0, level=AMBIGUOUS),
    R("bleeding", "coupure|coupe|entaille|plaie|cut|wound|gash profond*|deep|beante|gaping",
      3, level=AMBIGUOUS),
    R("anaphylaxis", "anaphyla*|quincke", 0),
    R("anaphylaxis", "choc|shock allergique|allergic|anaphylactique", 1),
    R("anaphylaxis", "severe|grave|serieuse|serious|forte|importante|violente allergique|"
      "allergic|allergie", 2, kind=DIAGNOSIS),
    R("anaphylaxis", "allergique|allergic|allergie|allergy grave|severe|serieuse|violente", 2,
      kind=DIAGNOSIS),
    R("anaphylaxis", "langue|levres|lips|tongue|luette|glotte gonfl*|enfle*|enflee*|enflure*|swell*|"
      "swollen|oedem*|gros*|double*", 3),
    R("anaphylaxis", "gonfl*|enfle*|enflee*|enflure*|swell*|swollen|oedem* langue|levres|lips|tongue|"
      "luette", 3),
    R("anaphylaxis", "gorge|throat ferme*|serre*|closing|tight*|bloque*", 3),
    R("anaphylaxis", "gorge|throat gonfl*|enfle*|enflee*|enflure*|swell*|swollen", 3, level=AMBIGUOUS,
      unless="glands ganglions ganglion angine"),
    R("anaphylaxis", "epipen|anapen|jext|emerade|adrenaline|epinephrine", 0, kind=DIAGNOSIS),
    R("anaphylaxis", "reaction allergique", 1, level=AMBIGUOUS),
    R("anaphylaxis", "allergic reaction", 1, level=AMBIGUOUS),
    R("severe_burn", "brul*|burn* grave*|gravement|profond*|etendu*|severe|bad|badly", 2,
      level=AMBIGUOUS),
)

CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "allergy": (
        (("allergi*|allergique|allergic|allergy|allergen*|arachide*|cacahuete*|peanut*|"
         "crustace*|shellfish|guepe|abeille|frelon|wasp|bee|hornet"), 0),
    ),
    "allergy_swelling": (
        (("visage|face|yeux|eyes|paupieres|gorge|throat|cou gonfl*|enfle*|enflee*|enflure*|swell*|swollen|"
         "oedem*"), 3),
        (("gonfl*|enfle*|enflee*|enflure*|swell*|swollen|oedem* visage|face|yeux|eyes|gorge|throat|partout|"
         "everywhere|corps|body"), 3),
        ("urticaire|hives|plaques|boutons partout|generalis*|everywhere|corps|body", 3),
        ("malaise|etouff*|dizzy|faint*", 0),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("anaphylaxis", ("allergy", "allergy_swelling")),
)
