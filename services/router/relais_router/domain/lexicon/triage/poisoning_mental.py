"""Poisonings and danger to life by intent or by others: suicide risk, overdoses and ingestions, immediate danger, hypoglycaemia.

Each category of `CATEGORIES` names its sources (docs/triage.md) and what settles it; its
rules, concepts and combinations follow.
"""

from __future__ import annotations

from .base import AMBIGUOUS, BLOOD_TEST, DIAGNOSIS, MEDS, TOXIC, Category, Combination, R, RedFlagRule

# Medicines beyond the shared list: substitution treatments, heart, sleep, insulin; and the
# word for tablets in Portuguese, Spanish, German and Turkish.
PM_MEDS = (MEDS + "|methadone|subutex|buprenorphine|suboxone|digoxine|digoxin|stilnox|zolpidem|"
           "imovane|zopiclone|seresta|tercian|valium|rivotril|antihypertenseur*|warfarin|previscan|"
           "comprimidos|pastillas|pastilhas|remedios|tabletten|pillen|ilac|ilaclar|hap|haplar|"
           "medikamente|medicamentos|kapseln|antidepressant*|antidepresivos|heroine|heroin|"
           "fentanyl|oxycodone|cocaine|ghb|ecstasy")
# Household products beyond the shared list, including laundry capsules and coolant, in
# FR / EN / PT / ES / DE / TR.
PM_TOXIC = (TOXIC + "|capsule*|pastille*|dosette*|refroidissement|coolant|lave|"
            "dishwasher|laundry|pods|soude|destop|acide|methanol|glycol|"
            "lejia|lixivia|veneno|detergente|amoniaco|putzmittel|bleichmittel|reiniger|"
            "chlorreiniger|abflussreiniger|camasir|deterjan|zehir|kezzap|liquide|liquid|nicotine|"
            "vape|cigarette|granules|limace*|slug|metaldehyde|rat")

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
    R("suicidal", "suicid*|suicide|suicider", 0, level=AMBIGUOUS, kind=DIAGNOSIS),
    R("suicidal", "suis|sens|am|im|feel|feeling|feels|est|is|devenu|devenue suicidaire|suicidal",
      2, unless="notice effet effets secondaire secondaires leaflet side pas not never jamais"),
    R("suicidal", "me|se suicider|suicide", 0),
    R("suicidal", "idees|pensees|thoughts|envie|envies|thinking|urge|plan|planning suicidaire*|"
      "suicidal|suicide", 2,
      unless="notice effet effets secondaire secondaires leaflet side augmenter increase"),
    R("suicidal", "better off without me|us", 2),
    R("suicidal", "veux|veut|voudrais|vais|va plus vivre|exister", 1),
    R("suicidal", "quiero|quer|quero|will|mochte morir|morrer|sterben|matarme|matar", 1),
    R("suicidal", "olmek|intihar*|suicidio|suizid*|selbstmord", 0, level=AMBIGUOUS, kind=DIAGNOSIS),
    R("suicidal", "olmek|intihar istiyorum|edecegim|edicem|ederim", 1),
    R("suicidal", "will|mochte|moechte sterben|umbringen", 2),
    R("suicidal", "quiero|quiere|quer|quero|voy|vou matar|morir|morrer|suicidar|matarme|matarse", 2),
    R("suicidal", "bringt|bringe sich|mich um", 2), R("suicidal", "umbringen", 0),
    R("suicidal", "tentative suicide", 1, kind=DIAGNOSIS,
      unless="mieux better suivi psychologue psy ordonnance renouvellement"),
    R("suicidal", "idees|pensees noires", 0, level=AMBIGUOUS),
    R("suicidal", "sauter|jump|jumping|jeter du|off|from|d|de pont|bridge|fenetre|window|balcon|"
      "toit|roof|viaduc|falaise|cliff", 3),
    R("suicidal", "kendimi oldur*|asacagim|oldurecegim", 1),
    R("suicidal", "kendimi oldur*", 0),
    R("suicidal", "envie|veux|veut|voudrais|voulais|souhaite|vouloir|pense|penser|envies "
      "mourir|disparaitre|crever", 3),
    R("suicidal", "envie|veux|veut|voudrais|vais|va|envies|allait|allais|voulait|compte|vont en finir", 2,
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
      "mourir|suicide|death|dying|dead", 3, unless="ne"),
    R("suicidal", "plus|aucune envie rien", 2, level=AMBIGUOUS),
    R("suicidal", "veux|veut|voulez plus vivre", 1),
    R("suicidal", "marre vivre|vie", 3, unless="chere cout prix"),
    R("suicidal", "mettre|mis|mettrai|mettre fin jours|vie", 3),
    R("suicidal", "vie sens|valeur|interet|importance", 3, level=AMBIGUOUS),
    R("suicidal", "kill|killing|harm|harming|cut|cutting|end myself|himself|herself|themselves|"
      "myslef", 1, unless="safe cooking cuisine cuisinant accident accidentally shaving gardening "
      "chopping while bricolage"),
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
    R("overdose", "overdose|surdose|overdosed|overdosing", 0, level=AMBIGUOUS, kind=DIAGNOSIS),
    R("overdose", "took|taken|taking|had|fait|fais|pris an|une|d overdose|surdose", 2),
    R("overdose", "intoxi*|empoisonn*|poisoned|poisoning", 0, level=AMBIGUOUS, kind=DIAGNOSIS,
      unless="alimentaire alimentaires food aliment"),
    # A number of tablets that is an overdose by itself (10 and over), or a whole box.
    R("overdose", "pris|avale*|took|taken|swallowed|had|tomou|tomei|tomo|engoliu|ingere* "
      "10|12|14|15|16|18|20|24|25|28|30|35|40|45|50|60|100 " + PM_MEDS, 3,
      unless="mg milligrammes ml gouttes drops unites units ui minutes min ans years jours days"),
    R("overdose", "tomou|tomei|tomo|engoliu|tomado|bebido|tragado|geschluckt|genommen|icti|"
      "yuttu comprimidos|pastillas|pastilhas|remedios|tabletten|pillen|ilac* todos|todas|caixa|"
      "caja|frasco|alle|packung", 3),
    R("overdose", "alle|ganze|viele|packung tabletten|pillen|medikamente geschluckt|genommen", 3),
    R("overdose", "injecte|injected|fait|pris|took|gave|mis #num unites|units|ui insuline|insulin|"
      "rapide|novorapid|humalog", 3, level=AMBIGUOUS),
    R("overdose", "trompe|erreur|wrong stylo|pen|insuline|insulin", 3, level=AMBIGUOUS),
    R("overdose", "surdosage|surdose", 0, level=AMBIGUOUS),
    R("overdose", f"avale*|ingere*|ingurgit*|bu|pris|prise|took|taken|swallowed|drank|ate "
      f"trop|toute|tous|toutes|all|boite|boites|plaquette*|flacon*|bottle|whole|entire|many|lot|"
      f"dizaine*|bunch|load|loads|handful|heaps {PM_MEDS}|boite|boites|plaquette*|flacon|bottle", 3),
    R("overdose", f"avale*|ingere*|bu|swallowed|drank|mange*|ate|licked|leche* "
      f"des|du|de|un|une|plusieurs|some|a|sa|ses|her|his|la|l {TOXIC}", 2,
      unless="laitier laitiers frais bio alimentaire alimentaires regime diluee dilue diluted"),
    R("overdose", f"avale*|ingere*|swallowed|mange*|ate des|plusieurs|some|ses|sa {MEDS}", 2),
    R("carbon_monoxide", "monoxyde|monoxide", 0, level=AMBIGUOUS, kind=DIAGNOSIS),
    R("carbon_monoxide", "detecteur|alarme|alarm|detector co|monoxyde|monoxide|carbone sonne|"
      "bipe|sonnait|going|beeping|went", 3, level=AMBIGUOUS),
    # A caustic product swallowed: poison centre and SAMU (FR EN PT ES DE TR).
    R("poisoning", "bu|avale*|bebido|bebio|tomado|tragado|bebeu|engoliu|tomou|getrunken|"
      "geschluckt|icti|yuttu|drank|swallowed|drunk javel|lejia|lixivia|bleach|deboucheur|destop|"
      "soude|caustique*|corrosif*|ammoniaque|amoniaco|refroidissement|antigel|antifreeze|coolant|"
      "chlorreiniger|abflussreiniger|camasir|kezzap|methanol|spirit|petrole|essence|kerosene|"
      "paraffin|lampe|cleaner|cleaners|unblocker", 4, unless="diluee dilue diluted"),
    R("overdose", "mange*|cueilli*|ate|eaten|avale* champignon*|baies|mushroom*|berries|plante*",
      3, level=AMBIGUOUS),
    R("overdose", "coma ethylique", 1),
    R("overdose", "alcohol poisoning", 1),
    R("immediate_danger", "suis|sommes|est|am|are in|en danger", 1,
      unless="sante health carriere"),
    R("immediate_danger", "va|veut|menace|veulent me|nous tuer|frapper", 2),
    R("immediate_danger", "va|veut|menace*|veulent|crie|dit tous|les|la|le|vous|te|t|nous|me|m "
      "tuer|buter|egorger", 3, unless="tabac cigarette cigarettes fumer alcool stress douleur mal"),
    R("immediate_danger", "ma|m|me|nous|a|l enferme*|sequestre*", 2),
    R("immediate_danger", "menace*|threaten*|threatening|attaque*|attacking avec|with|me|nous|us "
      "couteau|knife|arme|gun|fusil|pistolet|hache|axe|revolver", 3,
      unless="film serie movie jeu video reve dream livre book"),
    R("immediate_danger", "will|ll|gonna|going|wants|wanna|threatens|threatened|says kill|stab|"
      "shoot|strangle me|us|her|him|them|you|everyone", 2,
      unless="pain douleur mal headache this back film movie game"),
    R("overdose", "tomo|tomou|tomei|bebio|tomado|tomaste todos|todas|toda|caja|caixa|frasco|"
      "alle comprimidos|pastillas|pastilhas|remedios|pilulas|tabletten", 3),
    R("immediate_danger", "locked|locking|lock me|us|her|him in", 2),
    R("immediate_danger", "enfant|eleve|fille|fils|child|kid|bebe|femme|voisine en|in danger", 1,
      unless="medicament medicaments traitement grossesse enceinte allaitement vaccin peut pourrait "
             "could can pregnancy medication"),
    R("immediate_danger", "danger immediat|imminent|de mort", 0),
    R("immediate_danger", "threaten*|threatening|menace* my|ma|mes|mon|famille|family|enfants|children|"
      "kids|us|nous|wife|femme|mari|husband", 2,
      unless="fausse couche accouchement premature grossesse enceinte"),
    R("immediate_danger", "menace*|menaces de mort", 1), R("immediate_danger", "death threat|threats", 0),
    R("immediate_danger", "texted|text|textoed|sent|envoye|ecrit|message me|moi|m help|aide|"
      "secours|sos", 3, level=AMBIGUOUS),
    R("immediate_danger", "threaten*|going|gonna|wants kill|hurt me|us", 2,
      unless="pain douleur mal"),
    R("immediate_danger", "violence*|frappe|battu|battue|agresse*|viol|violee|beats|beaten|"
      "abuse*|raped", 1, level=AMBIGUOUS),
    R("hypoglycemia", "hypoglycemi*|hypo", 0, level=AMBIGUOUS),
    R("hypoglycemia", "acidocetose|cetoacidose|ketoacidosis|dka|coma diabetique|hyperosmolaire",
      0, level=AMBIGUOUS, kind=DIAGNOSIS),
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
         "delire*|hallucin*|sleepy|drowsy|vomiting|pupil*|pupille*|titube*|bave|baver|drool*|"
         "schlafrig|schlaefrig|uykulu|sonolento|somnoliento|dormido|adormecido|bewusstlos|"
         "tousse|coughing|sifflement|wheez*|vomitando|vomitar|vomita|kusuyor*|erbricht|"
         "mou|molle|confus*|muddled|throwing"), 0),
        ("not|pas making|sense", 1), ("respire|breathing bizarre|weird|funny|strange", 2),
        ("bouche|gorge|throat|mouth|garganta qui|is brule|saigne|bleeding|burning|duele|doi", 2),
        ("bouche|gorge|throat|mouth|garganta brule|saigne|bleeding|burns|burning", 2),
        ("duele|doi|doem|tut garganta|gorge|hals", 3),
        ("no|nao quiere|quer tragar|engolir", 2),
    ),
    # Any ingestion, child or adult, of a medicine or a household product (wider verbs).
    "pm_ingestion": (
        ((f"avale*|ingere*|swallowed|swallow|mange*|ate|eaten|eat|bu|drank|drunk|croque*|chewed|mache*|mordu|"
          f"mord|bit|bitten|licked|leche*|bebido|bebio|tragado|bebeu|engoliu|tomou|geschluckt|"
          f"getrunken|icti|yuttu "
          f"{PM_MEDS}|{PM_TOXIC}"), 4, "laitier laitiers frais bio alimentaire alimentaires regime "
         "chocolat folique"),
        ((f"{PM_MEDS}|{PM_TOXIC} l|la|le|it|them a|has|s mache*|avale*|croque*|chewed|"
          f"swallowed|mange*|ate"), 4),
        (f"{PM_MEDS}|{PM_TOXIC} geschluckt|getrunken|gegessen|icti|yuttu|yedi", 4),
    ),
    # Central depression after a medicine (opioid and sedative toxidrome, SAMU, poison centres).
    "pm_tox_drowsy": (
        (("somnol*|endort|assoupi*|drowsy|molle|inconscient*|unconscious|unresponsive|"
          "pupilles|pupils"), 0),
        ("pique|piquer du nez", 1), ("really|very|so|extremely sleepy", 1), ("plus|plus en plus sommeil", 3),
        ("barely|cannot|cant|hardly keep my|his|her eyes", 3), ("barely|cannot|hardly stay awake", 2),
        ("arrive|arrivons|peux pas|plus le|la|a reveiller|reveille", 3),
        ("can t|cannot wake", 2), ("vois|voit|ve|see tout|everything jaune|amarelo|yellow", 2),
        ("coeur|coracao|heart|pouls|pulse lent|lento|slow", 3),
        ("respire|breathing|breathes lentement|slowly|slow|peu", 2),
    ),
    "pm_overdose_named": (
        ("overdose|surdose|overdosed|intoxi*|empoisonn*|poisoned|poisoning", 0,
         "alimentaire alimentaires food aliment"),
    ),
    "pm_vomiting": (("vomi*|vomit*|vomis|vomissent|vomitando|vomitar|kusuyor*|erbricht|throwing", 0),),
    "pm_dka_strong": (
        ("cetone*|ketone*|cetonemie|acetone", 0),
        ("haleine|breath|souffle sent|smells|smelling pomme|apple|fruity|acetone", 3),
        ("acidocetose|ketoacidosis|dka|cetoacidose", 0),
        ("respire|jrespire|breathing|breathes|respiration fort|deep|profond*|panting|vite|fast|rapide", 3),
    ),
    "pm_co_alarm": (
        ("detecteur|alarme|alarm|detector co|monoxyde|monoxide|carbone", 3),
        ("monoxyde|monoxide|co detecteur|alarme|alarm|detector", 2),
    ),
    "pm_co_any_symptom": (
        ("tete|crane|headache*|migraine|vertige*|dizzy|nausee*|nausea*|vomi*|somnol*|drowsy|"
         "tourne|malaise|evanoui*|faint*", 0, "personne nobody"),
    ),
    "pm_double_dose": (
        ("deux|2|trois|3 fois|times", 0, "jour day daily semaine week matin soir"),
        ("twice|double|doubles|dobro|doble", 0, "jour day daily semaine week"),
        ("doses|dose de|d aujourd hui", 0),
    ),
    # More than the prescribed dose: a box, too many, a second dose, a mistake.
    "pm_med_excess": (
        ("deux|2|trois|3 fois|times", 0, "jour day daily semaine week matin soir"),
        ("twice|double|doubles|dobro|doble", 0, "jour day daily semaine week"),
        ("trop|too many|much", 1), ("toute|tous|whole|all|entire boite|plaquette|box|packet|bottle|mes|my", 2),
        ("erreur|mistake|trompe|wrong|accident*|accidentally", 0),
        ("sais|know pas|not combien|how", 2),
        ("10|12|14|15|16|18|20|24|25|28|30|35|40|45|50|60|100 " + PM_MEDS, 3,
         "mg milligrammes ml gouttes drops minutes min ans years jours days"),
    ),
    "pm_med_taken": (
        ("pris|took|taken|avale*|swallowed combien|many", 6),
        (f"pris|prise|took|taken|tomou|avale*|swallowed|injecte|injected {PM_MEDS}|dose|"
         f"doses|unites|units|traitement|treatment|medicine|medicines", 4),
        (f"{PM_MEDS} geschluckt|genommen|tomado|tomou|tragado|icti|yuttu", 4),
    ),
    "pm_bleeding": (
        ("saign*|saigne|bleed*|nosebleed|blood|sang|hemorrag*|sangue|sangre|blut*", 0, BLOOD_TEST),
    ),
    # Suicide risk (ANAES 2000 urgency and danger; NHS 111): means at hand, a plan and a time,
    # farewells, being unreachable.
    "pm_suicide_means": (
        (("corde|rope|noose|shotgun|rifle|fusil|carabine|pistolet|gun|revolver|arme|"
          "rails"), 0),
        ("jeter|sauter|jump|jumping pont|bridge|fenetre|window|balcon|off|train", 3),
        (f"mis|mise de cote {PM_MEDS}", 4),
        (f"stocke*|saving|saved|hoarding|stockpil*|collecting|accumule* {PM_MEDS}", 3),
        ("acces|access armoire|pharmacie|pills|meds|medicaments|gun|arme", 3),
        ("tout ce qu il faut", 1),
    ),
    "pm_suicide_farewell": (
        ("en peux|peut plus", 1, "boulot travail job douleur dos mal collegues chef"), ("plus capable", 0), ("c est fini|finie", 2),
        ("soir|nuit|tonight je|jle|i le|it fais|fait|do|doing", 3),
        ("sert plus a rien", 2), ("serai|sera|seras plus la", 1),
        ("won|wont|will not be here|around", 2,
         "week semaine holiday holidays vacances vacation appointment rdv rendez away trip"),
        ("better off", 1),
        ("goodbye|adieu|adieux message|note|letter|lettre|mot|texto|sms|text", 2),
        ("said|dit|dire|say goodbye|adieu|adieux", 2),
        ("lettres|lettre|note|mot|message|sms|texto|mail|text adieu|adieux|goodbye|sorry|pardon|"
         "aimait|aime", 4),
        ("ecrit|laisse|left mes|ses|a|his|her lettres|lettre|note|mot", 3),
        ("aurait|aurai|aura|aurais plus besoin", 2), ("won|wont|will not need them|it|anything", 2),
        ("donne|donner|given|gave|giving son|sa|ses|mes|her|his|away chat|chien|bijoux|affaires|"
         "things|cat|dog|belongings|jewellery", 3),
        ("voulait|voulais|wanted mourir|die", 2),
        ("pas de ma|sa faute", 2), ("not your fault", 1),
        ("someone|quelqu to|un know|sache", 2),
    ),
    # The person cannot be reached: with farewells or violence it is now (SAMU).
    "pm_unreachable": (
        ("repond|repondait|decroche plus|pas", 2,
         "vous mail mails email emails secretariat cabinet docteur medecin diabetologue pharmacie "
         "standard ligne"),
        ("not|isn answering|picking", 2, "clinic surgery line you reception"),
        ("sonne dans le vide", 1), ("nothing since", 0),
        ("car|voiture s|est|is gone|partie|parti", 2), ("entends plus rien", 0),
        ("hear nothing|anything", 1),
    ),
    # Immediate danger (SAMU): an act of violence or a weapon, and the aggressor here now.
    "pm_violence_act": (
        (("frappe|frapper|frappait|tabasse|battu|battue|chasing|poursuit|"
          "couteau|knife|hache|axe|arme|gun|fusil|pistolet|etrangl*|strangl*|threaten*|"
          "schlagt|bicak|vuruyor|golpea|cuchillo|faca"), 0),
        ("menace*", 0, "fausse couche accouchement premature grossesse enceinte"),
        ("hurting|hitting|beating|attacking|strangling|choking me|us|her|him|my|mum|mom|them|the", 1,
         "pain douleur back head tete"),
        ("coups", 0, "fil telephone soleil main pouce froid"),
        ("coup|coups de poing|pied|poings|pieds|couteau|ceinture|hache", 1),
        ("kill|stab|shoot|tuer|poignarder|egorger", 0, "pain douleur mal headache"),
        ("me|m|nous tape|cogne|bat", 1, "nerfs systeme"),
        ("pega|pegando|golpeando|schlagt|schlaegt|dovuyor|bater|batendo|bate", 0),
    ),
    "pm_danger_now": (
        ("est|is|s a|in cote|next|dehors|outside", 1), ("next room|door", 0),
        ("devant|outside ma|my|la|the porte|door", 2),
        ("tape|banging|bangs|knocking porte|door|mur|wall", 4),
        ("va|veut|going|allait|vient|compte|revient entrer|revenir|recommencer", 2),
        ("coming back", 0), ("enferme*|locked", 0), ("right now", 0), ("en ce moment", 0),
        ("la|right maintenant|now", 0), ("entends|hear|hearing des|screaming|cris|crier|coups|hurler|"
                                         "screams|banging", 2),
        ("please help", 0), ("pris|took|prend mon|my tel|telephone|phone", 2),
        ("envoyez|send quelqu|qqn|someone|help|police", 2), ("cannot|peux|can talk|parler", 2),
        ("peur d appeler", 1), ("au secours", 0), ("aidez|aide moi|nous", 0),
        ("help me|us", 0), ("encore|toujours|still la|here|ici|there", 0), ("entends plus rien", 0),
        ("supplie|begs|begging", 0), ("tous les tuer", 1), ("nous faire payer", 1),
    ),
    "pm_assault": (("viol|violee|viole|raped|rape|agresse*|assaulted|attacked", 0,
                    "certificat plainte audience avocat avocate dossier attestation"),),
    "pm_rape": (("viol|violee|viole|raped|rape", 0,
                 "certificat plainte audience avocat avocate dossier attestation"),),
    # Diabetic emergencies (MTS, SAMU): hypoglycaemia with neuroglycopenia, ketoacidosis.
    # Child, in the other languages of the clinic's patients (PT ES DE TR).
    "pm_child_intl": (
        ("#num year|years|yr old|yo", 1), ("she|he s|is 1|2|3|4|5", 0), ("#num ans|mois|anos|anos|jahre|yasinda", 0),
        (("kind|kinder|sohn|tochter|hijo|hija|nino|nina|bebe|filho|filha|crianca|menino|menina|"
          "cocuk|oglum|kizim|bebek"), 0),
    ),
    "pm_diabetic": (
        (("diabet*|diyabet*|seker|insuline|insulin|insulina|glycemie*|glucose|amarel|glucophage|"
          "daonil|novorapid|lantus|humalog|sugar|sugars|dt1|t1d"), 0),
        ("type 1|one|i", 0), ("going low", 0), ("pompe insuline|insulin", 1),
        ("lecteur|meter glycemie|affiche|says|shows|reads", 2),
    ),
    "pm_hypo_neuro": (
        (("confus*|muddled|incoheren*|somnol*|drowsy|inconscient*|unconscious|unresponsive|"
          "convuls*|zuckt|bewusstlos|inconsciente|desmaiado|desmayado|baygin|bayld|confundido|"
          "confuso|verwirrt|bilinci"), 0),
        ("yanit vermiyor", 1), ("desmaio|desmayo|ohnmacht", 0),
        ("dit|raconte|dire|dis n importe", 1), ("talking|talks|says|saying nonsense|rubbish|gibberish", 2),
        ("dit|dis|raconte|says des|things trucs|choses|bizarres|incoherentes|weird|strange", 3),
        ("not|pas making|sense", 1), ("not herself|himself", 1), ("not with it", 1),
        ("sans queue", 0), ("repond|repondait|reagit plus|pas|presque", 1,
                             "mail mails email emails telephone tel messages message secretariat cabinet docteur medecin diabetologue pharmacie standard ligne"),
        ("reconnait|reconnais plus|pas", 2),
        ("can t|cannot think|wake|swallow", 2), ("out of it", 1),
        ("arrive|peut pas a avaler|parler", 2), ("reagiert nicht", 1),
    ),
    # Drowsiness that alone is soft in a diabetic; with vomiting or fast breathing, DKA (NG18).
    "pm_drowsy_soft": (
        ("dort|sleeps|sleeping tout|all le|the temps|time", 2), ("yeux ouverts", 1),
        ("somnol*|drowsy|sleepy|lethargic|endormi*", 0), ("out of it", 1),
    ),
    "pm_hypo_vision": (("vois|voit|see|seeing double|trouble|flou", 2), ("jvois double", 0),
                       ("vision blurry|floue|trouble", 2), ("blurry|blurred vision", 1)),
    "pm_hypo_refractory": (
        ("remonte|remontent pas|plus", 1), ("not|aren|isn working|helping", 1),
        ("still shaking|sweating|low", 1), ("seul|seule|alone", 0),
    ),
    "pm_hypo_autonomic": (
        (("sueur|sueurs|transpir*|sweat*|sweating|sweaty|tremble|trembl*|shaking|jtremble|jsue|"
          "schwitzt|zittert|trempee"), 0),
    ),
    "pm_dka": (
        ("respire|jrespire|breathing|breathes|respiration fort|vite|deep|fast|profond*|panting|rapide", 3),
        ("cetone*|ketone*|acetone|pomme|apple|acidocetose|ketoacidosis|dka", 0),
        ("affiche|says|reads|shows|indique hi|high|haut", 3), ("soif enorme|intense", 1),
        ("vomit*|vomi*|vomis|throwing", 0),
    ),
    # Carbon monoxide (SPF, SAMU): a combustion appliance and several people of the home ill,
    # or one drowsy, fainting or confused.
    "pm_co_source": (
        ("barbecue|bbq|brasero|charbon inside|interieur|dedans|tent|tente|garage|maison|house|indoors|"
         "appartement|flat|caravan|caravane", 4, "food alimentaire"),
        (("chaudiere|brasero|generator|boiler|flue|woodburner|caldera|estufa|"
          "calentador|esquentador|braseira|kohleofen|gasofen|soba|sobasn|sobas|kombi|sofben|"
          "monoxyde|monoxide"), 0),
        ("groupe electrogene", 0), ("poele|stove a|au bois|granules|petrole|charbon|gaz|wood", 2),
        ("chauffage|chauffe d|au|a appoint|petrole|gaz|eau|bain", 2), ("log|wood burner|stove", 0),
        ("gas heater|fire", 0), ("heizung|ofen|kamin", 0),
    ),
    "pm_co_symptoms": (
        ("tous|toutes|toute|famille|family|whole|all|everyone|everybody malades|mal|sick|"
         "headache*|ill|vomi*|migraine|tete|tourne|vertige*|nausee*|dizzy|drowsy|somnol*", 4),
        ("vomi|vomis|malades|sick|ill tous|toutes|all|both", 2),
        ("avons|ont|sont mal|headache*|migraine|vomi|malades|nausee*", 2),
        ("somnol*|endormie|endormi|drowsy|sleepy|bayld|bayildi|evanoui*|faint*|lethargic|"
         "confused|confuse", 0),
        ("arrive|arrivons|mal|peut|peux reveiller|eveille|eveillee", 4),
        ("ikisinin|hepimiz|hepsi", 0),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("overdose", ("wild_ingestion", "poisoning_signs")),
    Combination("overdose", ("child", "child_ingestion")),
    Combination("poisoning", ("child", "pm_ingestion", "poisoning_signs")),
    Combination("poisoning", ("pm_child_intl", "pm_ingestion", "poisoning_signs")),
    Combination("overdose", ("pm_child_intl", "pm_med_taken", "pm_tox_drowsy")),
    Combination("overdose", ("pm_child_intl", "pm_ingestion", "pm_tox_drowsy")),
    Combination("overdose", ("child", "pm_ingestion", "pm_tox_drowsy")),
    Combination("overdose", ("pm_med_taken", "pm_med_excess", "pm_tox_drowsy")),
    Combination("overdose", ("pm_med_taken", "pm_double_dose", "anticoagulant", "pm_bleeding")),
    Combination("overdose", ("pm_overdose_named", "pm_tox_drowsy")),
    Combination("suicidal", ("pm_suicide_means", "pm_suicide_farewell")),
    Combination("suicidal", ("pm_suicide_means", "pm_unreachable")),
    Combination("suicidal", ("pm_suicide_farewell", "pm_unreachable")),
    Combination("suicidal", ("pm_suicide_farewell",), level=AMBIGUOUS),
    Combination("immediate_danger", ("pm_violence_act", "pm_danger_now")),
    Combination("immediate_danger", ("pm_assault", "pm_bleeding")),
    Combination("immediate_danger", ("pm_rape", "acute_onset")),
    Combination("immediate_danger", ("pm_unreachable", "pm_danger_now")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_hypo_neuro")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_hypo_autonomic", "pm_hypo_vision")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_hypo_autonomic", "pm_hypo_refractory")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_hypo_autonomic", "pm_med_excess")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_dka_strong", "pm_vomiting")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_dka", "pm_drowsy_soft")),
    Combination("hypoglycemia", ("pm_diabetic", "pm_hypo_autonomic"), level=AMBIGUOUS),
    Combination("hypoglycemia", ("pm_diabetic", "pm_dka"), level=AMBIGUOUS),
    Combination("carbon_monoxide", ("pm_co_source", "pm_co_symptoms")),
    Combination("carbon_monoxide", ("pm_co_alarm", "pm_co_any_symptom")),
)
