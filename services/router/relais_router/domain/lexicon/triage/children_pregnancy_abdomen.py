"""Infants and children, pregnancy, the abdomen and infection: fever in infants, a sick child, head injury, meningitis and sepsis, pregnancy emergencies, testicular torsion.

Each category of `CATEGORIES` names its sources (docs/triage.md) and what settles it; its
rules, concepts and combinations follow.
"""

from __future__ import annotations

from .base import AMBIGUOUS, BLOOD_TEST, DIAGNOSIS, Category, Combination, R, RedFlagRule

CATEGORIES: tuple[Category, ...] = (
    Category("infant_fever", "Fièvre du nourrisson", "Fever in an infant", ("nice_ng143",),
             "38 °C or more under 3 months; fever with a floppy, hard-to-wake or not feeding baby"),
    Category("infant_distress", "Enfant gravement malade", "Seriously ill child", ("nice_ng143",),
             "NICE red features: pale, mottled or blue; no response; does not wake; weak or "
             "high-pitched cry; grunting; no wet nappy; green vomit; floppy"),
    Category("dehydration", "Déshydratation", "Dehydration", ("nice_ng143", "nhs111"),
             "an infant who no longer drinks, no wet nappy, sunken eyes"),
    Category("head_injury", "Traumatisme crânien", "Head injury", ("nice_ng232",),
             "a blow to the head with loss of consciousness, repeated vomiting, drowsiness, a "
             "seizure, confusion, clear fluid from nose or ears, on an anticoagulant, a baby"),
    Category("meningitis_purpura", "Méningite, purpura", "Meningitis, purpura",
             ("nice_ng143", "nice_ng51", "samu"),
             "fever with a stiff neck or spots that do not fade under a glass"),
    Category("sepsis", "Sepsis", "Sepsis", ("nice_ng51",),
             "very unwell with fever: mottled, fast breathing, no urine, after chemotherapy or "
             "surgery"),
    Category("pregnancy_emergency", "Urgence de la grossesse", "Pregnancy emergency",
             ("nice_ng133", "samu"),
             "pain in early pregnancy, severe headache with vision trouble, waters broken, the "
             "baby moving less, fits in pregnancy"),
    Category("bleeding_in_pregnancy", "Saignement pendant la grossesse", "Bleeding in pregnancy",
             ("samu", "mts"), "any bleeding while pregnant, heavy bleeding after birth"),
    Category("testicular_torsion", "Torsion testiculaire", "Testicular torsion", ("mts", "nhs111"),
             "sudden severe testicular pain in a boy or young man"),
    Category("acute_abdomen", "Abdomen aigu", "Acute abdomen", ("mts", "nhs111"),
             "sudden severe abdominal pain, a rigid belly, vomiting with no stools or gas, "
             "belly and back pain in the old"),
)

RULES: tuple[RedFlagRule, ...] = (
    R("meningitis_purpura", "purpura|meningite|meningitis|meningo*", 0, kind=DIAGNOSIS),
    R("sepsis", "sepsis|septicemi*|septique|septic", 0, kind=DIAGNOSIS),
    R("head_injury", "traumatisme cranien", 1, level=AMBIGUOUS),
    R("head_injury", "head injury", 1, level=AMBIGUOUS),
    R("head_injury", "commotion|concussion", 0, level=AMBIGUOUS),
    R("head_injury", "tombe*|chute|fall|fell|cogne*|choc|coup|hit|bang*|heurt* tete|crane|head",
      3, level=AMBIGUOUS),
    R("testicular_torsion", "torsion testicul*|bourse*|testicle*", 2),
    R("pregnancy_emergency", "fausse couche", 1, kind=DIAGNOSIS),
    R("pregnancy_emergency", "grossesse extra", 1, kind=DIAGNOSIS),
    R("pregnancy_emergency", "miscarriage|miscarrying|ectopic|eclampsie|preeclampsie|hellp", 0,
      kind=DIAGNOSIS),
    R("pregnancy_emergency", "pre eclampsie", 1, kind=DIAGNOSIS),
    R("dehydration", "boit|feeding|drinking plus|rien|not|refuse", 2, level=AMBIGUOUS),
)

CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "pregnancy": (
        ("enceinte|enceintes|grossesse|pregnant|pregnancy|foetus|amenorrhee|gestation", 0),
        ("#num sa", 0), ("future maman", 0), ("attend|attends un bebe|enfant", 2),
    ),
    "bleeding_any": (
        ("saign*|sang|bleed*|bleeding|spotting|hemorrag*|caillot*|clots|blood|saignotte*", 0,
         BLOOD_TEST + " gencives gums nez nose"),
        ("pertes rouges|marron|brunes|sang", 2),
    ),
    "abdominal_pain": (
        (("douleur*|mal|maux|crampe*|pain|pains|cramp*|contraction*|ache|aching|hurts "
         "ventre|abdomen|abdomina*|belly|stomach|tummy|pelvi*|pelvis|bassin"), 3),
        ("ventre|abdomen|belly|stomach|tummy douleur*|mal|pain|hurts|dur|contract*", 3),
    ),
    "waters": (
        ("perte*|poche|perdu eaux", 2), ("liquide amniotique", 0),
        ("waters|water broke|broken|breaking", 1),
    ),
    "fetal_movement": (
        (("pas|plus|moins|aucun|peu|less|no|reduced|fewer|decreased mouvement*|bouge*|"
         "movement*|moving|kicks|kicking"), 2),
        (("bouge*|mouvements|moving|movements|movement|kicks|kicking plus|moins|pas|less|"
         "reduced|stopped|not|no"), 2),
        ("sens|sent|senti|feel|felt plus|pas|not bouger|bebe|baby|move", 2),
    ),
    "vision": (
        ("vision|vue trouble|floue|brouillee|double|blurred|blurry", 1),
        ("voit|vois|voir|see|seeing etoiles|mouches|points|flashes|spots|lumieres", 2),
    ),
    "stiff_neck": (
        ("nuque|cou|neck raide|bloque*|stiff|rigide", 2),
        ("raideur|rigidite|stiff|stiffness nuque|cou|neck", 2),
    ),
    "purpura_spots": (
        (("taches|tache|boutons|plaques|points|spots|rash|marques violet*|pourpre*|purple|"
         "effacent|disparaissent|fade|fading|blanch*"), 4),
    ),
    "chemo": (("chimio*|chemo*|chimiotherapie|immunodeprim*|neutropeni*", 0),),
    "head_injury": (
        ("tombe*|chute|fall|fell|cogne*|choc|coup|hit|bang*|heurt* tete|crane|head", 3),
        ("traumatisme cranien", 1), ("head injury", 1), ("commotion|concussion", 0),
    ),
    "head_injury_warning": (
        (("vomi*|vomit*|somnol*|endormi*|drowsy|sleepy|confus*|saign*|bleed*|anticoag*|"
         "kardegic|eliquis|xarelto|previscan|coumadine|warfarin|thinners|convuls*|"
         "bizarre*|strange*|repond|reagit|inconscien*|unconscious|connaissance"), 0),
    ),
    "testicle_pain": (
        ("douleur*|mal|pain|pains|ache testicul*|bourse*|bourses|testicle*|testis|scrotum", 3),
    ),
    "infant_distress": (
        (("mou|molle|hypoton*|floppy|limp|geint|gemit|gris|grise|grey|gray|marbre*|mottled|"
         "fontanelle|apathique|lethargi*|listless"), 0),
    ),
    "infant_feeding": (
        ("boit|tete plus|rien|pas|not", 1),
        ("refuse|refusing|won biberon|sein|tetee|tetees|boire|feed|feeding|bottle|drink", 3),
        ("not|stopped|isn feeding|drinking|eating", 2),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("bleeding_in_pregnancy", ("pregnancy", "bleeding_any")),
    Combination("pregnancy_emergency", ("pregnancy", "abdominal_pain", "severe")),
    Combination("pregnancy_emergency", ("pregnancy", "abdominal_pain"), AMBIGUOUS),
    Combination("pregnancy_emergency", ("pregnancy", "waters")),
    Combination("pregnancy_emergency", ("pregnancy", "fetal_movement")),
    Combination("pregnancy_emergency", ("pregnancy", "headache", "vision")),
    Combination("pregnancy_emergency", ("pregnancy", "headache", "severe")),
    Combination("infant_fever", ("baby_young", "fever")),
    Combination("infant_fever", ("baby_any", "fever"), AMBIGUOUS, unless=("older_age",)),
    Combination("infant_distress", ("baby_any", "infant_distress"), unless=("older_age",)),
    Combination("infant_distress", ("baby_any", "infant_feeding"), AMBIGUOUS),
    Combination("meningitis_purpura", ("fever", "stiff_neck")),
    Combination("meningitis_purpura", ("fever", "purpura_spots")),
    Combination("meningitis_purpura", ("purpura_spots",), AMBIGUOUS),
    Combination("sepsis", ("fever", "chemo")),
    Combination("head_injury", ("head_injury", "head_injury_warning")),
    Combination("testicular_torsion", ("testicle_pain", "sudden")),
    Combination("testicular_torsion", ("testicle_pain", "severe")),
    Combination("testicular_torsion", ("testicle_pain",), AMBIGUOUS),
)
