"""Intent lexicon: weighted FR/EN features per team, and explicit-signal tables.

Features use the `text.Pattern` syntax (folded, shorthand-expanded words; ``|``
alternatives, ``*`` stems, spaces between words that follow each other within `gap`).
A feature counts once per message; its weight is how strongly it points to the team.
"""

from __future__ import annotations

# (phrases, weight[, gap]) per team. Phrases are separated by commas; inside a phrase,
# spaces separate words that follow each other within `gap` tokens (default 1).
Feature = tuple[str, float] | tuple[str, float, int]

TEAM_FEATURES: dict[str, tuple[Feature, ...]] = {
    "rendez-vous": (
        ("rendez vous, rendezvous", 2.6), ("appointment*", 2.4),
        ("prendre|reprendre|avoir|obtenir|fixer|caler|booker|reserver|trouver rendez|creneau",
         1.0, 3),
        ("annul*, cancel*", 1.6), ("decal*|deplac*|repousser|reporter|report|avancer", 1.5),
        ("reschedul*|postpone*, move|change|bring appointment|forward|it", 1.2, 2),
        ("creneau*|disponibilit*|dispo|dispos", 1.2), ("place|places", 0.9),
        ("reprogramm*|replanifi*|refixer|recaler|repositionner", 1.6),
        ("slot|slots|availability, available|free time|slot|today|tomorrow", 1.0),
        ("consultation|consulter|consult", 0.6), ("teleconsultation|visio|video", 1.4),
        ("book|booking|booked|schedule|scheduling", 1.8),
        (("voir|voie|voit|see|passer|examiner medecin|doctor|docteur|generaliste|infirmier*|"
         "kinesitherapeute|gp|quelqu|someone|somebody, sage femme"), 0.9, 3),
        ("me|nous|le|la|les|l recevoir|caser|voir|prendre|examiner, see|fit me|us|him|her|in",
         1.2),
        ("parler|rencontrer medecin|docteur|psy|psychologue|psychiatre|sage|quelqu", 0.8, 3),
        ("doctolib|agenda|planning", 1.5),
        ("empechement|empeche|indisponible|retenu|imprevu", 1.3),
        (("pourrai|pourrais|pourra|peux|peut pas|plus venir|etre|honorer, cannot|can|could "
         "make|come|attend"), 1.4, 2),
        ("retard, late", 0.9), ("confirm*", 1.0), ("rappel|reminder", 0.6),
        ("viendrai|viendrais|viendra|viendrons|viendront pas|plus", 1.4),
        ("peux|pourrais|pourrai|puis|can|could venir|passer|come|pop", 0.9, 2),
        ("au lieu, plutot que, instead of, rather than", 0.7),
        ("moyen|possible|possibilite voir|passer|venir|rendez|consult*|etre", 1.0, 2),
        ("cette|fin semaine, this week, semaine prochaine, next week, dans journee", 0.5),
        ("serai|serais|sera|serons pas|plus la|present*|disponible*|dispo", 1.2, 2),
        ("autre|another|different jour|date|creneau|moment|heure|day|time|slot", 1.0),
        ("visite domicile, home visit, visite", 1.0),
        ("premier|nouveau|new rendez|appointment", 0.6, 2),
        ("suivi, follow up, controle, check up, checkup, visite annuelle", 0.7),
        (("certificat|certificate sport|sportif|licence|club|piscine|foot|football|judo|danse|"
         "tennis|rugby|basket|natation|course|marathon|competition, sport|sports"), 1.2, 3),
        (("lundi|mardi|mercredi|jeudi|vendredi|samedi|monday|tuesday|wednesday|thursday|"
         "friday|saturday"), 0.7),
        ("demain|tomorrow, semaine prochaine, next week, matin|apres|morning|afternoon", 0.3),
        ("#hour", 0.8), ("vaccin*|vaccination|vaccine*|jab|shot", 0.8),
        (("ok|accord|parfait|entendu|confirme|noted|fine pour|for lundi|mardi|mercredi|jeudi|"
         "vendredi|samedi|demain|#hour|monday|tuesday|wednesday|thursday|friday|tomorrow"), 0.6,
         2),
        ("frottis|depistage|smear|ivg|pose|retrait|infiltration", 0.6),
        (("dentiste|ophtalmologue|gynecologue|pediatre|dermatologue|cardiologue|psychiatre|"
         "psychologue|ergotherapeute|orthophoniste|osteopathe|podologue|dieteticien*|"
         "nutritionniste|specialist*, sage femme"), 0.6),
    ),
    "ordonnances": (
        ("ordonnance*|prescription*|prescrire|prescrit|prescribe*|represcrire", 3.0),
        ("renouvel*|renew*|refill*|repeat", 1.8),
        ("medicament*|medication*|medicine*|traitement*|treatment", 1.0),
        ("pharmacie|pharmacien*|pharmacist|pharmacy|chemist", 1.6),
        (("boite|boites|comprime*|cachet*|gelule*|pilule|pills|tablets|sirop|creme|pommade|"
         "collyre|inhalateur|spray|patch|patchs|ampoule*"), 0.9),
        ("posologie|dosage|dose|doses|mg", 0.9), ("generique*|generic", 1.0),
        ("plus|fini|finis|finit|termine|bout|manque|reste|court, run|running|ran out", 0.7),
        ("traitement|medicaments|boites|mois avance|vacances|voyage|depart", 0.8, 3),
        ("rupture|stock", 0.8),
        (("doliprane|paracetamol|levothyrox|metformine|kardegic|ventoline|amoxicilline|"
         "antibiotique*|insuline|seretide|symbicort|xanax|lexomil|stilnox|zolpidem|"
         "tramadol|ibuprofene|spasfon|inexium|omeprazole|esomeprazole|atorvastatine|"
         "crestor|amlodipine|ramipril|bisoprolol|lasilix|eliquis|xarelto|previscan|"
         "methotrexate|lantus|ozempic|seresta|deroxat|seroplex|prozac|dafalgan|"
         "efferalgan|smecta|augmentin|cortisone|solupred|prednisolone|salbutamol|"
         "inhaler|statin*|antibiotic*|contraceptive|contraception|sterilet|"
         "implant|bandelettes|lancettes|seringues|aiguilles|capteur*|orthese|attelle|"
         "semelles|contention|levothyroxine|thyroxine|sertraline|amoxicillin"), 1.2),
        ("bon transport, transport|taxi|vsl", 1.6),
        ("arret travail|maladie, sick|fit note, prolongation", 1.6),
        ("prolong*|arret", 0.8),
        ("faire|fasse|donner|prescrire|prescrive un arret|certificat|ordonnance|bon", 1.0, 2),
        ("mes|my medicament*|traitement|pills|medication|meds", 0.5),
    ),
    "resultats": (
        ("resultat*|results|result", 2.6), ("bilan|bilans", 1.0),
        ("revenu|revenus|revenue|rentre|rentres|back, est|sont normal|normaux|bon|bons", 0.6),
        ("negatif|positif|negative|positive|sanguin|sanguine", 0.8),
        ("analyse*|analysis|laboratoire|lab|labs", 1.5),
        ("prise sang, bilan sanguin, blood test*|work, bloods, prelevement*", 1.3),
        (("radio|radiographie|irm|mri|scanner|echographie|echo|ultrasound|mammographie|"
         "mammogram|biopsie|biopsy|scintigraphie|doppler|endoscopie|coloscopie|"
         "fibroscopie|colonoscopy, x ray, ct scan"), 1.2),
        ("compte* rendu*, report", 0.8), ("examen*|exam|exams|test|tests", 0.7),
        ("pcr|antigenique|serologie|ecbu|urine*|frottis|smear|toxoplasmose|rubeole, test covid",
         1.0),
        ("ecg|electrocardiogramme|holter|mapa|eeg|emg|spirometrie|efr", 0.8),
        (("cholesterol|glycemie|hba1c|tsh|thyroide|ferritine|fer|inr|crp|psa|creatinine|"
         "vitamine|plaquettes|globules|hemoglobine|taux|valeurs|chiffres|levels"), 1.3),
        (("vu|regarde|lu|verifie|examine|recu|seen|checked|looked scanner|radio|irm|bilan|"
         "analyses|examen|echographie|compte|resultats|scan|results"), 0.8, 4),
        ("recu|recus|recupere*|received|got|arrive*|disponibles|ready|back|sorti|sortis", 0.4),
        (("interpret*|expliquer|explain|comprendre|understand|signifie|mean|means|normaux|"
         "anormal*|abnormal|eleve*|elevated"), 0.6),
        ("radiologue|radiologie|radiology|imagerie|images|cliches|scan|scans", 0.9),
    ),
    "facturation": (
        ("facture*|facturation|invoice*|billing|bill|bills|billed", 2.6),
        ("paiement*|payer|paye|payee|payment*|pay|paid|regler|reglement", 1.5),
        ("rembourse*|remboursement*|refund*|reimburs*", 1.6),
        ("mutuelle*|complementaire|insurance|insurer", 1.6),
        ("tiers payant, tiers", 2.0), ("carte vitale", 1.2),
        ("securite sociale, cpam|ameli|secu, assurance maladie", 1.2),
        ("feuille|feuilles", 0.8),
        ("feuille soins", 2.0),
        ("note honoraires, note de frais", 1.2),
        (("depassement*|honoraires|fee|fees|tarif*|prix|price|cost|coute|coutent|cout|"
         "combien|charged|charges"), 1.2),
        ("euros|eur|dollars|montant|somme|amount", 1.2),
        ("devis|quote|estimate", 1.4),
        ("cheque*|cb|especes|cash|virement, carte bancaire, bank transfer", 1.0),
        ("preleve*|prelevement|debit*|debited, compte bancaire, bank", 1.0),
        ("deux fois, twice, doublon, trop percu, overcharged", 0.6),
        ("cmu|css|ame|ald, prise charge, covered|coverage", 1.5),
        (("combien|coute|coutent|cout|prix|tarif* visite|consultation|certificat|acte|"
         "teleconsultation|rendez, c est combien, how much, combien coute|ca"), 1.0, 3),
        ("receipt|justificatif|quittance, attestation paiement", 0.6),
        ("impaye*|relance|unpaid|outstanding|solde", 1.2),
    ),
    "soins": (
        ("symptome*|symptom*", 1.2),
        ("douleur*|mal|maux|pain|pains|hurt*|ache*|sore", 0.9),
        ("fievre|fever|febrile|temperature|#temp", 1.3), ("toux|tousse|cough*", 1.2),
        (("rhume|grippe|angine|otite|sinusite|bronchite|gastro|virus|infection|"
         "cystite|conjonctivite|eczema|psoriasis|mycose|herpes|zona|varicelle|cold|flu|"
         "uti|rhinopharyngite|bronchiolite|poux|lentes|gale|verrue*|acne|courbature*|"
         "impetigo|oedeme*|oedemes|migraine*|hemorroide*|reflux|aphte*"), 1.2),
        (("vomi*|vomit*|nausee*|nausea|diarrhee|diarrhea|diarrhoea|constip*|vertige*|dizzy|"
         "dizziness|fatigue*|tired|epuise*|exhausted"), 1.0),
        (("eruption|boutons|plaques|rougeur*|rash|spots|demangeaison*|itch*|gratte|"
         "bite|gonfle*|swollen|swelling|oedem*|enfle*"), 1.0),
        (("plaie|blessure|wound|cicatri*|suture*|points|stitches|agrafes|pansement*|dressing*|"
         "bandage"), 1.5),
        ("infirmier*|nurse|soins|soin|injection*|piqure", 0.8),
        ("effet|effets secondaire*|indesirable*, side effect*, reaction, supporte|tolere", 1.5),
        ("allergi*|allergique|allergic", 0.8), ("tension, blood pressure, hypertension", 0.8),
        ("diabete|glycemie|sucre|sugar", 0.5),
        ("enceinte|grossesse|pregnant|pregnancy|contraction*|regles|period|saign*|bleed*", 0.8),
        ("bebe|baby|nourrisson|enfant|fils|fille|child|son|daughter", 0.3),
        (("grave|inquiet*|inquietude|worried|worry|concerned|peur|stresse*|anxieux|anxiety|"
         "angoisse*, est normal, is normal"), 0.9),
        (("dois|devrais|faut|should je|i|il, que faire, what should, conseil*, advice, "
         "avis medical, advise, je dois|devrais|fais, fais quoi, faire quoi, quoi faire, "
         "what do i|we, what should i|we"), 1.1),
        (("peux|puis|peut|can|prendre take|prendre|associer|melanger|mix, interaction*|"
         "compatible|contre indique*"), 1.2, 3),
        ("depuis|since prends|prend|pris|started|starting|nouveau|new|traitement", 0.9, 3),
        ("surveiller|surveillance|signes|alerte|recidive|prevenir|watch|signs", 0.8),
        (("moral|deprim*|depression|dormir|sommeil|insomnie|stress|burn|anxieu*|sleep|"
         "depressed|low"), 0.8),
        ("brule*|brulure*|pique|burns|burning pipi|uriner|urine*|pee|peeing", 1.2, 3),
        ("cardiaque|coeur|heart|cardio*", 0.6), ("normal|normale", 0.5),
        ("bleu|bleus|hematome*|bruise*|bruising", 0.8),
        ("depuis|since|for jours|semaines|days|weeks|hier|yesterday|matin|morning|nuit", 0.4, 3),
        (("chute|tombe*|fall|fell|entorse|sprain|brulure|brule*|burn|coupure|cut|fracture|bosse|"
         "bump|hematome|bruise"), 1.0),
        ("respir*|breath*|essouffl*|poitrine|chest|coeur|palpitation*", 0.8),
        ("mange|manger|eat|eating|boire|drink|dort|sleep|sleeping|poids|weight", 0.4),
        ("saigne*|sang|blood|bleeding", 0.6),
        (("tete|head|ventre|stomach|oreille*|ear|ears|yeux|oeil|eye|eyes|gorge|throat|peau|"
         "skin|dos|back|jambe|leg|bras|arm|genou|knee|pied|foot|cheville|ankle|dent|tooth"),
         0.4),
    ),
    "relations-patients": (
        ("reclamation*|plainte*|complaint*|complain*|grief|plaindre|plains|plaint", 2.6),
        ("pas|not acceptable|normal|correct|respectueux|serieux|professionnel|ok", 1.2, 0),
        (("pour rien, sans prevenir, derniere minute, last minute, for nothing, personne "
         "previent|prevenu, no one told"), 0.9),
        (("mecontent*|insatisfait*|unhappy|dissatisfied|decu*|decue|disappointed|furieux|"
         "furious|scandalise*|choque*|outrage*|mecontentement"), 2.2),
        (("inadmissible|inacceptable|unacceptable|scandale*|scandaleux|honte|honteux|"
         "shameful|lamentable|intolerable|indigne|deplorable, importe quoi"), 2.2),
        (("impoli*|desagreable|rude|irrespectueu*|disrespectful|mepris*|agressi*|arrogant*|"
         "condescendan*|hautain*|moqu*"), 1.5),
        (("colere|enerve*|agace*|exaspere*|ras bol|marre|angry|upset|annoyed|frustrat*|"
         "revolte*|indigne*"), 1.3),
        ("comportement|attitude|behaviour|behavior|manner", 0.9),
        ("attente|waited|waiting", 0.5),
        ("personne repond, no one answers|answered, injoignable|unreachable", 1.0, 2),
        (("remercier|remercie|remerciements|grateful|gratitude|reconnaissant*|bravo|felicit*|"
         "compliment*|congratulat*"), 1.4),
        (("gentillesse|kindness|bienveillance|professionnalisme|chaleureu*|patience|ecoute|"
         "adorable|amazing|wonderful|fantastic|brilliant|lovely|friendly|genial|geniale|"
         "formidable|humanite|douceur|rassurant*|rassure"), 1.2),
        ("super|great|formidable|excellente equipe|team|accueil", 1.0),
        (("merci|thank|thanks a|au|aux|to docteur|dr|medecin|infirmier*|equipe|secretaire*|"
         "the|nurse|doctor|team|staff|vous|you"), 0.9, 2),
        ("merci infiniment|enormement|beaucoup, thank you so|very much", 0.5),
        ("grand merci, grace a vous|lui|elle|vous|toi, thanks to you|him|her", 1.2),
        ("satisfait|satisfaite|satisfied|satisfaction|insatisfaction, keep up", 1.2),
        ("facon|maniere dont, how i was treated|spoken, on m a recu|recue|parle|traite", 1.0),
        (("remarque*|deplacee*|inapproprie*|choquant*|humili*|blessant*|vecu|lecon|"
         "excuse|excuser|excuses|apology|apologise|apologize|refuse*|refused"), 0.9),
        (("dossier medical, medical record*|file, health record*, copie dossier, "
         "access|copy records|file, acces dossier"), 2.4, 2),
        ("dossier|records|record", 0.7),
        (("rgpd|gdpr|cnil|confidentialite|privacy|effacement|erasure|rectification, "
         "donnees personnelles|medicales, personal data, droit acces|oubli, "
         "supprimer|delete donnees|data|compte"), 1.8, 2),
        (("mediateur|ombudsman|direction|directeur|responsable|manager|avocat|lawyer|"
         "juridique|legal|signalement|signaler, ordre medecins"), 1.2),
        ("avis|review|feedback|temoignage|suggestion*|questionnaire, retour experience", 1.4),
        ("transfert|transferer|transfer dossier|records|file", 1.2, 2),
        ("changer|change medecin|doctor", 0.6, 2),
        ("erreur|error|mistake|faute|negligence", 0.5),
        ("compte rendu hospitalisation|operatoire|hospitalization, courrier|lettre|copie|copy",
         0.9, 2),
        (("recuperer|obtenir|avoir|copie|acces|transmettre|envoyer|besoin|faut|demande|need "
         "dossier|compte|certificat|attestation|records|file|certificate|antecedents|carnet|"
         "historique|history|vaccins"), 1.2, 3),
        (("informations|donnees|data|dossier sur|about moi|me, qui acces|access, "
         "transmettez|partagez|share|sell"), 1.4, 2),
        ("certificat|attestation|certificate|mdph|formulaire|remplir|papiers|paperwork", 0.8),
        ("encore une fois, pas normal, toujours pas", 0.4),
        ("en avoir|ai assez, ras bol, troisieme|plusieurs|enieme fois, fed up, sick of", 1.3),
        (("personne|jamais rappelle|rappele|rappelee|rappelez|repond|recontacte, never "
         "called|answers"), 1.0, 2),
    ),
    "accueil": (
        (("horaire*|ouvert|ouverte|ouverts|ferme|fermee|closed|fermeture|ouverture, "
         "opening hours|times, open"), 1.6),
        (("ou etes|trouvez|situe|situes, vous etes|trouve ou, where are|is you|the, je suis "
         "devant|perdu, trouver centre|cabinet|clinic"), 1.4),
        (("votre site|internet, site web, website, proposez vous, do you offer|do, est ce que "
         "vous faites|faites, vous faites"), 0.9),
        (("adresse|address|parking|stationnement|garer|itineraire|directions|bus|metro|tram|"
         "ascenseur|elevator|handicap*|wheelchair|pmr, acceder, fauteuil roulant"), 1.3),
        ("rappeler|rappelez|recontacter|joindre|reach, call back, callback", 0.8),
        ("contacter|call|appeler|appel|telephone|phone|numero|number", 0.4),
        (("medecin traitant, gp, family doctor, nouveau patient, new patient, patientele, "
         "inscri*|register*, prend|prenez|accept* nouveaux|new patients"), 1.0),
        (("coordonnees, changement adresse, change address, nouveau numero, new number, "
         "mettre jour, update, mise jour"), 0.8),
        (("oublie*|forgot|forgotten|perdu|lost|objet|parapluie|umbrella|lunettes|glasses|"
         "sac|bag|veste|jacket|doudou|cles|keys"), 0.7),
        (("information*|renseignement*|info|infos|question|questions|demande|savoir|know|"
         "wondering|enquiry|inquiry"), 0.5),
        ("garde, on call, week end, weekend, ferie, holiday|holidays|vacances|conges", 0.8),
        (("stage|stagiaire|emploi|job|candidature|cv|internship|remplacement|locum|"
         "livraison|delivery|fournisseur|supplier|commercial|partenariat|prospection|"
         "newsletter|publicite|advertising"), 1.4),
        ("wifi|toilettes|toilets|fax, salle attente, waiting room", 0.6),
        ("close|closes|closing|fermez|fermer|ouvrez|ouvrir|ouvre, what time, quelle heure",
         1.0),
        (("association|affiche|flyer|evenement|conference|atelier|partenariat|benevole*|"
         "mairie|ecole|presse|journaliste"), 1.2),
        ("langue|language|interprete|interpreter|traducteur|translator", 0.9),
    ),
}

# Explicit signals. IVR digits follow the demo directory's menu; a site's own menu is
# passed in by the handler when the directory defines one.
DEFAULT_IVR_MENU: dict[str, str] = {
    "1": "rendez-vous", "2": "ordonnances", "3": "resultats", "4": "facturation",
    "5": "soins", "6": "relations-patients", "9": "accueil", "0": "accueil",
}

# Chat menu choices, mailbox local parts and SMS keywords, folded, to a team.
TEAM_ALIASES: dict[str, str] = {
    "rdv": "rendez-vous", "rendez-vous": "rendez-vous", "rendezvous": "rendez-vous",
    "rendez vous": "rendez-vous", "appointments": "rendez-vous", "appointment": "rendez-vous",
    "booking": "rendez-vous", "prise-de-rdv": "rendez-vous", "agenda": "rendez-vous",
    "ordonnances": "ordonnances", "ordonnance": "ordonnances", "ordo": "ordonnances",
    "prescriptions": "ordonnances", "prescription": "ordonnances", "renouvellement": "ordonnances",
    "pharmacie": "ordonnances",
    "resultats": "resultats", "resultat": "resultats", "results": "resultats",
    "labo": "resultats", "laboratoire": "resultats", "analyses": "resultats",
    "imagerie": "resultats",
    "facturation": "facturation", "factures": "facturation", "facture": "facturation",
    "billing": "facturation", "compta": "facturation", "comptabilite": "facturation",
    "paiement": "facturation", "tiers-payant": "facturation", "mutuelle": "facturation",
    "soins": "soins", "infirmerie": "soins", "infirmier": "soins", "infirmiere": "soins",
    "nurse": "soins", "care": "soins", "conseil-medical": "soins",
    "relations-patients": "relations-patients", "relations patients": "relations-patients",
    "reclamations": "relations-patients", "reclamation": "relations-patients",
    "qualite": "relations-patients", "rgpd": "relations-patients", "dpo": "relations-patients",
    "feedback": "relations-patients", "complaints": "relations-patients",
    "accueil": "accueil", "secretariat": "accueil", "contact": "accueil", "info": "accueil",
    "reception": "accueil",
}
# The directory's intent ids (deploy/directory/*.yaml), when a menu sends one.
TEAM_ALIASES.update({
    "general": "accueil", "triage": "accueil", "information": "accueil",
    "opening_hours": "accueil", "book_appointment": "rendez-vous",
    "move_appointment": "rendez-vous", "cancel_appointment": "rendez-vous",
    "prescription_renewal": "ordonnances", "prescription_question": "ordonnances",
    "lab_results": "resultats", "imaging_results": "resultats", "invoice": "facturation",
    "payment": "facturation", "tiers_payant": "facturation", "refund": "facturation",
    "clinical_question": "soins", "wound_care": "soins", "vaccination": "soins",
    "complaint": "relations-patients", "praise": "relations-patients",
    "medical_record_request": "relations-patients", "gdpr_request": "relations-patients",
})
# Mailboxes that say nothing about the intent (the classifier decides).
GENERIC_MAILBOXES = frozenset({"contact", "info", "accueil", "secretariat", "reception",
                               "bonjour", "hello", "cabinet", "centre", "noreply"})
