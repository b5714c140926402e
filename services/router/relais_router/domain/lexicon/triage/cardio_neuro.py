"""Heart, brain and consciousness: chest pain, stroke, seizures, loss of consciousness, acute
confusion, sudden severe headache, pulmonary embolism.

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

# Key words of the main signs in Portuguese, Spanish, German and Turkish (folded; Turkish
# dotless i is dropped by the folding: "bayıldı" reads "bayld").
CHEST_INTL = "peito|pecho|brust|gogus|gogsum|gogsumde|gogsume"
PAIN_INTL = ("dor|dores|dolor|dolores|duele|doi|schmerz*|schmerzen|agr|agrs|agrsi|agrisi|"
             "agryor|agriyor|aperto|aperta|opresion|druck|engegefuhl|sikisma|sikisiyor")
SWEAT = ("sueur*|transpir*|moite|moites|sweat*|clammy|suar|suando|suor|suada|sudor*|sudando|"
         "schwitz*|kaltschweiss*|terliyor|terleme")
ARM_JAW = ("machoire|jaw|mandibula|kiefer|cene|cenesi")
LEFT_ARM = ("bras|arm|braco|brazo|kol|koluma|kolu gauche|left|esquerdo|izquierdo|linken|"
            "linker|linke|sol")

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
    # Pressure words heard in voicemails ("une barre", "un étau", "crushing feeling in the
    # middle of my chest"), with the longer gaps spoken French and English put in.
    R("chest_pain", f"barre|etau|enclume|poids|ecras*|comprim*|crushing|squeezing|heaviness|"
      f"tightness|pressure|elephant {CHEST}", 6,
      unless="seins sein allaitement allaite blood sanguine arterielle radio xray"),
    R("chest_pain", f"{PAIN_INTL} {CHEST_INTL}", 3),
    R("chest_pain", f"{CHEST_INTL} {PAIN_INTL}", 2),
    R("chest_pain", "brustschmerz*|thoraxschmerz*|herzinfarkt|enfarto|infarto|kalp krizi", 0),
    R("chest_pain", f"douleur*|pain|mal|dor|dolor|serre*|pressure|tightness part|descend*|monte|"
      f"remonte|irradi*|goes|going|spreads|spreading|vai|va|radiates {ARM_JAW}", 4),
    R("chest_pain", "douleur*|mal|pain bras|arm gauche|left", 4, level=AMBIGUOUS),
    R("chest_pain", "douleur*|mal|pain machoire|jaw", 2, level=AMBIGUOUS),
    R("chest_pain", "palpitation*|tachycard*|arythmi*", level=AMBIGUOUS),
    R("chest_pain", "coeur|heart bat|battre|bats|racing|pounding|emballe|chamade", 2,
      level=AMBIGUOUS),
    R("stroke", "avc|stroke|hemipleg*|aphasi*", 0, kind=DIAGNOSIS,
      unless="form formulaire disability handicap mdph certificat attestation insurance "
             "assurance dossier letter courrier benefits inr prelevement renouvellement "
             "repeat prescription ordonnance"),
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
    # Words that come out wrong (aphasia): "les mots sont mélangés", "des mots qui vont pas
    # ensemble", "the words come out jumbled".
    R("stroke", "mots|words melang*|ensemble|sens|sense|mixed|jumbled|muddled|nonsense|wrong", 3,
      unless="croises fleches scrabble jeu game puzzle crossword"),
    R("stroke", "wrong|mixed|jumbled|muddled words", 1),
    R("stroke", "arrive|peut|peux|parvient|parviens|reussit|arrivait pas|plus parler|"
      "articuler|exprimer", 2),
    R("stroke", "parle|parlait|talks|talking|speaks|speaking|speech|sounds comme|like ivre|saoul*|"
      "soul|soule|drunk|bourre*|pompette", 4,
      unless="fatigue annees years toujours always habitude alcool alcohol bu boit buvait "
             "biere beer vin wine verres drinks drinking apero "
             "soiree party"),
    R("stroke", "melange*|confond*|mixing|mixes|muddles|inverse* ses|les|mes|his|her|up mots|"
      "words", 2, unless="lisant lecture lire lit ecrire ecriture orthophonique orthophoniste "
                         "orthophonie dyslexie dyslexique bilan ecole reading writing spelling "
                         "school dyslexia"),
    R("stroke", "charabia|gibberish|baragouin*|jargon*", 0,
      unless="bebe bb baby administratif administrative jargon medical"),
    # Half the body or face gone (hemiplegia, facial palsy), as relatives say it.
    R("stroke", "moitie|half|cote|side corps|body|visage|face|figure ne|plus|repond|engourdi*|"
      "numb|weak|faible|paralys*|inerte|tombe|dropped|droop*|fallen|lourd*|heavy|bouge", 4,
      unless="dentiste dentist anesthesie anesthesia piqure injection dent dents dental"),
    R("stroke", "cannot|unable|cant speak|talk", 1),
    R("stroke", "cherche|chercher|searching|cherchait ses|mes|les|for mots|words", 2,
      level=AMBIGUOUS, unless="remercier merci thank thanks vous exprimer gratitude"),
    R("stroke", "derrame|ictus|schlaganfall|inme|felc", 0, kind=DIAGNOSIS,
      unless="form formulaire disability handicap mdph certificat attestation insurance "
             "assurance dossier letter courrier benefits"),
    R("stroke", "boca|mund|mundwinkel|agz|agzi|yuzu|cara torta|torcida|caida|hangt|hangend|"
      "schief|kayd|kaymis|kaydi", 2),
    R("stroke", "fala|habla|spricht|sprache|konusmas|konusmasi enrolada|rara|estranha|"
      "extrana|arrastrada|undeutlich|verwaschen|bozuk*|garip|bozuldu", 2),
    R("stroke", "lallt|konusamyor|konusamiyor|balbucia", 0),
    R("stroke", "consegue|puede|kann falar|hablar|sprechen|mexer|mover|bewegen", 2),
    # "no puede", "não consegue": the Spanish and Portuguese "no" starts the sign.
    R("stroke", "no|nao puede|consegue|pode mover|mexer|hablar|falar|levantar", 2),
    R("stroke", f"{LIMB} obei*|tient|tenait|lache|lachent|tombe|retombe|pendait|pend", 3,
      level=AMBIGUOUS),
    R("stroke", "perte|perdu|perd vue|vision", 2, level=AMBIGUOUS),
    R("stroke", "vision|vue double|trouble|floue|brouillee", 1, level=AMBIGUOUS),
    R("stroke", "double|lost|losing vision|sight", 1, level=AMBIGUOUS),
    R("unconscious", "perte*|perdu|perd|perdre|perdue|pdc connaissance|conscience", 2,
      unless="document documents certificat attestation formulaire dossier employeur"),
    R("unconscious", "evanoui*|evanouiss*|syncope*|inconscien*|unconscious|unresponsive|"
      "fainted|collapsed|coma", 0),
    R("unconscious", "passed|blacked out", 0),
    R("unconscious", "desmai*|desmay*|bewusstlos*|ohnmacht*|ohnmachtig|bayld*|bayildi|"
      "bilincsiz|bilinci", 0, unless="form formulaire certificat"),
    R("unconscious", "nao|no responde|reage|reacciona|reagisce|despierta|acorda", 1),
    R("unconscious", "reagiert|antwortet|wacht nicht|kaum|mehr", 1),
    R("unconscious", "tepki vermiyor|veremiyor", 1), R("unconscious", "uyanmyor|uyanmiyor", 0),
    R("unconscious", "tout|toute|completement mou|molle|flasque", 1, level=AMBIGUOUS),
    R("unconscious", "reagit|repond|reagissait|repondait|reagi plus|a rien|personne", 2,
      level=AMBIGUOUS, unless="dis dit disons ado adolescent teenager traitement medicament "
                              "medicaments antibiotique antibiotiques creme messages telephone "
                              "mails"),
    R("unconscious", "ouvre|ouvrait|ouvrir|open|opening pas|plus|not|cannot les|his|her|yeux|"
      "eyes", 3, unless="conjonctivite colles collee colle pus gonfle gonfles paupiere "
                        "paupieres eyelid eyelids sticky"),
    R("unconscious", "cannot|not|unable|impossible rouse|rousing|waking|wake|reveiller", 2),
    R("unconscious", "not|will respond|responding|react|reacting", 2,
      unless="treatment traitement antibiotics medication messages texts calls phone emails "
             "email"),
    R("unconscious", "ecroule*|effondre*|effondree", 0,
      unless="larmes pleurs pleurer pleure moral nerveusement tears crying immeuble plafond"),
    R("unconscious", "floppy|limp", 0, level=AMBIGUOUS),
    R("unconscious", "tombe*|tombee|tombees pommes", 3),
    R("unconscious", "reveill*|reveil|reveille pas|plus", 2),
    R("unconscious", "impossible|arrive|arrivons|arrivent|peux reveiller|wake", 3,
      unless="ecole school college lycee travail reveil alarm chaque tous"),
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
    R("seizure", "seizure*|seizing|fitting", 0,
      unless="plan plans protocol protocole pai records copy copie form free"),
    # Seizures one after another (status epilepticus, NICE / NHS 111).
    R("seizure", "crise*|seizure*|fits|convulsion*|convuls* affilee|row|suite|enchain*|"
      "repetition|repetees|repeated", 3,
      unless="angoisse angoisses panique panic anxiety asthme asthma migraine migraines toux "
             "rire colere nerfs foie goutte hemorroides eczema"),
    R("seizure", "convulsao|convulsoes|convulsiona*|krampfanfall|krampft|nobet|havale|kasilma",
      0),
    R("seizure", "having|had fit", 1),
    R("seizure", "yeux|eyes revuls*|rolling|rolled", 2),
    R("seizure", "tremble*|secousse*|spasme*|shaking|jerking tout|partout|whole|all corps|body",
      3, level=AMBIGUOUS),
    R("severe_headache", "massue|marteau|hammer|sledgehammer tete|head|crane|nuque", 6),
    R("severe_headache", "tete|head|crane|nuque massue|marteau|hammer|sledgehammer", 6),
    R("severe_headache", "tete|head|crane explose|explosait|eclate|eclater|exploding|bursting|"
      "split*", 3, level=AMBIGUOUS),
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
    R("confusion", "verwirrt|desorientiert|confuso|confusa|confundid*|karisik", 0,
      level=AMBIGUOUS),
    R("confusion", "erkennt|reconhece|reconoce nicht|mich|nao|no", 1, level=AMBIGUOUS),
)

CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "headache": (
        ("mal|maux tete", 1), ("cephalee*|headache*|migraine*", 0),
        ("mal|maux|douleur*|pain|pains crane|tete|head", 3),
        ("dor|dolor cabeca|cabeza", 2), ("kopfschmerz*|kopfweh", 0),
        ("bas|basim agrs|agrisi|agr|agryor", 1),
    ),
    "confusion": (
        ("confus|confuse|confusion|desorient*|disorient*|delir*|incoheren*|confused", 0),
        ("verwirrt|desorientiert|confuso|confusa|confundid*|muddled|karisik", 0),
    ),
    "limb_or_face_numb": (
        ((f"engourdi*|engourdiss*|fourmill*|faiblesse|faible|numb*|weak*|tingl* "
         f"{FACE}|faciale|{LIMB}"), 4),
        (f"{FACE}|{LIMB} engourdi*|numb|faible|weak", 3),
        (f"bouge|bouger|lever|soulever|move|lift|moving|lifting plus|pas {LIMB}", 3),
        (f"plus|sans|no force|forces|strength {LIMB}", 4),
        (f"{LIMB} repond|inerte|inertes|lourd|lourde", 3),
        (f"{LIMB} obei*|tient|tenait|lache|lachent", 3),
        (f"plus|peut|peux|cannot|can|unable|cant bouger|lever|soulever|move|lift|raise {LIMB}", 3),
        ((f"consegue|puede|kann|mexer|mover|bewegen|levantar|heben {LIMB}|braco|brazo|bein|"
          "pierna|perna"), 3),
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

# A breathlessness said to be slight, improving or the usual asthma is not the PE picture.
_MILD = "peu legerement slightly bit little ameliore ameliorer mieux asthme asthma"

CONCEPTS.update({
    # Chest pain (NICE CG95, SAMU): the chest named, with what makes it cardiac.
    "cn_chest_site": ((f"{CHEST}|{CHEST_INTL}", 0),),
    "cn_radiation": ((ARM_JAW, 0), (LEFT_ARM, 1),
                     (("bras|arm|arms|braco|brazo|dos|back|epaule*|shoulder* gauche|left|"
                       "between|entre"), 1)),
    "cn_sweat": ((SWEAT, 0), ("sueurs froides|cold sweat*", 0),
                 ("envie vomir", 1), ("nausee*|nauseous|nauseux|nauseuse", 0),
                 ("feel|feels|feeling sick", 1)),
    "cn_indigestion": (("indigestion|digestion|heartburn|reflux|aigreur*|estomac|stomach", 0),),
    "cn_not_passing": (("passe|part|going|go pas|not|away", 2),),
    # Stroke (BE-FAST): balance, eyes.
    "cn_balance": (
        ("tient|tenait|tenir|tiens plus|pas debout", 2),
        ("perd*|perte|lost|losing|loses equilibre|balance", 2),
        ("stand|standing|walk|walking up|straight|properly", 1),
        (("penche*|tombe*|falling|falls|leaning|leans|veers d|un|to|the|vers cote|side|droite|"
          "gauche|right|left"), 3),
        ("marche|walks|walking travers|drunk|ivre|zigzag", 3),
    ),
    "cn_vision_loss": (
        ("vois|voit|voyait|voyais plus|rien", 2), ("see|seeing|sees|saw double|nothing", 2),
        ("rideau|voile|curtain noir|black|sombre|dark", 2),
        ("perte|perdu|perd|lost|losing vue|vision|sight|oeil|eye", 3),
        ("aveugle|blind|cegueira|ceguera|doppelt|doppelbilder", 0),
        ("vision|vue double|floue|blurred", 1),
    ),
    # Seizure (NHS 111, MTS): shaking together with a sign of a fit.
    "cn_shaking": (
        (("tremble*|tremblai*|trembl*|secoue*|secouss*|shaking|shook|jerk*|convuls*|spasm*|"
          "titri*|zittert|krampf*|sacudi*|tremia|tremendo|temblor*|temblaba|saccad*"), 0),
    ),
    "cn_shaking_limbs": (
        (("tremble*|tremblai*|trembl*|secoue*|secouss*|shaking|shook|jerk*|convuls*|spasm* "
          "bras|jambes|membres|arms|legs"), 4),
    ),
    "cn_fit_sign": (
        ("bave*|baveux|ecume|foaming|foam|espuma|schaum", 0,
         "dents dent teething pleure pleurs pleurait crying cries"),
        ("mordu*|bit|bitten|bite langue|tongue", 2),
        ("langue|tongue mordu*|bitten|sang|bleeding", 3),
        ("yeux|eyes revulse*|rolled|rolling|blancs|back", 3), ("yeux en air", 2),
        ("revulse*|raidi*", 0),
        ("went|goes|going|devenu|devenue stiff|rigid|raide|raides|rigide", 1),
    ),
    "cn_seizure_event": (
        (("epilep*|convuls*|seizure*|fits|fitting|anfall|krampfanfall|nobet|convulsao|"
          "convulsion*"), 0),
    ),
    "cn_drowsy": (
        (("somnolent*|somnolence|drowsy|sleepy|schlafrig|benommen|sonolent*|somnolient*|uykulu|"
          "endort|endormi*|schlaft"), 0),
        ("hard|difficile to|a wake|reveiller", 2),
    ),
    # Sudden or dangerous headache (NICE, MTS): neck, light, vomiting, worsening.
    "cn_neck": (
        (("arrive|peux|peut|can|cannot|cant baisser|pencher|plier|bend|touch tete|menton|chin|"
          "neck|cou"), 3),
        ("nuque|neck tire|tirait|douloureuse|hurts|coincee|bloquee|raide|stiff", 2),
    ),
    "cn_photophobia": (
        ("supporte*|supporter|gene|hurt*|bother* lumiere|light", 3),
        ("lumiere|light supporte*|gene|fait|hurts|bother*", 3), ("photophob*", 0),
    ),
    "cn_worst": (
        ("pire|worst|plus|biggest mal|headache|douleur|pain vie|life|ever", 6),
        ("comme|like jamais|never", 1),
        ("jamais|never eu|had|ressenti|felt|connu ca|this|that|pareil|comme|like|such", 3),
    ),
    # A headache hitting like a blow (thunderclap), in lay words.
    "cn_thunder": (
        ("massue|marteau|hammer|bang|explos*|eclate*|burst*|tonnerre|thunderclap", 0),
        ("en|in quelques|few|une|a secondes|seconds|seconde|second|instant", 2),
    ),
    "cn_sudden_intl": (
        ("repente|repentin*|repentina|subita|subito|plotzlich|schlagartig|aniden|birden", 0),
        ("seul coup", 0), ("out nowhere", 1),
    ),
    # Someone who does not react, told by a relative who checked the breathing or sees the
    # eyes open and staring: a loss of consciousness in lay words.
    "cn_no_reaction": (
        ("reagit|repond|reagissait|repondait|reagi plus|pas|rien", 2,
         "telephone messages mails mail appels traitement medicament"),
        ("not|will respond|responding|react|reacting", 2,
         "treatment antibiotics medication messages texts calls phone emails email"),
    ),
    "cn_checked_state": (
        ("respire|respirait|breathing|breathes|respira|atmet encore|mais|but|still", 2),
        ("still|encore|mais|but breathing|respire|breathes", 2),
        ("yeux|eyes ouverts|open|fixe|fixes|vide|staring", 3), ("staring|regard fixe", 1),
    ),
    # Combinations gather words from the whole message and lose the "si" of a question
    # ("que faire si ... poitrine ... bras gauche", "les signes d'une embolie"): such an
    # information request cancels them (single rules keep their own clause status).
    "cn_info_request": (
        ("que|quoi faire si|quand", 1), ("faut|dois|doit|devons|should|must faire|do si|if", 2),
        ("what do|to|should if|when", 3), ("what if", 0),
        (("savoir|connaitre|know|reconnaitre|recognise|recognize|quels|what les|the|sont|are "
          "signes|signs|symptomes|symptoms"), 2),
    ),
    "cn_hypo": (("hypo|hypos|hypoglycemi*|hypoglycaemi*", 0),),
    "cn_vomit": (("vomi*|vomit*|vomis*|vomissement*|throwing|threw|erbrech*|kusuyor", 0),),
    "cn_worsening": (("empire|aggrave*|worse|worsening|augmente|pire", 0),),
    # Pulmonary embolism (NICE NG158 via MTS, NHS 111): breathless, pleuritic, calf, risk.
    "cn_breathless": tuple((*entry, _MILD) for entry in (
        ("essouffl*|breathless*|dyspn*|atemnot|luftnot|kurzatmig", 0),
        ("essouffl*|breathless rien|juste|seulement|even qu|que|en|when|walking", 2),
        ("souffle court|coupe", 1), ("manque|manquer air|souffle", 2),
        ("short|shortness breath", 2), ("falta ar|aire", 2),
        ("nefes darlg|darligi|alamyor|alamiyor", 1),
    )),
    "cn_pleuritic": (
        ("douleur*|mal|pain|hurts|hurt|point cote|side|flanc", 3),
        (("hurts|hurt|pain|douleur*|mal|fait quand|when|to|en respire|respirer|breathe|inspire|"
          "breath"), 3),
    ),
    "cn_calf": (
        (("mollet|calf|panturrilha|pantorrilla|wade|baldir*|jambe|leg gonfl*|enfle*|swollen|"
          "swelling|dur|chaud|rouge|double*|volume|hinchad*|inchad*|geschwollen"), 4),
        (("douleur*|mal|pain|sore|dor|dolor|schmerz* mollet|calf|panturrilha|pantorrilla|wade|"
          "baldir*"), 3),
    ),
    "cn_pe_risk": (
        (("opere*|operee|operation|chirurgi*|surgery|operated|prothese|cesarienne|accouch*|platre|"
          "immobilis*|cirugia|operacao|operiert|ameliyat*"), 0),
        ("long voyage|trajet|haul|flight|drive|vol", 1),
        ("apres|after|retour|since|depuis|back vol|avion|flight|voyage|trajet", 3),
    ),
    "cn_haemoptysis": (("crache*|tousse*|coughing|coughed|cough du|de|up sang|blood", 3),),
})

_Q = ("cn_info_request",)
_QH = ("cn_info_request", "cn_hypo")

COMBINATIONS: tuple[Combination, ...] = (
    Combination("chest_pain", ("cn_chest_site", "cn_radiation"), unless=_Q),
    Combination("chest_pain", ("cn_chest_site", "cn_sweat"), unless=_Q),
    Combination("chest_pain", ("cn_indigestion", "cn_sweat", "diabetic"), unless=_QH),
    Combination("chest_pain", ("cn_indigestion", "cn_sweat", "elderly"), unless=_QH),
    Combination("chest_pain", ("cn_indigestion", "cn_sweat", "cn_not_passing"), unless=_QH),
    Combination("stroke", ("cn_balance", "sudden"), unless=_Q),
    Combination("stroke", ("cn_balance", "cn_vision_loss"), unless=_Q),
    Combination("stroke", ("cn_balance", "speech_trouble"), unless=_Q),
    Combination("stroke", ("cn_vision_loss", "sudden"), unless=_Q),
    Combination("stroke", ("cn_vision_loss", "limb_or_face_numb"), unless=_Q),
    Combination("seizure", ("cn_shaking", "cn_fit_sign"), unless=_Q),
    Combination("seizure", ("cn_shaking_limbs", "fever"), unless=_Q),
    Combination("seizure", ("cn_shaking_limbs", "baby_any"), unless=_Q),
    Combination("seizure", ("cn_seizure_event", "persisting"), unless=_Q),
    Combination("unconscious", ("unresponsive", "diabetic"), unless=_Q),
    Combination("unconscious", ("cn_no_reaction", "cn_checked_state"), unless=_Q),
    Combination("confusion", ("confusion", "cn_drowsy"), unless=_Q),
    Combination("severe_headache", ("headache", "cn_worst"), unless=_Q),
    Combination("severe_headache", ("headache", "cn_thunder"), unless=_Q),
    Combination("seizure", ("cn_shaking", "unresponsive"), unless=_Q),
    Combination("severe_headache", ("headache", "cn_sudden_intl"), unless=_Q),
    Combination("stroke", ("cn_balance", "cn_sudden_intl"), unless=_Q),
    Combination("stroke", ("cn_vision_loss", "cn_sudden_intl"), unless=_Q),
    Combination("stroke", ("limb_or_face_numb", "cn_sudden_intl"), unless=_Q),
    Combination("severe_headache", ("headache", "stiff_neck", "fever"), unless=_Q),
    Combination("severe_headache", ("headache", "cn_neck", "fever"), unless=_Q),
    Combination("severe_headache", ("headache", "cn_neck", "cn_vomit"), unless=_Q),
    Combination("severe_headache", ("headache", "cn_neck", "cn_photophobia"), unless=_Q),
    Combination("severe_headache", ("headache", "anticoagulant", "cn_worsening"), unless=_Q),
    Combination("severe_headache", ("headache", "anticoagulant", "cn_vomit"), unless=_Q),
    Combination("severe_headache", ("headache", "anticoagulant", "sudden"), unless=_Q),
    Combination("pulmonary_embolism", ("cn_breathless", "cn_pe_risk"), unless=_Q),
    Combination("pulmonary_embolism", ("cn_breathless", "cn_calf"), unless=_Q),
    Combination("pulmonary_embolism", ("cn_breathless", "cn_pleuritic"), unless=_Q),
    Combination("pulmonary_embolism", ("cn_breathless", "sudden"), level=AMBIGUOUS, unless=_Q),
    Combination("pulmonary_embolism", ("cn_breathless", "cn_haemoptysis"), unless=_Q),
    Combination("pulmonary_embolism", ("cn_calf", "cn_pe_risk"), level=AMBIGUOUS, unless=_Q),
    Combination("unconscious", ("unresponsive", "collapse")),
    Combination("severe_headache", ("headache", "sudden")),
    Combination("confusion", ("confusion", "acute_onset")),
    Combination("confusion", ("confusion", "fever")),
    Combination("stroke", ("limb_or_face_numb", "acute_onset")),
    Combination("stroke", ("limb_or_face_numb", "speech_trouble")),
    Combination("stroke", ("speech_trouble", "acute_onset")),
)
