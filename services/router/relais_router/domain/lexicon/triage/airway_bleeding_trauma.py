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
    R("breathing", "difficulte*|mal|peine|gene|galere* respir*|souffle", 2,
      unless="notice notices leaflet nez nose narine narines vegetations"),
    R("breathing", "peux|peut|peu|arrive|arrives|parviens|parvient|reussi*|reussis|arrivait|"
      "pouvait|pourrai pas|plus respir*|souffler", 2, unless="nez nose"),
    R("breathing", "respir* mal|difficilement|pas|plus|peine", 1, unless="nez nose mieux"),
    R("breathing", "respir* vite|rapide*|bruyam*|bizarre*|fort|bruit|siffl*", 2, level=AMBIGUOUS),
    R("breathing", "etouffe|etouffes|etouffent|etouffait|etouffer|etouffant|etouffante|"
      "etouffais|suffoqu*|suffocat*|asphyxi*",
      unless="chaleur chaud chaude chaudes ambiance canicule salle attente monde travail"),
    R("breathing", "etouffement*", 0, level=AMBIGUOUS,
      unless="chaleur chaud canicule formation gestes secourisme"),
    R("breathing", "manque*|manquer air|oxygene", 2),
    R("breathing", "detresse respiratoire", 1),
    R("breathing", "insuffisance respiratoire", 1, kind=DIAGNOSIS),
    R("breathing", "levres|visage|doigts|ongles|lips|face|labios|lippen|dudak*|bouche|mouth "
      "bleu*|bleues|bleue|violet*|violacee*|blue|bluish|grise*|grey|gray|roxo*|roxa*|morado*|"
      "azul*|blau|morar*|mor", 4),
    R("breathing", "tout|toute|completement|all|very|going|turning|devient|devenu* gris|grise|"
      "grey|gray|bleu|bleue|blue|violet|violette", 1, level=AMBIGUOUS),
    R("breathing", "devient|devenu|devenue|turning|turns|turned|going|goes|gone bleu|bleue|"
      "blue|violet|violette|purple", 1),
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
    R("anaphylaxis", "anaphyla*|quincke", 0, kind=DIAGNOSIS),
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
    R("anaphylaxis", "epipen|anapen|jext|emerade|adrenaline|epinephrine", 0, kind=DIAGNOSIS,
      unless="pai protocole protocol signer signe ordonnance prescription renouvellement "
             "refill trousse perime expired ecole school cantine"),
    R("anaphylaxis", "reaction allergique", 1, level=AMBIGUOUS),
    R("anaphylaxis", "allergic reaction", 1, level=AMBIGUOUS),
    # --- breathing: signs of exhaustion and of a child's distress (NICE NG143, MTS) ----
    R("breathing", "arrive|peut|peux|parvient|arrivait|cannot|unable|can finir|terminer|finish|"
      "complete phrase|phrases|sentence|sentences|sentance", 3),
    R("breathing", "parle|parler|fala|habla|speak|speaking|talk|talking par|que|only|just|en "
      "mot|mots|words|palavras|palabras", 3, level=AMBIGUOUS),
    R("breathing", "cotes|cote|ribs|rib|cotes|costillas|costelas|ventre|belly|tummy|sternum|cou "
      "creus*|rentr*|tir*|sucking|sucked|pulling|pulled|caving|sink*|aspir*", 4),
    R("breathing", "sucking|pulling|caving in under|between|around ribs|rib|neck", 3),
    R("breathing", "tirage|recession|retractions|battement ailes", 0),
    R("breathing", "narines|nostrils|nostril|ailes nez battent|bougent|pincent|flaring|flare|"
      "flared|s ouvrent", 2),
    R("breathing", "pas|plus|cannot|not|unable|can reprendre|retrouver|recuperer|catch|get "
      "souffle|breath|respiration", 3),
    R("breathing", "grogn*|geint|geignement*|gemit|gemissement*|grunt|grunting|grunts|"
      "gurgl*|gargouill*|rale|rales|rattle|rattling respir*|breath*|souffle|chaque|each|"
      "every|when", 4),
    R("breathing", "respir*|breath*|breathing arrete|arretee|arretait|stopped|stops|stopping|"
      "pause|pauses|apnee|apnees|gaps", 4,
      unless="nez nose sommeil sleep ronfle ronfl snore snoring appareil machine cpap notice "
             "traitement"),
    R("breathing", "respir*|breathing|breath* tres|really|so|super vite|fast|rapid*|quick*|"
      "superficiel*|shallow|court*", 2, level=AMBIGUOUS),
    R("breathing", "ventoline|inhalateur|inhaler|puffer|pompe|salbutamol|nebuliseur|"
      "nebulizer|bronchodilat* marche|fait|agit|soulage|helping|help|helps|working|works|"
      "effet|effect pas|plus|rien|not|nothing|aucun|no", 3,
      unless="ordonnance renouvellement prescription refill stock reste"),
    R("breathing", "pas|plus|not|no|nothing|rien|aucun|aucune|isn soulage|soulagee|soulagement|"
      "effet|effect|help*|relief ventoline|inhalateur|inhaler|puffer|pompe|salbutamol", 4,
      unless="ordonnance renouvellement prescription refill stock reste"),
    R("breathing", "jrespire|jrespir* mal|pas|plus|difficilement", 1),
    # Portuguese, Spanish, German, Turkish (folded).
    R("breathing", "consegue|consigo|puede|puedo nao|no|bem|bien respirar|respira", 2),
    R("breathing", "nao|no consegue|consigo|puede|puedo respirar", 2),
    R("breathing", "falta|dificuldade|dificultad de|para ar|aire|respirar", 2),
    R("breathing", "ahogando|ahogandose|sufocando|asfixia*", 0),
    R("breathing", "atemnot|luftnot|erstick*", 0),
    R("breathing", "keine|kaum|bekomme|bekommt luft|atmen", 2),
    R("breathing", "kann|konnen nicht|kaum atmen", 2),
    R("breathing", "nefes alam*|almakta|almiyor|alamiyor|darligi|darlg*|zorlan*|yok", 2),
    # --- anaphylaxis: airway signs, voice, saliva (WAO 2020) ---------------------------
    R("anaphylaxis", "voix|voice|voz|stimme change*|changee|bizarre|rauque|cassee|hoarse|"
      "different|strange|weird|eteinte|enrouee", 3, level=AMBIGUOUS,
      unless="rhume cold laryngite"),
    R("anaphylaxis", "dudak*|dil|bogaz*|labios|lengua|garganta|lippen|zunge|hals|lingua "
      "sisti|sismis|sisiyor|sisik|hinchad*|hinchan|hincho|inchad*|inchou|incharam|"
      "geschwollen|schwillt|angeschwollen", 3),
    R("anaphylaxis", "sisti|sismis|hinchad*|inchad*|geschwollen dudak*|dil|bogaz*|labios|"
      "lengua|garganta|lippen|zunge|hals|lingua", 3),
    # --- choking: something stuck, cannot swallow saliva, cannot speak or cough (SAMU) --
    R("choking", "coince*|coincee*|bloque*|stuck|lodged|coincado|atascad*|atorad*|"
      "steckt|stecken|kald* gorge|gorges|throat|gosier|oesophage|cou|neck|garganta|hals|"
      "bogaz*|trachee|windpipe|pipe", 4),
    R("choking", "gorge|throat|gosier|garganta|hals coince*|bloque*|stuck|lodged|reste|"
      "coincado|atascad*|steckt", 3),
    R("choking", "avaler|swallow|swallowing|deglutir|engolir|tragar|schlucken salive|saliva|"
      "spit|saliv*|speichel|eau|water", 4),
    R("choking", "peut|peux|arrive|arrives|parviens|parvient|arrivait|cannot|unable|can plus|"
      "pas|not|even avaler|swallow|deglutir|tragar|engolir", 2, level=AMBIGUOUS,
      unless="angine angines amygdales amygdalite tonsillitis strep comprime comprimes "
             "gelule gelules pills tablets pill tablet"),
    R("choking", "drool*|drooling|bave|bavant|bavait|salive|saliva coule|partout|everywhere|"
      "lot|beaucoup|arrete|stop", 3, level=AMBIGUOUS),
    R("choking", "fausse|fausses route|routes", 1, level=AMBIGUOUS),
    R("choking", "arrive|arrives|peut|peux|parvient|parviens|cannot|unable|can pas|plus|bien|"
      "not|even avaler|swallow|deglutir|tragar|engolir salive|saliva|spit|saliv*", 3),
    R("choking", "choked|choke|choking|chokes on|sur|while|eating|with|and", 2),
    R("choking", "pile|piles bouton|plate|boutons|lithium", 1),
    R("choking", "atragant*|engasg*|bogul*|verschluckt|atorado|atorada", 0),
    R("choking", "button|coin|disc battery|batteries|cell", 1),
    R("choking", "avale*|ingere*|swallowed|swallow|inhale*|inhaled|engoliu|trago|"
      "verschluckt|yutt* aimant*|aimants|magnet|magnets|pile|piles|battery", 3),
    # --- bleeding: will not stop, soaks through, spurts; vomiting blood (MTS) -----------
    R("bleeding", "saign*|sang|bleed*|blood sarrete*|sarret*|sarreter|arrete*|arret*|stop|"
      "stops|stopping|cesse* pas|plus|not|toujours|still|encore|won", 4,
      unless=BLOOD_TEST),
    R("bleeding", "jsaign*|jsaigne beaucoup|enormement|abondamment|trop|depuis|toujours", 3),
    R("bleeding", "saign*|bleed*|bleeding|nosebleed* not|won|wont|cannot|doesn|isn|never "
      "stop|stopping|stopped|stops", 3, unless=BLOOD_TEST),
    R("bleeding", "sang|blood pouring|gushing|spurting|squirting|gicle|giclait|jet|jets|"
      "coule|pisse|everywhere|partout|pissing|streaming", 3, unless=BLOOD_TEST),
    R("bleeding", "pouring|gushing|spurting|squirting|pissing|streaming|dripping|pissait|"
      "pisse blood|sang", 2, unless=BLOOD_TEST),
    R("bleeding", "traverse*|trempe*|trempee*|rempli*|imbib*|soaked|soaking|soak|through|"
      "filled|drenched serviette*|torchon*|towel*|compresse*|pansement*|bandage*|tissu*|"
      "linge|tshirt|shirt|mouchoir*|dressing*|pads|pad|sheets|draps", 3),
    R("bleeding", "bouche|mouth|lavabo|sink|evier|seau|bucket plein*|pleine|full|rempli* "
      "sang|blood", 3, unless=BLOOD_TEST),
    R("bleeding", "caillot*|clots|clot|caillots sang|blood|gros|big|large", 3,
      level=AMBIGUOUS, unless=BLOOD_TEST + " phlebite embolie dvt leg jambe mollet calf"),
    R("bleeding", "sangra|sangrando|sangrar|sangre|sangue|sangramento|sangrado|blutet|"
      "blutung|bluten|kanama|kaniyor|kan", 0, level=AMBIGUOUS, unless=BLOOD_TEST),
    R("bleeding", "no|nao|para|parar|deja|pare de|sangrar|sangra|sangrando", 3),
    R("bleeding", "hort|aufhoren nicht|auf|zu bluten|blutet", 3),
    R("bleeding", "kanama|kaniyor durmuyor|durmadi|duruyor", 2),
    R("bleeding", "blutet|sangra|sangrando|kaniyor stark|mucho|muito|muy|cok|sehr", 2),
    # --- major trauma: mechanism and signs (SAMU, MTS, NICE NG232 for the spine) --------
    R("major_trauma", "sent|sens|sentait|sentir|feel|feeling|sente|siente plus|pas|not|"
      "anymore|cannot|nao|no jambes|legs|bras|arms|pieds|feet|pernas|piernas|beine", 3),
    R("major_trauma", "cannot|unable|can|could feel|move my|his|her|their|the|both legs", 3),
    R("major_trauma", "accident|crash|collision|carambolage|percute*|renverse*|fauche* "
      "voiture|car|moto|motorbike|scooter|route|road|velo|bike|camion|truck|bus|pieton", 3,
      level=AMBIGUOUS, unless="travail assurance insurance constat"),
    R("major_trauma", "voiture|car|moto|motorbike|scooter|velo|bike|camion|truck|bus "
      "accident|crash|collision", 1, level=AMBIGUOUS, unless="assurance insurance constat"),
    R("major_trauma", "renverse*|renverser|fauche*|percute*|hit|knocked|run|struck by|down|"
      "over|par|off voiture|car|moto|motorbike|scooter|truck|camion|bus|vehicule|vehicle|van|"
      "lorry|tram|train|coche|carro|auto", 3, unless="verre eau cafe drink water"),
    R("major_trauma", "jambe|hanche|cheville|poignet|bras|pied|leg|hip|wrist|arm|ankle|"
      "foot|genou|knee|epaule|shoulder tournee*|tourne|tordu*|deform*|plus|angle|bent|"
      "twisted|deformed|wrong|shorter|courte|raccourcie|weird|bizarre|pendant|dangling", 4,
      level=AMBIGUOUS),
    R("major_trauma", "os|bone|bones sort|sortait|sticking|poking|through|visible|out", 3),
    R("major_trauma", "tombe*|chute*|fell|fallen|falling|caiu|cayo|gestuerzt|gesturzt|dustu "
      "toit|balcon|fenetre|echafaudage|roof|balcony|window|scaffold*|telhado|janela|tejado|"
      "ventana|andamio|dach|fenster|balkon|geruest|etage|storey|story|falaise|cliff|pont|"
      "bridge", 4, unless="telephone phone portable"),
    R("major_trauma", "tombe*|chute*|fell|fallen|caiu|cayo|gesturzt|dustu de|du|from|off|"
      "von|desde|da|do #num m|metre|metres|meter|meters|metros|etage|etages|storey|storeys|"
      "floor|floors|stock", 4),
    R("major_trauma", "tombe*|chute*|fell|fallen|caiu|cayo|gesturzt|dustu de|from|off|da|do|"
      "von|desde first|second|third|premier|deuxieme|troisieme|1er|2e|2eme|3e|3eme|eme "
      "floor|storey|etage", 4),
    R("major_trauma", "tombe*|chute*|fell|fallen|falling|fall|caiu|cayo|gestuerzt|gesturzt|"
      "dustu de|du|d|from|off|down|from|do|da|de|von echelle|toit|escalier*|escabeau|"
      "balcon|fenetre|arbre|mur|ladder|roof|stairs|staircase|tree|balcony|window|wall|"
      "cheval|horse|etage|floor|escada|escalera|leiter|dach|treppe|merdiven|cati", 4,
      level=AMBIGUOUS),
    # --- burns: large, deep, of face/hands/genitals; chemical eye; electrical (SAMU) ----
    R("severe_burn", "brul*|burn* grave*|gravement|profond*|etendu*|severe|bad|badly", 2,
      level=AMBIGUOUS),
    R("severe_burn", "choc|decharge|shock|electrocut* electrique|electric|electrical|courant", 2),
    R("severe_burn", "electric|electrical|electrique shock|choc|decharge|shocked", 1),
    R("severe_burn", "doigt|doigts|finger|fingers|fourchette|fork|couteau|knife|clou|nail "
      "prise|prises|socket|outlet|plug", 3, unless="sang blood"),
    R("severe_burn", "choque|descarga|schlag electrico|eletrico|electrica|eletrica|elektrik", 1),
    R("severe_burn", "electrocut*|electrise*|electrisation|electrocution|electrocuted|"
      "stromschlag|electrocutado|electrocutada|elektrik", 0),
    R("severe_burn", "pris|prend|prit|pris le|un jus", 1),
    R("severe_burn", "coup|jus courant", 1),
    R("severe_burn", "#num volt|volts|v|kv", 0),
    R("severe_burn", "produit|acide|acid|javel|bleach|soude|chaux|ciment|cement|lime|"
      "ammoniaque|ammonia|chimique*|chemical*|caustique*|cleaner|nettoyant*|detergent*|"
      "lejia|lixivia|acido|bleiche|reiniger|saure|"
      "deboucheur|lessive|oven|drain|spray dans|in|into|sur|on|en|nos|ins oeil|yeux|eye|eyes|ojo|"
      "ojos|olho|olhos|auge|augen|goz*", 4),
    R("severe_burn", "oeil|yeux|eye|eyes brule*|burn*|burning|pique", 2, level=AMBIGUOUS),
    R("severe_burn", "oeil|yeux|eye|eyes|ojo|ojos|olho|olhos|auge|augen javel|bleach|acide|acid|"
      "produit|chemical*|chimique*|cleaner|nettoyant*|soude|chaux|ciment|cement|lime|"
      "ammoniaque|ammonia|caustique*|deboucheur|detergent*|lessive|lejia|lixivia|"
      "bleiche|reiniger|saure|acido", 6),
    R("severe_burn", "brul*|burn*|burned|burnt|scald*|ebouillant*|cloques|blisters visage|"
      "face|mains|main|paume*|palms|palm|hands|hand|genitaux|genital*|sexe|parties|"
      "thigh|torse|chest|ventre|belly|yeux|eyes|cou|neck", 4, level=AMBIGUOUS),
    R("severe_burn", "peau|skin|haut|pele|piel blanche|white|blanc|weiss|weisse|noire|black|"
      "noir|dure|hard|carton|leather|cuir|raw|part|peeling|decolle*|branca|blanca|"
      "geworden", 3, level=AMBIGUOUS),
    R("severe_burn", "brulure|burn noire|black|noir|blanche|white|profonde|deep", 2),
    R("severe_burn", "verbrannt|verbrennung|verbruht|queimadura|queimou|queimei|quemadura|"
      "quemo|quemado|quemada|yandi|yanik|yanmis", 0, level=AMBIGUOUS),
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
    # A bleed of any kind (not a blood test), and signs of shock or blood loss.
    "bleed_any": (
        (("saign*|bleed*|bleeding|hemorrag*|haemorrhag*|sangra*|sangre|sangue|blutet|blutung|"
          "kanama|kaniyor|melena|rectorragi*|hematemese|nosebleed*|epistaxis|jsaign*"), 0,
         BLOOD_TEST),
        ("sang|blood", 0, BLOOD_TEST + " pression giving give donate donating donne donner "
                                       "type"),
        ("selles|stools|stool|caca|poo noires|noir|black|goudron|tar|tarry", 3),
    ),
    "bleed_persisting": (
        (("arrete|arreter|arretent|sarrete|sarretent|arrive|stop|stops|stopping|cesse|calme "
          "pas|plus|not|won|wont|doesn|isn|t"), 2, ("jours semaines mois days weeks months regles "
                                                   "periods cycle spotting")),
        ("won|wont|doesn|isn|not|will|never stop|stopping", 2,
         "jours semaines mois days weeks months regles periods cycle spotting"),
        ("toujours|still|encore|continue|continues|keeps saign*|bleed*|bleeding|coule|going", 2,
         "jours semaines mois days weeks months regles periods cycle spotting"),
    ),
    "bleed_nonstop": (
        ("non|sans stop|arret|arreter|cesse|interruption", 0), ("nonstop", 0),
        ("coule|saigne|bleeding|saignement|pisse toujours|encore|still|continue|non", 1),
    ),
    "bleed_duration": (
        (("depuis|since|for|pendant|over|plus|more une|un|an|#num heure|heures|h|hour|hours|"
          "hrs|minutes|min|mn"), 3,
         "jours semaines mois days weeks months regles periods cycle spotting"),
    ),
    "bleed_stopped": (
        ("est|has|have arrete|arretee|stoppe|stopped|calme", 0),
        ("stopped|arrete after|apres|tout|on|by", 1),
    ),
    "bleeding_shock_signs": (
        (("pale|pales|blanc|blanche|blafard*|livide|pallid|grey|gray|gris|grise|clammy|moite|"
          "sweaty|transpire|sueurs|etourdi*|vertige*|dizzy|lightheaded|faint|fainting|malaise|"
          "evanoui*|tourne|tourner|mareado|mareada|palido|palida|palido|schwindelig|blass"), 0,
         "peu petit"),
        ("tete|head qui|is tourne|spinning", 2),
    ),
    # Something swallowed or inhaled, and an airway that is not clear.
    "foreign_body": (
        (("avale|avalee|avales|avalees|avalait|ingere|ingeree|swallowed|inhaled|engoliu|trago|verschluckt|yutt*|"
          "choked|chokes|coince*|bloque*|stuck|lodged"), 0, "rendez rdv medicament pill"),
        ("fausse|fausses route|routes", 1),
        ("dans|in sa|la|his|her|the|mouth|bouche bouche|mouth|nez|nose", 2),
    ),
    "airway_sign": (
        (("tousse|toux|cough|coughing|coughs|tosse|tos|husten tout|sans|arrete|stop|lot|"
          "much|nonstop|and|beaucoup|fort|violemment"), 3),
        ("coughing and coughing", 0),
        (("siffl*|sifflement|whistl*|wheez*|stridor|bruyant*|noisy|gurgl*|gargouill*|drool*|"
          "bave|bavant|bavait|crache|jcrache|spitting"), 0),
        (("bleu|bleue|bleus|bleues|blue|violet*|cyanos*|devient|turning"), 0),
        ("respir*|breath*|jrespire mal|difficilement|bizarre|noisy|weird|bruit", 2),
        ("avaler|swallow|deglutir salive|saliva|eau|water|rien|nothing", 4),
    ),
    # Anaphylaxis without a named allergen: hives with faintness or a throat sign.
    "hives": (
        (("urticaire|hives|welts|plaques|boutons|rougeur*|rouges|rouge|marbr* gratt*|"
          "demange*|itch*|partout|everywhere|corps|body|cou|visage|face|gonfl*"), 3),
        ("urticaire|hives|welts", 0),
    ),
    "systemic_allergy": (
        ("tete|head qui|is|spinning tourne|spinning", 2),
        (("respir*|breath*|breathing bizarre*|funny|weird|strange|mal|hard|noisy|difficile*|"
          "drole"), 2),
        ("wheez*|siffl*|sifflement", 0),
        ("sens|sent|feel|feeling partir|faint|weird|bizarre", 2),
        ("vertige*|dizzy|faint*|malaise|evanoui*|lightheaded", 0),
        ("avaler|swallow salive|saliva", 4),
        ("voix|voice change*|rauque|hoarse|bizarre|different|strange|weird", 3),
    ),
    "face_swelling": (
        (("visage|face|yeux|eyes|paupieres|gorge|throat|cou|bouche|mouth|langue|tongue|levres|"
          "lips gonfl*|enfle*|enflee*|enflure*|swell*|swollen|oedem*|puffy|bouffi*"), 3),
        (("gonfl*|enfle*|enflee*|enflure*|swell*|swollen|oedem* visage|face|yeux|eyes|gorge|"
          "throat|bouche|mouth|langue|tongue|levres|lips"), 3),
    ),
    "allergen_trigger": (
        (("kiwi|arachide*|cacahuete*|peanut*|noix|noisette*|amande*|nuts|nut|sesame|cashew*|"
          "pistache*|pistachio*|hazelnut*|almond*|walnut*|"
          "crustace*|crevette*|shrimp|prawn*|fruits|guepe|abeille|frelon|wasp|bee|hornet|"
          "piqure|pique|stung|sting|anesthesi*|antibiotique*|amoxicilline|penicilline|"
          "injection|perfusion|vaccin|mange|ate|eaten|eating"), 0),
    ),
    # Trauma: the mechanism and the signs that make it major.
    "trauma_mech": (
        (("tombe|tombee|tombes|tombees|tomber|tombait|chute|chutes|fell|fallen|caiu|caido|"
          "caida|cayo|gestuerzt|gesturzt|dustu"), 0,
         ("malade enceinte sick pregnant bien telephone phone portable "
         "ecran screen verre lunettes glasses semaine semaines week weeks jours days")),
        (("accident|crash|collision|carambolage|renverse*|fauche*|percute*|knocked|hit"), 0,
         ("verre eau cafe drink water assurance insurance travail semaine semaines week weeks "
         "jours days")),
    ),
    "trauma_sign": (
        ("at|a|grande high speed|vitesse", 1),
        (("fourmi*|fourmill*|picote*|tingl*|tingling|pins|numb*|engourdi* jambes|legs|bras|"
          "arms|mains|hands|pieds|feet|needles|down"), 4),
        (("jambes|legs|bras|arms|mains|hands|pieds|feet fourmi*|fourmill*|tingl*|tingling|"
          "numb*|engourdi*|picote*"), 3),
        ("mal|douleur|hurts|pain|sore cou|nuque|neck|dos|back|colonne|spine", 3),
        ("cou|nuque|neck|dos|back hurts|douleur|pain|mal|sore", 3),
        (("bouge|bouger|move|moving|ose|dare|marche|walk|walking|stand|standing|debout|"
          "appuyer|relever|lever|levantar|aufstehen pas|plus|not|cannot|cant|nao|no"), 3),
        (("cannot|unable|can|peut|peux|arrive|nao|no|kann move|stand|walk|get|marcher|lever|"
          "relever|bouger|levantar|consegue|puede|aufstehen"), 3),
        (("jambe|hanche|cheville|poignet|bras|pied|leg|hip|wrist|arm|ankle|foot|genou|knee|"
          "epaule|shoulder tournee*|tourne|tordu*|deform*|angle|bent|twisted|deformed|wrong|"
          "shorter|courte|raccourcie|weird|bizarre|dangling"), 4),
        ("vomi*|vomit*|threw|throwing|envie", 0),
        ("tient|tenait|tiens plus|pas debout", 2),
        ("kalkam*|yuruyem*|kipirdam*", 0),
        (("coince|coincee|incarcere*|trapped|pinned|ejecte*|ejected|projete*|thrown|tonneau*|"
          "rolled|desincarcer*"), 0),
        ("grave|serious|bad|gros|violent|terrible accident|crash", 1),
        ("nao|no|nicht|not mexe|mexer|mueve|mover|bewegt|bewegen|sente|siente|spurt|move", 2),
        ("bewegt|mexe|mueve sich|se|nicht|nao|no", 2),
        (("pale|blanc|blanche|transpire|sueurs|sweaty|clammy|gris|grise|froid|froide|"
          "gele|gelee|cold|frozen"), 0),
        (("douleur|pain|mal enorme|terrible|atroce|intense|violente|horrible ventre|belly|"
         "abdomen|tummy"), 3),
    ),
    "came_off": (
        (("came|fell|thrown|flew|ejected off|from|over bike|horse|motorbike|scooter|"
          "handlebars|quad|trampoline"), 2),
    ),
    "long_lie": (
        ("for|depuis|des|since|pendant hours|heures|ages|longtemps", 1),
        ("toute|all la|the nuit|night", 1), ("overnight|nuit", 0),
    ),
    "on_floor": (
        (("sol|terre|floor|ground|chao|suelo|boden|yerde"), 0),
    ),
    "cant_get_up": (
        (("peut|peux|arrive|arrivait|arrivent|cannot|unable|can|consegue|puede|kann|could "
          "relever|lever|levantar|get|aufstehen|stand|standing|bouger|move|marcher|walk"), 4),
        ("nao|no consegue|consigo|puede|puedo se|levantar|levantarse", 3),
        ("kalkam*|kalkamiyor|aufstehen|levantarse", 0),
        ("reste|restee|lying|lain|allonge*|stayed|toute|all night|nuit|hours|heures", 3),
    ),
    "elderly_intl": (
        (("avo|avos|abuelo|abuela|opa|oma|dede|babaanne*|anneanne*|grand|grandmother|"
          "grandfather|granny|grandma|grandpa|mamie|papi|papy|voisine|voisin|neighbour|"
          "neighbor|aide|domicile"), 0),
    ),
    # Burns: the event, its severity (size, depth, site), a small child, an electric source.
    "burn_event": (
        (("brul*|burn|burns|burned|burnt|scald*|ebouillant*|verbrannt|"
          "verbrennung|verbruht|queima*|quema*|yandi|yanik|renverse*|spilled|spilt|bouillante|"
          "bouillant|boiling|friteuse|fryer|bouillotte|poele|stove|cuisiniere|cheminee|insert|"
          "barbecue|bbq|braise*|flamme*|flames|fire|incendie"), 0, "estomac estomacs brulures mictionnelles pipi uriner"),
    ),
    # A whole pan, kettle or fryer of hot liquid: a large scald.
    "big_vessel": (
        (("casserole|marmite|bouilloire|kettle|saucepan|pan|pot|friteuse|fryer|faitout|"
          "cocotte|theiere|teapot"), 0),
    ),
    "minor_burn": (
        (("petite|petit|small|tiny|leger|legere|legerement|minor|slight|slightly|peu "
          "rougeur|rouge|red|brulure|burn|redness|zone|patch|spot"), 2),
    ),
    "hot_liquid_intl": (
        (("fervendo|fervente|hirviendo|hirviente|kochend*|kochendem|heisse*|heisses|kaynar|"
          "quente|caliente"), 0),
    ),
    "hot_liquid": (
        (("chaud|chaude|brulant*|hot|bouillant*|boiling eau|water|the|tea|cafe|coffee|soupe|"
          "soup|huile|oil|lait|milk|pates|pasta"), 2),
        (("eau|water|the|tea|cafe|coffee|soupe|soup|huile|oil|lait|milk chaud|chaude|"
          "brulant*|hot|bouillant*|boiling"), 1),
    ),
    "burn_severe": (
        ("peau|skin part|partie|peeling|raw|decolle*|arrachee", 3),
        ("cloques|blisters|blasen|bolhas|ampollas|kabarcik*", 0,
         "petite petites petit small tiny pequena pequenas pequeno klein"),
        (("peau|skin|haut|pele|piel blanche|white|blanc|weiss|noire|black|dure|hard|carton|"
          "cuir|leather|raw|geworden"), 3),
        (("tout|toute|tous|toutes|whole|entire|all torse|bras|dos|ventre|jambe|chest|arm|"
          "back|leg|thigh|corps|body"), 2),
        ("braco|brazo|perna|pierna|peito|pecho|arm|bein|brust todo|toda|inteiro|entero|ganz|ganze", 2),
        (("grande|large|big|grosse|grosses zone|surface|area|partie|cloque|cloques|blister|"
          "blisters"), 2),
        ("plus grand|grande|big|bigger|larger que|than 2|deux main|mains|hand|hands|paume", 3),
        ("moins|barely|hardly|pas mal|hurt|hurts|fait", 2),
        (("visage|face|mains|paumes|palms|hands|genitaux|genital*|genitals|sexe|"
          "yeux|eyes|bouche|mouth|cou|neck|levres|lips"), 0),
    ),
    "elec_source": (
        (("chargeur|charger|cable|cables|prise|socket|outlet|fil|wire|plugged|branche|"
          "courant|electrique|electric|electrical|tableau"), 0),
    ),
    # A hypothetical lead ("que faire s'il...", "what to do if"): not happening now.
    "hypothetical_lead": (
        ("faire|do s|si|if", 1), ("what to|should do if|when", 2), ("trousse|kit", 0),
    ),
    # Breathing that is abnormal, and what makes it dangerous (NICE NG143, MTS).
    "breath_abnormal": (
        (("respir*|breath*|breathing|respira|respirando|atmet|nefes vite|fast|rapid*|quick*|"
          "superficiel*|shallow|bizarre*|weird|strange|bruit*|noisy|siffl*|whistl*|"
          "difficile*|hard|pauses|pause|ventre|belly|tummy"), 3, "nez nose bouche rhume enrhume stuffy blocked"),
        ("siffl*|sifflement|whistl*|wheez*|grunt*|grogn*|geint|tirage", 0),
        ("essouffl*|breathless|out", 0),
    ),
    # A relative who says the person is otherwise well: a worry, not a distress.
    "reassured": (
        ("va|allait bien|mieux|tres|normalement", 1), ("joue|jouait|playing|plays", 0),
        ("mange|boit|tete|feeding|eating|drinking bien|well|normally|normalement", 2),
        ("is|seems|looks|otherwise fine|well|ok|okay|normal", 1),
        ("est|c ce normal|grave", 1),
    ),
    "breath_exhaustion": (
        (("parle|parler|talk|talking|speak|speaking|fala|habla du|peine|mal|hard|barely|"
          "cannot|trouble|pas|only|just|so"), 3),
        (("pale|blanc|blanche|gris|grise|grey|gray|sweaty|transpire|sueurs|confus|confused|"
          "confuse|somnolent*|drowsy|sleepy|endormi*"), 0),
        ("ventoline|inhaler|inhalateur|puffer|pompe marche|fait|working|helping|help pas|not|rien", 3),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("anaphylaxis", ("allergy", "allergy_swelling"), unless=("hypothetical_lead",)),
    Combination("anaphylaxis", ("hives", "systemic_allergy"), unless=("hypothetical_lead",)),
    Combination("anaphylaxis", ("allergen_trigger", "face_swelling", "systemic_allergy"),
                unless=("hypothetical_lead",)),
    Combination("choking", ("foreign_body", "airway_sign"), unless=("hypothetical_lead",)),
    Combination("breathing", ("breath_abnormal", "baby_any"), unless=("reassured",)),
    Combination("breathing", ("breath_abnormal", "elderly"), unless=("reassured",)),
    Combination("breathing", ("breath_abnormal", "breath_exhaustion")),
    Combination("bleeding", ("bleed_any", "bleeding_shock_signs")),
    Combination("bleeding", ("bleed_any", "anticoagulant", "persisting")),
    Combination("bleeding", ("bleed_any", "anticoagulant", "bleed_persisting")),
    Combination("bleeding", ("bleed_any", "anticoagulant", "bleed_duration"),
                unless=("bleed_stopped",)),
    Combination("bleeding", ("bleed_any", "bleed_persisting", "bleed_duration"),
                unless=("bleed_stopped",)),
    Combination("bleeding", ("bleed_any", "bleed_nonstop", "bleed_duration"),
                unless=("bleed_stopped",)),
    Combination("bleeding", ("bleed_any", "bleed_nonstop", "anticoagulant")),
    Combination("bleeding", ("bleed_any", "bleed_persisting"), level=AMBIGUOUS),
    Combination("bleeding", ("bleed_any", "anticoagulant"), level=AMBIGUOUS),
    Combination("major_trauma", ("trauma_mech", "trauma_sign")),
    Combination("major_trauma", ("came_off", "trauma_sign")),
    Combination("major_trauma", ("on_floor", "cant_get_up", "elderly")),
    Combination("major_trauma", ("on_floor", "cant_get_up", "elderly_intl")),
    Combination("major_trauma", ("on_floor", "anticoagulant")),
    Combination("major_trauma", ("trauma_mech", "on_floor", "long_lie")),
    Combination("major_trauma", ("trauma_mech", "anticoagulant"), level=AMBIGUOUS),
    Combination("major_trauma", ("trauma_mech", "elderly"), level=AMBIGUOUS),
    Combination("severe_burn", ("burn_event", "burn_severe")),
    Combination("severe_burn", ("burn_event", "baby_any")),
    Combination("severe_burn", ("hot_liquid", "burn_severe")),
    Combination("severe_burn", ("hot_liquid_intl", "burn_severe")),
    Combination("severe_burn", ("hot_liquid", "baby_any"), level=AMBIGUOUS),
    Combination("severe_burn", ("hot_liquid", "child", "burn_event"), level=AMBIGUOUS),
    Combination("severe_burn", ("hot_liquid", "child", "big_vessel"), unless=("minor_burn",)),
    Combination("severe_burn", ("burn_event", "elec_source")),
    Combination("severe_burn", ("burn_event", "diabetic"), level=AMBIGUOUS),
    Combination("severe_burn", ("burn_event", "elderly"), level=AMBIGUOUS),
)
