"""Poisonings and danger to life by intent or by others: suicide risk, overdoses and ingestions, immediate danger, hypoglycaemia.

Each category of `CATEGORIES` names its sources (docs/triage.md) and what settles it; its
rules, concepts and combinations follow.
"""

from __future__ import annotations

from .base import AMBIGUOUS, DIAGNOSIS, MEDS, TOXIC, Category, Combination, R, RedFlagRule

CATEGORIES: tuple[Category, ...] = (
    Category("suicidal", "Risque suicidaire", "Suicide risk", ("anaes_2000", "samu", "nhs111"),
             "ideation with a plan, the means at hand and a time; farewells; self-harm that "
             "bleeds; urgency and danger graded as in the RUD model"),
    Category("overdose", "Intoxication médicamenteuse", "Overdose", ("samu", "poison_centres"),
             "too many pills on purpose or by mistake, a child who swallowed medicines, drowsy "
             "after pills"),
    Category("poisoning", "Intoxication par un produit", "Poisoning by a product",
             ("poison_centres", "samu"),
             "a household product, a button battery, mushrooms or a plant swallowed; a burning "
             "throat, vomiting after it"),
    Category("carbon_monoxide", "Intoxication au CO", "Carbon monoxide", ("co_spf", "samu"),
             "several people of one home with headache, nausea or drowsiness, a boiler, stove "
             "or generator indoors, a CO alarm"),
    Category("immediate_danger", "Danger immédiat", "Immediate danger", ("samu",),
             "threatened or hit now, locked in, a weapon, a child at risk now"),
    Category("hypoglycemia", "Urgence diabétique", "Diabetic emergency", ("samu", "mts"),
             "a diabetic confused, sweating, not making sense or unconscious; very high sugar "
             "with vomiting, deep breathing or drowsiness"),
    Category("called_emergency", "Secours déjà appelés", "Emergency services involved", ("samu",),
             "the SAMU, the fire brigade or an ambulance named: a human reads it now"),
)

RULES: tuple[RedFlagRule, ...] = (
    R("suicidal", "suicid*|suicide|suicider", 0),
    R("suicidal", "tentative suicide", 1, kind=DIAGNOSIS),
    R("suicidal", "idees|pensees noires", 0),
    R("suicidal", "envie|veux|veut|voudrais|voulais|souhaite|vouloir|pense|penser|envies "
      "mourir|disparaitre|crever", 3),
    R("suicidal", "envie|veux|veut|voudrais|vais|va|envies en finir", 2,
      unless="dossier facture histoire attente probleme papiers question affaire paperasse "
             "rendez travail boulot traitement"),
    R("suicidal", "me|se tuer|pendre|mutiler|scarifi*|foutre|supprimer", 1,
      unless="travail boulot ecole"),
    R("suicidal", "me|se jeter train|fenetre|pont|balcon|vide|voiture|metro", 3),
    R("suicidal", "me|se fais|fait|faire|faisais|suis du mal", 1),
    R("suicidal", "coupe|couper|coupais|entaille*|brule|bruler|griffe bras|poignets|cuisses|"
      "veines|peau|ventre", 2,
      unless="suis cuisine cuisinant bricolant bricolage accident couteau verre vitre tombe "
             "tombee chute jardin"),
    R("suicidal", "scarif*|automutil*|auto mutil*|mutile", 0),
    R("suicidal", "couper|coupe|ouvrir|ouvert|ouvre|taillade veines|poignets|wrists", 3),
    R("suicidal", "plus|pas|aucune envie vivre|vie", 2),
    R("suicidal", "pense|pensait|pensent|penses|pensees|idee|idees|thinking|thoughts mort|"
      "mourir|suicide|death|dying|dead", 3),
    R("suicidal", "plus|aucune envie rien", 2, level=AMBIGUOUS),
    R("suicidal", "veux|veut|voulez plus vivre", 1),
    R("suicidal", "marre vivre|vie", 3, unless="chere cout prix"),
    R("suicidal", "mettre|mis|mettrai|mettre fin jours|vie", 3),
    R("suicidal", "vie sens|valeur|interet|importance", 3, level=AMBIGUOUS),
    R("suicidal", "kill|killing|harm|harming|cut|cutting|end myself|himself|herself|themselves|"
      "myslef", 1),
    R("suicidal", "want|wanna|going|thinking|thoughts|urge hurt|hurting myself|himself|herself",
      3),
    R("suicidal", "self harm*", 1),
    R("suicidal", "selfharm*", 0),
    R("suicidal", "end|take|ending|taking my|his|her|own life", 1),
    R("suicidal", "end it all", 1),
    R("suicidal", "want|wanna|wish|wishing|wants die|dead", 2),
    R("suicidal", "better off dead", 1),
    R("suicidal", "lettre|message|mot|lettres adieu|adieux", 2),
    R("suicidal", "dire|dit adieu|adieux", 1),
    R("suicidal", "goodbye|suicide letter|note", 1),
    R("suicidal", "no|not reason|point|worth live|living", 3),
    R("suicidal", "not|dont want live|living", 3),
    R("overdose", "overdose|surdose|overdosed|overdosing", 0),
    R("overdose", "intoxi*|empoisonn*|poisoned|poisoning", 0,
      unless="alimentaire alimentaires food aliment"),
    R("overdose", "surdosage|surdose", 0, level=AMBIGUOUS),
    R("overdose", f"avale*|ingere*|ingurgit*|bu|pris|prise|took|taken|swallowed|drank|ate "
      f"trop|toute|tous|toutes|boite|boites|plaquette*|flacon*|bottle|whole|entire|many|lot|"
      f"dizaine*|bunch {MEDS}|boite|boites|plaquette*|flacon|bottle", 3),
    R("overdose", f"avale*|ingere*|bu|swallowed|drank|mange*|ate|licked|leche* "
      f"des|du|de|un|une|plusieurs|some|a|sa|ses|her|his|la|l {TOXIC}", 2,
      unless="laitier laitiers frais bio alimentaire alimentaires regime"),
    R("overdose", f"avale*|ingere*|swallowed|mange*|ate des|plusieurs|some|ses|sa {MEDS}", 2),
    R("overdose", "monoxyde|monoxide", 0),
    R("overdose", "mange*|cueilli*|ate|eaten|avale* champignon*|baies|mushroom*|berries|plante*",
      3, level=AMBIGUOUS),
    R("overdose", "coma ethylique", 1),
    R("overdose", "alcohol poisoning", 1),
    R("immediate_danger", "suis|sommes|est|am|are in|en danger", 1,
      unless="sante health carriere"),
    R("immediate_danger", "va|veut|menace|veulent me|nous tuer|frapper", 2),
    R("immediate_danger", "threaten*|going|gonna|wants kill|hurt me|us", 2,
      unless="pain douleur mal"),
    R("immediate_danger", "violence*|frappe|battu|battue|agresse*|viol|violee|beats|beaten|"
      "abuse*|raped", 1, level=AMBIGUOUS),
    R("hypoglycemia", "hypoglycemi*|hypo", 0, level=AMBIGUOUS),
    R("called_emergency", "samu|pompiers|ambulance|911|999", 0, level=AMBIGUOUS),
)

CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "child_ingestion": (
        ((f"avale*|ingere*|swallowed|mange*|ate|bu|drank|croque*|chewed|licked "
         f"bunch|lot|lots|handful|several|many|plusieurs|tous|toutes|toute|boite|plaquette*|"
         f"flacon|bottle|whole|some|grand|grandmother|grandfather|grandma|grandpa|mamie|papi|"
         f"parents|nounou|mother|father|mere|pere {MEDS}|{TOXIC}"), 6,
         "laitier laitiers frais bio alimentaire alimentaires regime"),
    ),
    "wild_ingestion": (
        ("mange*|cueilli*|ate|eaten|avale* champignon*|baies|mushroom*|berries|plante*", 3),
    ),
    "poisoning_signs": (
        (("vomi*|vomit*|diarrhee*|malaise|somnolen*|endormi*|blanc|blanche|pale|convuls*|"
         "delire*|hallucin*|sleepy|drowsy|vomiting"), 0),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("overdose", ("wild_ingestion", "poisoning_signs")),
    Combination("overdose", ("child", "child_ingestion")),
)
