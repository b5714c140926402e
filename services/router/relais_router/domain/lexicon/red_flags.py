"""Red-flag lexicon, French and English, written against folded, shorthand-expanded tokens.

Pattern syntax (see `text.Pattern`): spaces separate slots that must appear in order with
at most `gap` tokens between them, ``|`` separates alternatives, ``stem*`` is a prefix.
A rule's `level` is "urgent" (P1 when current) or "ambiguous" (human triage, P2).
`kind` "diagnosis" marks a named condition ("mon AVC", "son infarctus") that is often
history rather than what is happening now; "symptom" is a described sign.
`unless` words anywhere in the same clause cancel the hit ("intoxication alimentaire").
Combinations fire when every named concept appears somewhere in the message.
"""

from __future__ import annotations

from typing import NamedTuple

URGENT = "urgent"
AMBIGUOUS = "ambiguous"
SYMPTOM = "symptom"
DIAGNOSIS = "diagnosis"


class RedFlagRule(NamedTuple):
    category: str
    pattern: str
    gap: int = 3
    level: str = URGENT
    kind: str = SYMPTOM
    unless: str = ""


class Combination(NamedTuple):
    category: str
    concepts: tuple[str, ...]
    level: str = URGENT
    unless: tuple[str, ...] = ()  # concepts whose presence cancels the combination


R = RedFlagRule

# "prise de sang", "blood test": blood mentioned for a test, not a bleed.
_BLOOD_TEST = ("prise prises analyse analyses bilan test tests resultat resultats results "
               "prelevement groupe sugar pressure tension sucre donneur don sanguin")

_PAIN = ("douleur*|mal|maux|oppression|serrement|pression|poids|brulure*|serre|compression|"
         "pain|pains|ache|aching|tightness|pressure|crushing|tight|hurts|hurting|heaviness|sore|"
         "etau")
_CHEST = "poitrine|thorax|thoracique*|torse|sternum|chest|breastbone"
_FACE = "bouche|visage|face|figure|levre|levres|joue|sourire|mouth"
_LIMB = "bras|jambe|jambes|main|arm|leg|hand|moitie|membre|membres"
_MEDS = ("medicament*|comprime*|cachet*|gelule*|pilule*|pills|pill|tablets|tablet|meds|"
         "medication*|doliprane|paracetamol|dafalgan|efferalgan|xanax|lexomil|somnifere*|"
         "antidepresseur*|anxiolytique*|insuline|tramadol|codeine|morphine|opioid*|"
         "sleeping|painkillers|ibuprofene|ibuprofen|lithium|benzo*")
_TOXIC = ("javel|detergent*|lessive|nettoyant*|menager|menagers|chimique*|corrosif*|"
          "caustique*|pile|piles|aimant*|battery|batteries|bleach|chemical*|poison|"
          "deboucheur|essence|petrole|antigel|raticide|mort|antifreeze|detergents|cleaner|"
          "produit*|vaisselle|insecticide|pesticide|herbicide|solvant|acetone|ammoniaque")

RULES: tuple[RedFlagRule, ...] = (
    # --- chest pain ---------------------------------------------------------------------
    R("chest_pain", f"{_PAIN} {_CHEST}", 4, unless="seins sein allaitement allaite"),
    R("chest_pain", f"poitrine|chest|thorax|torse {_PAIN}|serre*|oppress*|brule*|tight*|hurt*",
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
    # --- breathing ----------------------------------------------------------------------
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
    # --- stroke (FAST: visage, bras, parole) -------------------------------------------
    R("stroke", "avc|stroke|hemipleg*|aphasi*", 0, kind=DIAGNOSIS),
    R("stroke", "accident vasculaire|ischemique", 1, kind=DIAGNOSIS),
    R("stroke", "attaque cerebrale", 0, kind=DIAGNOSIS),
    R("stroke", "paralys*|paralysis|paralyzed|paralysed cote|side|gauche|droit|droite", 3),
    R("stroke", f"{_FACE} travers|tordu*|devie*|paralys*|tombe*|affaiss*|asymetri*|droop*|"
      "fige*|crooked|pend|penche*", 3),
    R("stroke", f"{_FACE}|faciale|{_LIMB}|corps|cote|side paralys*|paralyzed|paralysed|inerte*", 3),
    R("stroke", f"paralys*|paralysis|paralyzed|paralysed|droop*|drooping|affaiss* "
      f"{_FACE}|faciale|facial|{_LIMB}", 3),
    R("stroke", f"bouge|bouger|lever|soulever|move|lift|moving|lifting plus|pas {_LIMB}", 3,
      level=AMBIGUOUS),
    R("stroke", f"plus|peut|peux|cannot|can|unable bouger|lever|soulever|move|lift {_LIMB}", 3,
      level=AMBIGUOUS),
    R("stroke", f"{_LIMB} repond|inerte|inertes|lourd|lourde", 3, level=AMBIGUOUS),
    R("stroke", f"plus|sans|no force|forces|strength {_LIMB}", 4, level=AMBIGUOUS),
    R("stroke", f"engourdi*|engourdiss*|fourmill*|faiblesse|faible|numb*|weak*|tingl* "
      f"{_FACE}|faciale|{_LIMB}", 4, level=AMBIGUOUS),
    R("stroke", f"{_FACE}|{_LIMB} engourdi*|numb|faible|weak", 3, level=AMBIGUOUS),
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
    # --- loss of consciousness ----------------------------------------------------------
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
    # --- heavy bleeding -----------------------------------------------------------------
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
      2, unless=_BLOOD_TEST),
    R("bleeding", "pisse|pisser sang", 1),
    R("bleeding", "vomi*|vomit*|crache*|tousse|toussant|coughing|cough|throwing sang|blood", 3,
      unless=_BLOOD_TEST),
    R("bleeding", "sang|blood vomi*|vomit*|crachat*|crache*", 3, unless=_BLOOD_TEST),
    R("bleeding", "sang|blood selles|urine|urines|stool|stools|poo|caca", 3, level=AMBIGUOUS,
      unless=_BLOOD_TEST),
    R("bleeding", "selles noires", 1, level=AMBIGUOUS),
    R("bleeding", "black stool*|poo", 1, level=AMBIGUOUS),
    R("bleeding", "melena|meleana|rectorragi*", 0, level=AMBIGUOUS),
    R("bleeding", "coupure|coupe|entaille|plaie|cut|wound|gash profond*|deep|beante|gaping",
      3, level=AMBIGUOUS),
    # --- suicidal thoughts, self-harm ---------------------------------------------------
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
    # --- seizures -----------------------------------------------------------------------
    R("seizure", "convuls*|convulsif*|convulsing|convulsion", 0),
    R("seizure", "crise*|crises epilep*|convulsive*|tonico*", 2),
    R("seizure", "epilepsie|epileptique|epilepsy|epileptic", 0, level=AMBIGUOUS,
      kind=DIAGNOSIS),
    R("seizure", "seizure*|seizing|fitting", 0),
    R("seizure", "having|had fit", 1),
    R("seizure", "yeux|eyes revuls*|rolling|rolled", 2),
    R("seizure", "tremble*|secousse*|spasme*|shaking|jerking tout|partout|whole|all corps|body",
      3, level=AMBIGUOUS),
    # --- anaphylaxis, severe allergic reaction ------------------------------------------
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
    # --- intoxication, overdose ---------------------------------------------------------
    R("overdose", "overdose|surdose|overdosed|overdosing", 0),
    R("overdose", "intoxi*|empoisonn*|poisoned|poisoning", 0,
      unless="alimentaire alimentaires food aliment"),
    R("overdose", "surdosage|surdose", 0, level=AMBIGUOUS),
    R("overdose", f"avale*|ingere*|ingurgit*|bu|pris|prise|took|taken|swallowed|drank|ate "
      f"trop|toute|tous|toutes|boite|boites|plaquette*|flacon*|bottle|whole|entire|many|lot|"
      f"dizaine*|bunch {_MEDS}|boite|boites|plaquette*|flacon|bottle", 3),
    R("overdose", f"avale*|ingere*|bu|swallowed|drank|mange*|ate|licked|leche* "
      f"des|du|de|un|une|plusieurs|some|a|sa|ses|her|his|la|l {_TOXIC}", 2,
      unless="laitier laitiers frais bio alimentaire alimentaires regime"),
    R("overdose", f"avale*|ingere*|swallowed|mange*|ate des|plusieurs|some|ses|sa {_MEDS}", 2),
    R("overdose", "monoxyde|monoxide", 0),
    R("overdose", "mange*|cueilli*|ate|eaten|avale* champignon*|baies|mushroom*|berries|plante*",
      3, level=AMBIGUOUS),
    R("overdose", "coma ethylique", 1),
    R("overdose", "alcohol poisoning", 1),
    # --- acute confusion ----------------------------------------------------------------
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
    # --- other clinician additions ------------------------------------------------------
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
    R("immediate_danger", "suis|sommes|est|am|are in|en danger", 1,
      unless="sante health carriere"),
    R("immediate_danger", "va|veut|menace|veulent me|nous tuer|frapper", 2),
    R("immediate_danger", "threaten*|going|gonna|wants kill|hurt me|us", 2,
      unless="pain douleur mal"),
    R("immediate_danger", "violence*|frappe|battu|battue|agresse*|viol|violee|beats|beaten|"
      "abuse*|raped", 1, level=AMBIGUOUS),
    R("dehydration", "boit|feeding|drinking plus|rien|not|refuse", 2, level=AMBIGUOUS),
    R("severe_burn", "brul*|burn* grave*|gravement|profond*|etendu*|severe|bad|badly", 2,
      level=AMBIGUOUS),
    R("hypoglycemia", "hypoglycemi*|hypo", 0, level=AMBIGUOUS),
    R("called_emergency", "samu|pompiers|ambulance|911|999", 0, level=AMBIGUOUS),
)

# Concepts used by combinations: named groups of (pattern, gap[, unless]).
CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "pregnancy": (
        ("enceinte|enceintes|grossesse|pregnant|pregnancy|foetus|amenorrhee|gestation", 0),
        ("#num sa", 0), ("future maman", 0), ("attend|attends un bebe|enfant", 2),
    ),
    "bleeding_any": (
        ("saign*|sang|bleed*|bleeding|spotting|hemorrag*|caillot*|clots|blood|saignotte*", 0,
         _BLOOD_TEST + " gencives gums nez nose"),
        ("pertes rouges|marron|brunes|sang", 2),
    ),
    "abdominal_pain": (
        (("douleur*|mal|maux|crampe*|pain|pains|cramp*|contraction*|ache|aching|hurts "
         "ventre|abdomen|abdomina*|belly|stomach|tummy|pelvi*|pelvis|bassin"), 3),
        ("ventre|abdomen|belly|stomach|tummy douleur*|mal|pain|hurts|dur|contract*", 3),
    ),
    "severe": (
        (("intense*|violent*|forte|fortes|fort|atroce*|terrible*|insupportable*|horrible*|"
         "severe|unbearable|extreme*|enorme*|plie*|worst|excruciating|agony|hurle|crie|"
         "pleure|insoutenable*|bad"), 0),
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
    "headache": (("mal|maux tete", 1), ("cephalee*|headache*|migraine*", 0)),
    "vision": (
        ("vision|vue trouble|floue|brouillee|double|blurred|blurry", 1),
        ("voit|vois|voir|see|seeing etoiles|mouches|points|flashes|spots|lumieres", 2),
    ),
    "sudden": (
        ("soudain*|brutal*|brusque*|subit*|sudden*|tonnerre|thunderclap|explosi*", 0),
        ("tout|d coup", 1), ("all once", 1), ("pire|worst vie|life|jamais|ever", 4),
    ),
    "acute_onset": (
        ("soudain*|brutal*|brusque*|subit*|sudden*|suddenly", 0), ("tout|d coup", 1),
        ("ce|cette matin|nuit|soir|midi", 1), ("depuis hier|heure|heures|minutes", 2),
        ("this morning|tonight|afternoon|evening", 1), ("aujourd hui", 0),
        ("heure|heures|minutes|hour|hours|minute", 0),
    ),
    "fever": (
        ("fievre|fever|febrile|fiebre|temperature|feverish|hyperthermie|brulant|brulante", 0),
        ("#temp", 0),
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
    "confusion": (
        ("confus|confuse|confusion|desorient*|disorient*|delir*|incoheren*|confused", 0),
    ),
    "limb_or_face_numb": (
        ((f"engourdi*|engourdiss*|fourmill*|faiblesse|faible|numb*|weak*|tingl* "
         f"{_FACE}|faciale|{_LIMB}"), 4),
        (f"{_FACE}|{_LIMB} engourdi*|numb|faible|weak", 3),
        (f"bouge|bouger|lever|soulever|move|lift|moving|lifting plus|pas {_LIMB}", 3),
        (f"plus|sans|no force|forces|strength {_LIMB}", 4),
        (f"{_LIMB} repond|inerte|inertes|lourd|lourde", 3),
    ),
    "speech_trouble": (
        (("trouble*|difficulte*|difficulty|trouble|perte parole|elocution|langage|parler|"
         "speaking|speech|talking"), 2),
    ),
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
    "baby_young": (
        ("nourrisson*|newborn*|neonat*", 0), ("nouveau|nouveaux ne|nes|nee|nees", 0),
        ("neo natal", 0),
        ("moins 3 mois", 2), ("under 3 months", 1), ("#infant_age", 0),
    ),
    "baby_any": (
        ("bebe|bebes|baby|babies|nourrisson*|newborn*|infant|infants", 0), ("#infant_age", 0),
        ("nouveau|nouveaux ne|nes|nee|nees", 0),
    ),
    "older_age": (("#older_age", 0),),
    # A child who swallowed medicines or household products, however it is phrased.
    "child": (
        (("fils|fille|enfant|enfants|bebe|bb|petit|petite|garcon|son|daughter|child|kid|kids|"
         "toddler|baby|boy|girl|nourrisson*|niece|neveu|nephew"), 0),
    ),
    "child_ingestion": (
        ((f"avale*|ingere*|swallowed|mange*|ate|bu|drank|croque*|chewed|licked "
         f"bunch|lot|lots|handful|several|many|plusieurs|tous|toutes|toute|boite|plaquette*|"
         f"flacon|bottle|whole|some|grand|grandmother|grandfather|grandma|grandpa|mamie|papi|"
         f"parents|nounou|mother|father|mere|pere {_MEDS}|{_TOXIC}"), 6,
         "laitier laitiers frais bio alimentaire alimentaires regime"),
    ),
    "wild_ingestion": (
        ("mange*|cueilli*|ate|eaten|avale* champignon*|baies|mushroom*|berries|plante*", 3),
    ),
    "poisoning_signs": (
        (("vomi*|vomit*|diarrhee*|malaise|somnolen*|endormi*|blanc|blanche|pale|convuls*|"
         "delire*|hallucin*|sleepy|drowsy|vomiting"), 0),
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
    Combination("overdose", ("wild_ingestion", "poisoning_signs")),
    Combination("overdose", ("child", "child_ingestion")),
    Combination("unconscious", ("unresponsive", "collapse")),
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
    Combination("severe_headache", ("headache", "sudden")),
    Combination("meningitis_purpura", ("fever", "stiff_neck")),
    Combination("meningitis_purpura", ("fever", "purpura_spots")),
    Combination("meningitis_purpura", ("purpura_spots",), AMBIGUOUS),
    Combination("sepsis", ("fever", "chemo")),
    Combination("confusion", ("confusion", "acute_onset")),
    Combination("confusion", ("confusion", "fever")),
    Combination("stroke", ("limb_or_face_numb", "acute_onset")),
    Combination("stroke", ("limb_or_face_numb", "speech_trouble")),
    Combination("stroke", ("speech_trouble", "acute_onset")),
    Combination("anaphylaxis", ("allergy", "allergy_swelling")),
    Combination("head_injury", ("head_injury", "head_injury_warning")),
    Combination("testicular_torsion", ("testicle_pain", "sudden")),
    Combination("testicular_torsion", ("testicle_pain", "severe")),
    Combination("testicular_torsion", ("testicle_pain",), AMBIGUOUS),
)

# Context cues, folded. Negation cues precede a hit within a short scope.
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
