"""Heart, brain and consciousness: chest pain, stroke, seizures, loss of consciousness, acute confusion, sudden severe headache.

Each category of `CATEGORIES` names its sources (docs/triage.md) and what settles it; its
rules, concepts and combinations follow.
"""

from __future__ import annotations

from .base import (
    AMBIGUOUS,
    CHEST,
    DIAGNOSIS,
    FACE,
    LIMB,
    PAIN,
    Category,
    Combination,
    R,
    RedFlagRule,
)

CATEGORIES: tuple[Category, ...] = (
    Category("chest_pain", "Douleur thoracique", "Chest pain", ("samu", "mts", "nice_cg95"),
             "chest pain, pressure or tightness; spreading to arm, jaw or back; with sweating, "
             "nausea or breathlessness; 'indigestion' that will not pass in the old or diabetic"),
    Category("stroke", "AVC", "Stroke", ("samu", "befast"),
             "sudden balance loss, loss of sight or double vision, a drooping face, a weak arm "
             "or leg on one side, words slurred or that make no sense"),
    Category("seizure", "Convulsions", "Seizure", ("samu", "mts", "nhs111"),
             "shaking all over, a first seizure, one lasting over 5 minutes or repeated, a "
             "bitten tongue, hard to wake after"),
    Category("unconscious", "Perte de connaissance", "Loss of consciousness", ("samu", "mts"),
             "unconscious, does not respond, cannot be woken or kept awake, collapsed"),
    Category("confusion", "Confusion aiguë", "Acute confusion", ("mts", "nhs111"),
             "confusion or drowsiness of sudden onset, with fever, in the old"),
    Category("severe_headache", "Céphalée brutale", "Sudden severe headache", ("mts", "nhs111"),
             "the worst headache ever, thunderclap onset, with vomiting, a stiff neck or on an "
             "anticoagulant"),
    Category("pulmonary_embolism", "Embolie pulmonaire", "Pulmonary embolism", ("mts", "nhs111"),
             "sudden breathlessness or chest pain after surgery, a long journey, childbirth or "
             "on the pill; a swollen calf and breathlessness; coughing blood"),
)

RULES: tuple[RedFlagRule, ...] = (
    R("chest_pain", f"{PAIN} {CHEST}", 4, unless="seins sein allaitement allaite"),
    R("chest_pain", f"poitrine|chest|thorax|torse {PAIN}|serre*|oppress*|brule*|tight*|hurt*",
      3, unless="seins sein allaitement allaite"),
    R("chest_pain", "douleur*|pain coeur|heart", 2),
    R("chest_pain", "coeur|heart serre*|oppress*|brule*|tight*|crushing|douleur*|pain|hurts|"
      "ecrase*|comprim*", 3),
    R("chest_pain", "irradi*|radiat*|spreading|lance*|remonte* bras|machoire|arm|jaw|"
      "epaule|shoulder", 4, unless="dos back"),
    R("chest_pain", "infarctus|infarct", kind=DIAGNOSIS),
    R("chest_pain", "crise|arret|attaque cardiaque", 0, kind=DIAGNOSIS),
    R("chest_pain", "heart|cardiac attack|arrest", 0, kind=DIAGNOSIS),
    R("chest_pain", "angine poitrine", 1, kind=DIAGNOSIS),
    R("chest_pain", "douleur*|mal|pain bras|arm gauche|left", 4, level=AMBIGUOUS),
    R("chest_pain", "douleur*|mal|pain machoire|jaw", 2, level=AMBIGUOUS),
    R("chest_pain", "palpitation*|tachycard*|arythmi*", level=AMBIGUOUS),
    R("chest_pain", "coeur|heart bat|battre|bats|racing|pounding|emballe|chamade", 2,
      level=AMBIGUOUS),
    R("stroke", "avc|stroke|hemipleg*|aphasi*", 0, kind=DIAGNOSIS),
    R("stroke", "accident vasculaire|ischemique", 1, kind=DIAGNOSIS),
    R("stroke", "attaque cerebrale", 0, kind=DIAGNOSIS),
    R("stroke", "paralys*|paralysis|paralyzed|paralysed cote|side|gauche|droit|droite", 3),
    R("stroke", f"{FACE} travers|tordu*|devie*|paralys*|tombe*|affaiss*|asymetri*|droop*|"
      "fige*|crooked|pend|penche*", 3),
    R("stroke", f"{FACE}|faciale|{LIMB}|corps|cote|side paralys*|paralyzed|paralysed|inerte*", 3),
    R("stroke", f"paralys*|paralysis|paralyzed|paralysed|droop*|drooping|affaiss* "
      f"{FACE}|faciale|facial|{LIMB}", 3),
    R("stroke", f"bouge|bouger|lever|soulever|move|lift|moving|lifting plus|pas {LIMB}", 3,
      level=AMBIGUOUS),
    R("stroke", f"plus|peut|peux|cannot|can|unable bouger|lever|soulever|move|lift {LIMB}", 3,
      level=AMBIGUOUS),
    R("stroke", f"{LIMB} repond|inerte|inertes|lourd|lourde", 3, level=AMBIGUOUS),
    R("stroke", f"plus|sans|no force|forces|strength {LIMB}", 4, level=AMBIGUOUS),
    R("stroke", f"engourdi*|engourdiss*|fourmill*|faiblesse|faible|numb*|weak*|tingl* "
      f"{FACE}|faciale|{LIMB}", 4, level=AMBIGUOUS),
    R("stroke", f"{FACE}|{LIMB} engourdi*|numb|faible|weak", 3, level=AMBIGUOUS),
    R("stroke", "arrive|peut|peux|parvient|parviens|reussit plus parler|articuler|exprimer", 2),
    R("stroke", "parle|parole*|elocution|langage|speech|talking|speaking|words bizarre*|"
      "incoherent*|incomprehensible*|brouill*|pateuse|pateux|empate*|slurred|slurring|"
      "strange*|weird*|garbled", 2),
    R("stroke", "trouble*|difficulte*|difficulty|trouble perte parole|elocution|langage|"
      "parler|speaking|speech|talking", 2, level=AMBIGUOUS,
      unless="orthophoniste orthophonie ecole bilan therapist"),
    R("stroke", "slurred|slurring|bafouill*|dysarthri*", 0),
    R("stroke", "parle|parlait plus", 0),
    R("stroke", "mots sortent|sort|viennent plus|pas", 2),
    R("stroke", "trouve|cherche plus mots", 2),
    R("stroke", "perte|perdu|perd vue|vision", 2, level=AMBIGUOUS),
    R("stroke", "vision|vue double|trouble|floue|brouillee", 1, level=AMBIGUOUS),
    R("stroke", "double|lost|losing vision|sight", 1, level=AMBIGUOUS),
    R("unconscious", "perte*|perdu|perd|perdre|perdue|pdc connaissance|conscience", 2),
    R("unconscious", "evanoui*|evanouiss*|syncope*|inconscien*|unconscious|unresponsive|"
      "fainted|collapsed|coma", 0),
    R("unconscious", "passed|blacked out", 0),
    R("unconscious", "tombe*|tombee|tombees pommes", 3),
    R("unconscious", "reveill*|reveil|reveille pas|plus", 2),
    R("unconscious", "impossible|arrive|arrivons|arrivent|peux reveiller|wake", 3),
    R("unconscious", "not|cannot|unable|won wake", 2),
    R("unconscious", "reagit|reagi|reagissait plus|pas", 1,
      unless="traitement medicament medicaments antibiotique antibiotiques creme"),
    R("unconscious", "repond|reagit|repondait plus|pas quand|lorsqu|on|lui|meme|aux", 2),
    R("unconscious", "repond|repondait plus|pas", 1, level=AMBIGUOUS,
      unless="telephone standard secretariat personne mail mails mel messages message "
             "appel appels ligne cabinet accueil vous mutuelle laboratoire pharmacie "
             "courrier numero question demande"),
    R("unconscious", "malaise*|faint|fainting|faintness", 0, level=AMBIGUOUS, unless="vagal"),
    R("unconscious", "sol|terre|floor peut|arrive|arrivent|cannot|can relever|lever|get", 3,
      level=AMBIGUOUS),
    R("seizure", "convuls*|convulsif*|convulsing|convulsion", 0),
    R("seizure", "crise*|crises epilep*|convulsive*|tonico*", 2),
    R("seizure", "epilepsie|epileptique|epilepsy|epileptic", 0, level=AMBIGUOUS,
      kind=DIAGNOSIS),
    R("seizure", "seizure*|seizing|fitting", 0),
    R("seizure", "having|had fit", 1),
    R("seizure", "yeux|eyes revuls*|rolling|rolled", 2),
    R("seizure", "tremble*|secousse*|spasme*|shaking|jerking tout|partout|whole|all corps|body",
      3, level=AMBIGUOUS),
    R("confusion", "confus|confuse|confusion|desorient*|disorient*|delir*|incoheren*|confused",
      0, level=AMBIGUOUS,
      unless="desole desolee excuse excuses sorry about par concernant regarding facture "
             "bill invoice rendez appointment retard message mail instructions consignes "
             "explication explications"),
    R("confusion", "reconnait|reconnaissait|recognise|recognize|recognizes|recognises plus|"
      "pas|not|anymore", 2, level=AMBIGUOUS),
    R("confusion", "dit|raconte|parle importe quoi", 3, level=AMBIGUOUS,
      unless="secretaire secretariat medecin docteur accueil site facture vous"),
    R("confusion", "sait plus ou", 2, level=AMBIGUOUS),
    R("confusion", "not making sense", 0, level=AMBIGUOUS),
)

CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "headache": (("mal|maux tete", 1), ("cephalee*|headache*|migraine*", 0)),
    "confusion": (
        ("confus|confuse|confusion|desorient*|disorient*|delir*|incoheren*|confused", 0),
    ),
    "limb_or_face_numb": (
        ((f"engourdi*|engourdiss*|fourmill*|faiblesse|faible|numb*|weak*|tingl* "
         f"{FACE}|faciale|{LIMB}"), 4),
        (f"{FACE}|{LIMB} engourdi*|numb|faible|weak", 3),
        (f"bouge|bouger|lever|soulever|move|lift|moving|lifting plus|pas {LIMB}", 3),
        (f"plus|sans|no force|forces|strength {LIMB}", 4),
        (f"{LIMB} repond|inerte|inertes|lourd|lourde", 3),
    ),
    "speech_trouble": (
        (("trouble*|difficulte*|difficulty|trouble|perte parole|elocution|langage|parler|"
         "speaking|speech|talking"), 2),
    ),
    "unresponsive": (
        ("repond|reagit|repondait plus|pas", 1,
         ("telephone standard secretariat mail mails messages appel appels ligne cabinet "
         "accueil vous mutuelle laboratoire pharmacie courrier numero")),
        ("unresponsive|inconscien*|not responding", 0),
    ),
    "collapse": (
        ("par|au terre|sol", 1), (("malaise*|effondre*|effondree|tombe*|tombee|collapsed|fell|"
                                  "floor|ground"), 0),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("unconscious", ("unresponsive", "collapse")),
    Combination("severe_headache", ("headache", "sudden")),
    Combination("confusion", ("confusion", "acute_onset")),
    Combination("confusion", ("confusion", "fever")),
    Combination("stroke", ("limb_or_face_numb", "acute_onset")),
    Combination("stroke", ("limb_or_face_numb", "speech_trouble")),
    Combination("stroke", ("speech_trouble", "acute_onset")),
)
