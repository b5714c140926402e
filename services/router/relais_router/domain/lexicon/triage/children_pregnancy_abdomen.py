"""Infants and children, pregnancy, the abdomen and infection: fever in infants, a sick child, head injury, meningitis and sepsis, pregnancy emergencies, testicular torsion.

Each category of `CATEGORIES` names its sources (docs/triage.md) and what settles it; its
rules, concepts and combinations follow.
"""

from __future__ import annotations

from .base import AMBIGUOUS, BLOOD_TEST, DIAGNOSIS, Category, Combination, R, RedFlagRule
from .base import CONCEPTS as _BASE

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
             "pain in early pregnancy (one-sided, fainting), severe headache with vision trouble "
             "or swelling, waters broken, contractions before term, the baby moving less, fits "
             "in pregnancy"),
    Category("bleeding_in_pregnancy", "Saignement pendant la grossesse", "Bleeding in pregnancy",
             ("samu", "mts"), "any bleeding while pregnant, heavy bleeding after birth"),
    Category("testicular_torsion", "Torsion testiculaire", "Testicular torsion", ("mts", "nhs111"),
             "sudden severe testicular pain in a boy or young man"),
    Category("acute_abdomen", "Abdomen aigu", "Acute abdomen", ("mts", "nhs111"),
             "sudden severe abdominal pain, a rigid belly, vomiting with no stools or gas, "
             "belly and back pain in the old, coffee-ground vomit, right lower pain with fever"),
)

def _numbers(low: int, high: int) -> str:
    return "|".join(str(n) for n in range(low, high + 1))


# Ages and terms written as numbers: months of a baby or toddler, years of a small child,
# weeks of a pregnancy (20 to 42: "31 semaines", "36 wks").
_MONTHS_YOUNG = _numbers(1, 35)
_YEARS_SMALL = _numbers(1, 5)
_WEEKS_TERM = _numbers(20, 42)
_PREGNANT_WORDS = ("enceinte enceintes grossesse pregnant pregnancy sa amenorrhee gestation "
                   "hamile embarazada gravida schwanger")
_INFO_WORDS = "newsletter article brochure leaflet notice lettre sheet fiche"
_RECORDS = "records report dossier certificat certificate insurance assurance mutuelle"

_HEAD = "tete|crane|head|cabeza|cabeca|kopf|kafa*|basini|basi|basn|basm"
_FELL = ("tombe*|tombee|chute|fall|fell|fallen|slipped|glisse*|cogne*|choc|coup|hit|bang*|"
         "heurt*|tape*|tapee|frappe*|knocked|bumped|bump|golpe*|cayo|caida|caiu|bateu|pancada|"
         "gesturzt|sturz|gestossen|dustu|carpti|carpt|vurdu|landed|atterri*|ouvert|ouverte|split|"
         "entaille")
_VOMIT = ("vomi*|vomit*|vomissement*|vomir|vomis|vomito|vomitando|erbrech*|kusu*|sick|"
          "throwing|threw|erbricht|erbroch*|vomitar|vomitando")
_BELLY = ("ventre|abdomen|abdomina*|belly|stomach|tummy|estomac|bas-ventre|barriga|vientre|"
          "bauch*|unterleib|karn*|karin|pelvi*")
_PAIN_W = ("douleur*|mal|maux|crampe*|pain|pains|cramp*|ache|aching|hurts|hurting|dolor|dor|"
           "dores|schmerz*|agr|agrs|agryor|agriyor|sanc*")

_LIPS = "levre|levres|lips|lip|labios|labio|lippen|dudak*|dudaklari"
_BLUE = ("bleu*|bleue|bleues|blue|blueish|bluish|gris|grise|grises|grey|gray|greyish|violet*|"
         "violace*|cyano*|azul*|roxo*|blau|mor")

RULES: tuple[RedFlagRule, ...] = (
    R("meningitis_purpura", "purpura|meningite|meningitis|meningo*", 0, kind=DIAGNOSIS,
      unless="vaccine vaccin vaccins vaccination vaccinated vaccinee class classe classmate "
             "camarade contact " + _INFO_WORDS + " " + _RECORDS),
    R("sepsis", "sepsis|septicemi*|septique|septic", 0, kind=DIAGNOSIS, unless=_RECORDS),
    R("head_injury", "traumatisme cranien", 1, level=AMBIGUOUS),
    R("head_injury", "head injury", 1, level=AMBIGUOUS),
    R("head_injury", "commotion|concussion", 0, level=AMBIGUOUS),
    R("head_injury", f"{_FELL} {_HEAD}", 4, level=AMBIGUOUS),
    R("testicular_torsion", "torsion testicul*|bourse*|testicle*", 2, kind=DIAGNOSIS),
    # A fall from a height (a window, a balcony, a roof): trauma whatever the age.
    R("head_injury", "tombe*|tombee|fell|fallen|chute du|de|depuis|from|off|out|par fenetre|"
      "window|balcon|balcony|toit|roof", 3,
      unless="peur afraid worried protection protections securite safety barriere"),
    R("pregnancy_emergency", "fausse couche", 1, kind=DIAGNOSIS,
      unless="dernier derniere suite negatif negative compte"),
    R("pregnancy_emergency", "grossesse extra", 1, kind=DIAGNOSIS),
    R("pregnancy_emergency", "miscarriage|miscarrying|ectopic|eclampsie|preeclampsie|hellp", 0,
      kind=DIAGNOSIS, unless="alerter alerte explique expliquer question trying " + _INFO_WORDS),
    R("pregnancy_emergency", "pre eclampsie", 1, kind=DIAGNOSIS,
      unless="alerter alerte explique expliquer question " + _INFO_WORDS),
    R("dehydration", "boit|feeding|drinking plus|rien|not|refuse", 2, level=AMBIGUOUS),
    # Vomit like coffee grounds: a bleed in the upper gut.
    R("acute_abdomen", "coffee ground|grounds", 1),
    R("acute_abdomen", "marc cafe", 2),
    R("acute_abdomen", "appendicite|appendicitis|occlusion|peritonite|peritonitis", 0,
      level=AMBIGUOUS, kind=DIAGNOSIS),
)

CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "pregnancy": (
        (("enceinte|enceintes|grossesse|pregnant|pregnancy|foetus|amenorrhee|gestation|"
          "hamile*|embarazada|gravida|gravidez|schwanger|schwangerschaft|gestante"), 0),
        ("#num sa", 0), ("future maman", 0), ("attend|attends un bebe|enfant", 2),
        (f"{_WEEKS_TERM} semaines|sem|weeks|wks|wk|semanas|wochen|haftalik", 0),
    ),
    "bleeding_any": (
        ("saign*|sang|bleed*|bleeding|spotting|hemorrag*|caillot*|clots|blood|saignotte*", 0,
         BLOOD_TEST + " gencives gums nez nose anos"),
        ("pertes rouges|marron|brunes|sang", 2),
        ("kanama*|kaniyor|kanyor|sangr*|sangue|blutung*|blutet|bluten", 0,
         BLOOD_TEST + " blutdruck blutzucker anos"),
    ),
    "abdominal_pain": (
        (("douleur*|mal|maux|crampe*|pain|pains|cramp*|contraction*|ache|aching|hurts "
         "ventre|abdomen|abdomina*|belly|stomach|tummy|pelvi*|pelvis|bassin"), 3),
        ("ventre|abdomen|belly|stomach|tummy douleur*|mal|pain|hurts|dur|contract*", 3),
        (f"{_PAIN_W} {_BELLY}", 5),
        ("bellyache|stomachache|tummyache|bauchschmerz*|bauchweh|unterleibsschmerz*", 0),
        ("karn*|karin agr|agrs|agryor|agriyor|sanc*", 2),
    ),
    "waters": (
        ("perte*|poche|perdu eaux", 2), ("liquide amniotique", 0),
        ("waters|water broke|broken|breaking", 1), ("waters", 0),
        ("eaux perdu*|parti*|casse*|rompu*|coule*", 3),
        ("gush|gushing|leaking|leak fluid|water|liquid|liquide", 3),
        ("bolsa|fruchtblase|suyu|suyum", 0),
        ("perd|perds|perdu|perte*|leaking|coule*|losing liquide|eau|fluid|water|agua|liquido", 3),
    ),
    "fetal_movement": (
        (("pas|plus|moins|aucun|peu|less|no|reduced|fewer|decreased mouvement*|bouge*|"
         "movement*|moving|kicks|kicking"), 2),
        (("bouge*|mouvements|moving|movements|movement|kicks|kicking plus|moins|pas|less|"
         "reduced|stopped|not|no"), 2),
        ("sens|sent|senti|feel|felt plus|pas|not bouger|bebe|baby|move", 2),
        (("not|cannot|cant|pas|plus|no|never felt|feel|feeling|senti|sens|sentir|sent move|moving|bouger|"
         "bouge|kick*|movement*|mouvement*"), 4),
        ("not|no feeling|felt baby|bebe move|moving|kick*", 2),
        (("not|pas|plus|nao|no|nicht|kein moved|kicked|bouge|bouger|mexe|mexeu|mueve|movido|"
         "bewegt|bewegung*"), 2),
        ("hareket|hareketleri etmiyor|yok|azaldi", 1),
    ),
    "vision": (
        ("vision|vue trouble|floue|brouillee|double|blurred|blurry", 1),
        ("voit|vois|voir|see|seeing etoiles|mouches|points|flashes|spots|lumieres", 2),
        ((("voit|vois|voir|voient|voyait|see|seeing|sees|vejo|veo|sehe flashing|flashes|lights|lumiere*|flou|floue|"
          "trouble|double|blurry|blurred|"
          "etoile*|etoiles|stars|sparkles|mouches|luces|luzes|blitze"), 3)),
        ("flashing lights", 1), ("vision|vue|eyesight blurred|blurry|floue|trouble|spots", 3),
    ),
    "side_pain": (("douleur*|mal|pain|ache|cramp*|dolor|dor cote|side|lado|seite|taraf*", 4),),
    "faint_sign": (
        (("faint|fainting|fainted|evanoui*|malaise*|dizzy|lightheaded|desmaio|desmayo|mareo|"
          "mareada|ohnmacht|schwindel*|bayil*|bayl*|shoulder|epaule"), 0),
        ("tete|head qui|spinning tourne|spinning", 1),
    ),
    # Labour before term, bleeding after birth.
    "regular_contractions": (
        ("contraction*|contractions|contracte|wehen|kasilma* toutes|every|alle|cada #num", 3),
        (("contraction*|contractions|wehen regulier*|regular|rapprochee*|closer|douloureuse*|"
         "painful|strong|fortes"), 3),
    ),
    "preterm": ((f"{_numbers(20, 36)} semaines|sem|weeks|wks|wk|sa|semanas|wochen", 0),
                ("5|6|7|8 mois|months|month|meses|monate", 0)),
    "postpartum": (
        (("accouche|accouchee|accouchement|gave|given|delivered|postpartum|post-partum|"
          "cesarienne|caesarean|c-section|parto|geburt|entbindung|dogum*"), 0),
        ("post partum", 0), ("had the|my baby", 1), ("birth", 0),
    ),
    "heavy": (
        (("beaucoup|enormement|abondant*|heavy|heavily|lots|lot|soaking|trempe*|serviette*|pads|"
          "pad|caillot*|clots|clot|hemorrag*|muito|mucho|stark*|starke|cok"), 0),
    ),
    "soaking": (
        (("soaking|soaked|trempe|trempee|trempes|through|remplit|remplis pad|pads|serviette*|"
          "protection*|garniture*|towel*|sheets|draps"), 3),
    ),
    "cpa_headache": (
        ("mal|maux|douleur* tete|crane|head", 3), ("cephalee*|headache*|migraine*", 0),
        ("dolor|dor cabeza|cabeca", 2), ("kopfschmerz*|kopfweh", 0),
        ("bas|basm|basim|basi agr|agrs|agrsi|agryor|agriyor", 1),
    ),
    "swelling": (
        (("gonfle*|gonflee*|enfle*|swollen|swelling|puffy|oedem*|edema|oedema|inchad*|"
          "hinchad*|geschwollen|sismis|sislik"), 0),
    ),
    "preg_fit": (
        ("convuls*|seizure*|fitting|raidi*|stiffened|convulsao|krampfanfall|nobet*", 0),
        ("tremblai*|shaking|jerking|secousse*", 0, ("anxiety anxious angoisse stress nervous panic "
         "froid cold frissons chills")),
        ("crise|crises", 0, ("angoisse panique panic anxiety asthme asthma foie nerfs larmes "
         "colere")),
        ("repond|repondait|reagissait|responding plus|pas|not", 1),
        ("a|having|had|has|another fit|fits", 1, "fly flight travel letter"),
    ),
    # A message that only informs: the midwife's discharge note, a question for later.
    "info_only": (
        (("broke|broken|perdu|rompu*|went|had|eu|eue with|lors|during|pendant|pour my|mon|ma|de "
         "first|premier|premiere|previous|last|derniere|precedente|older|aine|ainee"), 2),
        ("prochaine|next grossesse|pregnancy", 0),
        (("echo|echographie|scan|scans|monitoring|ctg|bilan|examen normal|normale|normaux|"
          "normales|rassurant*|reassuring"), 3),
        ("information|info only|seulement|uniquement", 1),
        ("for|pour your|votre information|info", 1),
        ("no|aucune further action needed|required|necessaire|requise", 2),
    ),
    "stiff_neck": (
        ("nuque|cou|neck raide|bloque*|stiff|rigide", 4),
        ("raideur|rigidite|stiff|stiffness nuque|cou|neck", 2),
        ("baisser|pencher|plier|bend|bending|flex|lower tete|menton|chin|head|neck|cou", 2),
        ("peut|peux|arrive|cannot|can|unable plus|pas|not toucher|touch poitrine|chest", 3),
        ("nuca|nacken|boyun|ense|pescoco|cuello sert*|rigid*|steif*|tutul*|dura|duro|tiesa|tieso", 3),
        ("steif*|rigid*|rigida|dura|duro|sert* nacken|nuca|pescoco|cuello|boyun|ense", 2),
    ),
    "purpura_spots": (
        (("taches|tache|boutons|plaques|points|spots|rash|marques violet*|pourpre*|purple|"
         "effacent|disparaissent|fade|fading|blanch*"), 4),
        (("violet*|violace*|pourpre*|purple|purplish|purpur* taches|tache|spots|points|boutons|"
          "marks|rash|plaques|dots|manchas|flecken"), 3),
        (("taches|tache|spots|points|boutons|marks|rash|plaques|dots pas|not|don|doesn|ne "
          "fade|fading|blanch*|effacent|efface|disparaissent|disparait|partent|away"), 6),
        (("manchas|flecken|lekeler*|pintas|puntos|pontos roxas|roxo*|moradas|morado*|violett*|"
          "lila|mor|purpur*|vermelh*"), 3),
    ),
    # A rash that does not fade when pressed (the glass test): NICE, meningococcal disease.
    "nonblanch": (
        (("taches|tache|spots|points|boutons|marks|rash|plaques|dots|eruption|manchas|flecken "
          "pas|not|don|doesn|ne|nao|no|nicht fade|fading|blanch*|effacent|efface|disparaissent|"
          "disparait|partent|part|away|desaparecem|desaparecen|verschwinden|verblassen"), 6),
        ("non blanching|effacable|effacables", 1), ("nonblanching|non-blanching", 0),
    ),
    "chemo": (("chimio*|chemo*|chimiotherapie|immunodeprim*|neutropeni*|chimie|quimio*", 0),),
    "cpa_fever": _BASE["fever"] + (
        ("burning up", 0), ("really|very|so|super|tres hot|chaud|chaude", 1),
        ("est|is|feels|feel|semble|parait chaud|chaude|hot|brulant|brulante", 1),
        ("bouillant*|boiling|feverish", 0), ("38|39|40|41 point|virgule|comma|dot #num", 0),
        ("febre|fieber|ates|atesi|ateslendi", 0),
    ),
    "rigors": (
        ("grelott*|frisson*|shivering|shivers|rigors|rigor|chills|shaking|shakes", 0),
        ("tremble|tremblant|tremblais shaking partout|tout|all|over", 3),
        ("arrive|peux|peut|cannot|can rechauffer|warm", 3),
    ),
    "infection_ctx": (
        (("infection*|infecte*|infected|antibio*|antibiotic*|pneumoni*|pyelo*|cystite|uti|"
          "opere|operee|operation|operated|surgery|replacement|chirurgi*|cesarienne|"
          "caesarean|wound|cicatrice|plaie"), 0),
    ),
    # NICE NG51 high-risk signs: mottled skin, no urine, a non-blanching rash, a patient who
    # feels they are dying.
    "sepsis_major": (
        ("marbre*|marbree*|marbrure*|mottled|mottling|blotchy|blotches|livedo", 0),
        ("vais|allait|va mourir|crever", 1), ("going|gonna die|dying", 1),
        ("never|ever felt|been so|this ill|unwell|bad", 4),
        ("more ill|unwell than", 1),
        ("something really|very|seriously wrong", 2),
        ("not|plus making|make sense", 1),
        (("breathing|breathes|respire|respira|atmet very|really|so|tres|super|muito|schnell fast|"
         "quickly|vite|rapidement|rapido|rapide"), 2),
    ),
    "no_urine": (
        (("pas|plus|no|not|aucun|aucune|only fait|had|done|passed|de pipi|wee|wees|pee|peed|"
          "urine|uriner|urine*"), 3),
        (("pas|plus|no|not|aucun|jamais|nao|nicht pipi|wee|wees|pee|peed|urine|urine*|uriner|"
         "wet|mijao|orinado|urin*|gepinkelt"), 2, ("plenty lots normal normales normalement bien "
         "well fine lit bed bedwetting culotte pot propre enuresie")),
        ("couche*|nappy|nappies|diaper* seche*|sec|dry|dried", 4),
        ("dry nappy|nappies|diaper|diapers", 1),
        ("not|pas been|gone|alle|allee loo|toilet|toilets|toilettes|wc", 4),
    ),
    "dehydration_sign": (
        ("yeux|eyes|ojos|olhos creux|cernes|enfonces|sunken|hollow|hundidos|fundos", 3),
        ("sunken eyes", 0),
        ("pleure|cries|crying sans|without larmes|tears", 2),
    ),
    "head_injury": (
        ("tombe*|chute|fall|fell|cogne*|choc|coup|hit|bang*|heurt* tete|crane|head", 3),
        ("traumatisme cranien", 1), ("head injury", 1), ("commotion|concussion", 0),
        (f"{_FELL} {_HEAD}", 5),
        (f"bosse|bump|lump|hematome|oeuf|egg|gash|plaie|wound {_HEAD}|front|forehead", 3),
        (("tombe*|tombee|chute|fell|fall|fallen|rolled|roule*|cayo|caiu|dustu "
          "canape|lit|table|chaise|escalier*|lescalier|bed|sofa|couch|"
          "stairs|changing|poussette|transat|carrelage|cama|sofa|trampoline|langer|"
          "velo|bike|cheval|horse|echelle|ladder|toit|roof"), 6),
    ),
    "head_injury_warning": (
        (("vomi*|vomit*|somnol*|endormi*|drowsy|sleepy|confus*|saign*|bleed*|anticoag*|"
         "kardegic|eliquis|xarelto|previscan|coumadine|warfarin|thinners|convuls*|"
         "bizarre*|strange*|repond|reagit|inconscien*|unconscious|connaissance|"
         "adormilad*|somnolient*|sonolent*|schlafrig|benommen|bewusstlos|kusuyor|"
         "sintrom|apixaban|rivaroxaban|pixie|knocked|erbricht|erbrechen|vomitar|vomitando|"
         "kusuyor|kustu"), 0),
        ("same|meme|memes question|questions|thing|things", 1),
        ("repete*|repeats|repeating|keeps asking", 0),
        ("sick|throwing|threw|vomiting", 0),
        ("sang|blood|liquide|fluid|coule|coming|sort|sortait oreille|oreilles|ear|ears|nez|nose", 4),
        ("souvient|rappelle|remember|remembers|recuerda|lembra plus|pas|not|nothing|rien|nada", 2),
        ("amnesi*|pupil*|pupille*", 0),
        (("not|cannot|cant|pas|plus|nao|no remember|remembers|recall|souvient|rappelle|recuerda|"
         "lembra"), 1),
        ("de|more plus|and en|more plus|worse mal|pire|headache|worse", 2),
        ("getting|gets|keeps worse|getting", 1),
        ("liquide|fluid|ecoulement|liquid clair|clear|transparent|aqueux", 3),
        ("clear|clair fluid|liquide|liquid", 1),
        ("tient|tenir|stand plus|pas|not debout|up", 2),
        ("veut|veulent|veux|makes|making rien|no|sense dire|sense", 2),
        ("le|la cuesta|custa hablar|falar", 1),
    ),
    "testicle_pain": (
        (("douleur*|mal|pain|pains|ache|dor|dolor|schmerz*|agr testicul*|bourse*|bourses|testicle*|"
         "testis|scrotum|hoden|testis*|balls|couilles|boules|nuts"), 5),
        (("testicul*|bourse*|testicle*|testis|scrotum|balls mal|douleur*|pain|hurts|hurting|"
         "gonfle*|swollen|rouge|red"), 4),
    ),
    "infant_distress": (
        (("mou|molle|hypoton*|floppy|limp|geint|gemit|gris|grise|grey|gray|"
         "fontanelle|apathique|lethargi*|listless"), 0),
        ("marbre*|mottled", 0, "bain bath douche shower froid cold"),
    ),
    "infant_feeding": (
        ("boit|tete plus|rien|pas|not", 1),
        ("refuse|refusing|won biberon|sein|tetee|tetees|boire|feed|feeding|bottle|drink", 3),
        ("not|stopped|isn feeding|drinking|eating", 2),
        (("not|pas|refuse|plus|nicht|nao|no feed|boire|manger|tete|tetee|tetees|bottle|biberon|"
         "drink|drinking|trinkt|trinken|bebendo|come|mama|mamar"), 2),
    ),
    # A child of any age, named by a relative; a small child by a stated age.
    "kid": (
        (("bebe|bebes|baby|babies|bb|nourrisson*|toddler|bambin|enfant|enfants|child|kid|"
          "fils|fille|daughter|garcon|boy|girl|loulou|newborn|infant|hijo|hija|filho|filha|"
          "sohn|tochter|kind|oglum*|kizim*|kzm*|cocuk*|bebek|bebeg*|nounou|creche|nursery|couche|"
          "nappy|fontanelle|fontanel|nappies"), 0),
        ("my|our|his|her son", 0),
    ),
    "kid_young": (
        ("#infant_age", 0),
        (f"{_MONTHS_YOUNG} mois|months|month|mo|meses|monate|aylik", 0, _PREGNANT_WORDS),
        (f"{_YEARS_SMALL} ans|an|years|year|yo|anos|anos|jahre", 0, _PREGNANT_WORDS),
        (f"fils|fille|son|daughter|enfant|child|boy|girl {_YEARS_SMALL}", 1, _PREGNANT_WORDS),
        (f"he|she s|is {_YEARS_SMALL}", 0, _PREGNANT_WORDS),
        (("bebe|bebes|baby|babies|bb|nourrisson*|toddler|bambin|newborn|infant|bebek|nappy|"
          "couche"), 0),
        (f"{_numbers(1, 12)} semaines|weeks|wks|sem|jours|days", 0, _PREGNANT_WORDS),
    ),
    # A baby under 3 months, its age in another language ("bebé de 2 meses", "6 Wochen alt").
    "infant_age_ml": (
        (("bebe|baby|bebek|bebeg*|bebegim|filho|filha|hijo|hija|sohn|tochter|kind|nene|nena "
          "1|2|3 meses|mes|monate|monat|monaten|aylik|aylk|ay"), 3),
        (f"{_numbers(1, 12)} semanas|wochen|haftalik|hafta", 0),
        ("1|2 aylik|aylk", 0),
        (("bebe|baby|bb|il|elle|she|he|fils|fille|son|daughter a|is|has|de|of un|one|une mois|"
          "month|semaine|week"), 2, "retard late"),
    ),
    # NICE NG143 red features in a child.
    "kid_red": (
        (("mou|molle|hypoton*|floppy|limp|flops|flopping|geint|gemit|geignement*|grunt*|"
          "moaning|moans|gemiss*|apathique|lethargi*|"
          "listless|amorphe|drowsy|somnolen*|adormilad*|sonolent*|schlafrig|halsiz|mole|"
          "decaid*|apatic*|schlapp|schlaff|teilnahmslos|lethargisch"), 0),
        ("no|nao|nicht despierta|acorda|aufwachen|wach|wacht", 2),
        ("tout|toute|very|all|really|tres gris|grise|grey|gray|livide|ashen", 1),
        ("marbre*|marbree|mottled|blotchy|mottling", 0, "bain bath douche shower froid cold"),
        ("wacht|wachen nicht", 1), ("uyanmiyor|uyanmyor", 0),
        ("tout|toute|tres|super|very|really|unusually|so endormi*|endormie|sleepy|drowsy", 2),
        (("hard|difficult|difficile|impossible|mal|struggling|cannot|not|du to|a|le|la|her|"
          "him wake|reveiller|reveille|rouse|waking"), 3, "ecole school college lycee alarm reveil"),
        ("dort|sleeps|sleeping tout|all temps|time|day|journee", 2),
        ("keeps|keep|keeping falling|dropping|going asleep|sleep", 2),
        ("barely|hardly|peine|a opened|open|ouvre|ouvrir|ouvert eyes|yeux", 3),
        (f"{_VOMIT} vert|verte|verts|green|bile|bilieux|bilious|greenish", 4),
        ("green|vert|bile vomi*|vomit*|sick", 2),
        ("weak|faible|feeble cry|cri|crying|pleurs", 1), ("pleure|cries|crying faiblement|weakly", 1),
        (("cri|cris|crie|pleure|pleurs|cry|crying|scream*|screaming aigu*|aigue|strident*|"
         "percant*|perçant|inconsol*"), 3),
        ("high pitched|pitch", 0), ("inconsolable", 0),
        ("fontanelle|fontanel bomb*|gonfl*|bulg*|tendue", 3), ("bulging fontanelle", 1),
    ),
    # Blue or grey lips (cyanosis), whoever it is: "lèvres bleues", "lips look grey".
    "cyanosis": ((f"{_LIPS} {_BLUE}", 4), (f"{_BLUE} {_LIPS}", 0),
                 (f"peau|skin|visage|face|teint {_BLUE}", 1)),
    "not_cyanosed": ((f"{_LIPS}|peau|skin|visage|face|teint pas|not|no|plus|never {_BLUE}", 3),
                     (f"{_LIPS} normales|normal|roses|rose|pink", 3)),
    "vomiting": (
        (_VOMIT, 0, "of note leave certificat certificate arret sick-note"),
        ("been|being|was|is sick", 1),
    ),
    "vomits_everything": (
        (f"{_VOMIT} tout|everything|anything|any|all", 2),
        ("keep|keeping|garde|garder anything|nothing|rien|water|eau down", 3),
    ),
    "abdo_hard": (
        (f"{_BELLY} dur|dure|rigide|hard|rigid|bois|pierre|board|tendu|tendue", 4),
        ("rigid|hard belly|stomach|tummy|abdomen", 1),
    ),
    "abdo_distended": (
        (f"{_BELLY} gonfle|gonflee|swollen|distended|bloated|ballonne|enorme", 4),
        ("swollen|distended|bloated belly|stomach|tummy|abdomen", 1),
    ),
    "no_stool": (
        (("pas|plus|no|not|ni|aucun|aucune|nao|nicht|kein pooed|pooped|caca|selles|"
          "gaz|gas|wind|bowels|stools|stool|poo|poop|farted|pets|stuhlgang|fezes|heces"), 3),
        ("pas|not|plus been|ete|alle|allee|gone|went aux|to|the|a toilettes|toilet|loo|selle|selles",
         3),
    ),
    "abrupt": _BASE["sudden"] + (("dun|d coup", 1), ("came|come|started on suddenly", 3),
                                 ("suddenly", 0),
                                 ("repente|plotzlich|ploetzlich|aniden|birden|subitamente", 0)),
    "abdo_severe": _BASE["severe"] + (
        (("massive|awful|agonising|agonizing|atroce|hurler|hurle|crier|screaming|tord|tordre|"
          "tordait|double*|souffre|bzaf|really|plie*|sharp|aigue|fuerte|forte|stark*|"
          "heftig*|siddetli"), 0),
        ("peux|peut|can|cannot pas|not|plus bouger|move|stand|lie|allonger|marcher|walk", 3),
        # Portuguese "no"/"na" ("in the") after the word is not a negation.
        ("forte|fortes|intensa|intenso|intensas|fuerte no|na|nos|nas|en", 0),
    ),
    "cant_move": (
        ("peux|peut|can|cannot|arrive pas|not|plus bouger|move|stand|marcher|walk|lever|redresser", 3),
        ("plie*|pliee|doubled|tordu*|tord", 0),
    ),
    "back_radiation": (
        ("irradie*|radiat*|spreading|spreads|traverse|remonte|transfix* dos|back|lombes|reins", 4),
        ("through|into to|the|my|his|her|mon|son|le|dans back|dos", 2),
    ),
    "rlq": (("bas|lower|fosse|iliaque droite|droit|right", 4), ("right lower|side", 1),
            ("fid", 0)),
    "shock_signs": (
        ("pale|blanc|blanche|livide|grey|gray|ashen sueur*|sueurs|sweat*|transpire*|moite|clammy",
         4),
        ("sueur*|sweat*|transpire* pale|blanc|blanche|livide|grey|gray", 4),
        ("clammy|moite|sueurs froides|cold sweat|sweats", 0),
    ),
    "aorta": (("anevrism*|aneurysm*|aaa|aorte|aortic|aorta", 0),
              ("dechire|dechirait|tearing|ripping|deschire", 0)),
    "what_if": (
        (("si|if je|j|il|elle|on|i|he|she|we|tu|vous|you|my|mon|ma tombe|tombait|tombe*|fall|"
          "falls|cogne*|bang*|hits"), 3),
        ("juste|just pour|to savoir|know|wondering", 2),
        ("newsletter|brochure|leaflet", 0),
    ),
    "neck_pain": (("mal|douleur*|pain|hurts|sore|dor|dolor nuque|neck|cou|nuca|nacken", 3),
                  ("nuque|neck|nuca hurts|fait|sore|douloureuse|painful", 2)),
    # Asking how to take a temperature or from what figure it is a fever: a question.
    "fever_question": (
        ("juste|just pour|to savoir|know|wondering|ask|demander", 2),
        ("partir combien", 2), ("comment|how on|do|to la|le|her|his|it prend|prendre|take|measure", 3),
        ("what|which|quelle|quel temperature|fievre|fever counts|compte|considere*", 3),
    ),
    # Weeks or months of it: not the acute event (a torsion is a matter of hours).
    "long_standing": (
        (("depuis|since|for|pendant|fait #num|plusieurs|quelques|des|several|few semaines|weeks|"
         "mois|months|ans|years"), 2),
    ),
    "photophobia": (
        ("lumiere|light|lights fait|hurts|derange|bother*|genant*|mal|insupport*", 3),
        ("photophob*", 0),
        ("not|pas|cannot|cant like|aime|supporte|stand|bear|tolerate light|lumiere|lights", 3),
    ),
}

COMBINATIONS: tuple[Combination, ...] = (
    Combination("bleeding_in_pregnancy", ("pregnancy", "bleeding_any"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "abdominal_pain", "severe"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "abdominal_pain"), AMBIGUOUS),
    Combination("pregnancy_emergency", ("pregnancy", "waters"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("waters",), AMBIGUOUS),
    Combination("pregnancy_emergency", ("pregnancy", "fetal_movement"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "headache", "vision"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "headache", "severe"), unless=("info_only",)),
    # Pre-eclampsia (NICE NG133): headache, flashing lights, swollen face or hands.
    Combination("pregnancy_emergency", ("pregnancy", "cpa_headache", "vision"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "cpa_headache", "swelling", "abdo_severe"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "cpa_headache", "swelling"), AMBIGUOUS),
    Combination("pregnancy_emergency", ("pregnancy", "vision", "swelling"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "vision"), AMBIGUOUS),
    Combination("pregnancy_emergency", ("pregnancy", "preg_fit"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "cpa_headache", "severe"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("preterm", "regular_contractions"), unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "regular_contractions"), AMBIGUOUS),
    Combination("bleeding_in_pregnancy", ("postpartum", "bleeding_any", "heavy"),
                unless=("info_only",)),
    Combination("bleeding_in_pregnancy", ("postpartum", "bleeding_any"), AMBIGUOUS),
    Combination("bleeding_in_pregnancy", ("postpartum", "soaking"), unless=("info_only",)),
    # Ectopic pregnancy (NICE NG126): one-sided pain, shoulder-tip pain, fainting.
    Combination("pregnancy_emergency", ("pregnancy", "side_pain", "faint_sign"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "abdominal_pain", "faint_sign"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "side_pain", "abdo_severe"),
                unless=("info_only",)),
    Combination("pregnancy_emergency", ("pregnancy", "abdominal_pain", "abdo_severe"),
                unless=("info_only",)),
    Combination("infant_fever", ("baby_young", "fever")),
    Combination("infant_fever", ("baby_any", "fever"), AMBIGUOUS, unless=("older_age",)),
    Combination("infant_fever", ("kid_young", "cpa_fever", "kid_red")),
    Combination("infant_fever", ("infant_age_ml", "cpa_fever"), unless=("fever_question",)),
    Combination("infant_fever", ("baby_young", "cpa_fever"), unless=("fever_question",)),
    Combination("infant_fever", ("infant_age_ml", "cpa_fever"), AMBIGUOUS),
    Combination("infant_fever", ("cpa_fever", "kid_red", "infant_feeding")),
    Combination("infant_fever", ("kid_young", "cpa_fever", "infant_feeding")),
    Combination("infant_distress", ("baby_any", "infant_distress"), unless=("older_age",)),
    Combination("infant_distress", ("baby_any", "infant_feeding"), AMBIGUOUS),
    Combination("infant_distress", ("kid", "kid_red")),
    Combination("infant_distress", ("kid_young", "kid_red")),
    Combination("infant_distress", ("kid_red",), AMBIGUOUS),
    Combination("infant_distress", ("cyanosis",), unless=("not_cyanosed",)),
    Combination("dehydration", ("kid", "no_urine")),
    Combination("dehydration", ("kid_young", "no_urine")),
    Combination("dehydration", ("kid_young", "dehydration_sign")),
    Combination("dehydration", ("kid", "dehydration_sign")),
    Combination("dehydration", ("kid", "vomits_everything"), AMBIGUOUS),
    Combination("meningitis_purpura", ("fever", "stiff_neck")),
    Combination("meningitis_purpura", ("cpa_fever", "stiff_neck")),
    Combination("meningitis_purpura", ("fever", "purpura_spots")),
    Combination("meningitis_purpura", ("cpa_fever", "purpura_spots")),
    Combination("meningitis_purpura", ("cpa_fever", "cpa_headache", "photophobia")),
    Combination("meningitis_purpura", ("purpura_spots",), AMBIGUOUS),
    Combination("meningitis_purpura", ("cpa_fever", "neck_pain", "kid_red")),
    Combination("meningitis_purpura", ("cpa_fever", "neck_pain", "cpa_headache"), AMBIGUOUS),
    Combination("meningitis_purpura", ("nonblanch",)),
    Combination("meningitis_purpura", ("stiff_neck", "cpa_headache"), AMBIGUOUS),
    Combination("sepsis", ("fever", "chemo")),
    Combination("sepsis", ("chemo", "rigors")),
    Combination("sepsis", ("chemo", "sepsis_major")),
    Combination("sepsis", ("cpa_fever", "sepsis_major")),
    Combination("sepsis", ("infection_ctx", "sepsis_major")),
    Combination("sepsis", ("cpa_fever", "infection_ctx", "rigors"), AMBIGUOUS),
    Combination("sepsis", ("cpa_fever", "no_urine"), AMBIGUOUS),
    Combination("sepsis", ("sepsis_major",), AMBIGUOUS),
    Combination("head_injury", ("head_injury", "head_injury_warning"), unless=("what_if",)),
    Combination("head_injury", ("head_injury", "anticoagulant"), unless=("what_if",)),
    Combination("head_injury", ("head_injury", "elderly"), AMBIGUOUS),
    Combination("testicular_torsion", ("testicle_pain", "sudden"), unless=("what_if",)),
    Combination("testicular_torsion", ("testicle_pain", "abrupt"), unless=("what_if",)),
    Combination("testicular_torsion", ("testicle_pain", "severe"), unless=("what_if",)),
    Combination("testicular_torsion", ("testicle_pain", "abdo_severe"), unless=("what_if",)),
    Combination("testicular_torsion", ("testicle_pain", "vomiting"), unless=("what_if",)),
    Combination("testicular_torsion", ("testicle_pain", "swelling"), unless=("what_if",)),
    Combination("testicular_torsion", ("testicle_pain", "kid"), unless=("what_if", "long_standing")),
    Combination("testicular_torsion", ("testicle_pain",), AMBIGUOUS),
    # Acute abdomen (MTS): sudden severe pain, a rigid belly, vomiting with no stools or gas,
    # pain with shock, belly and back pain with a known aneurysm.
    Combination("acute_abdomen", ("abdominal_pain", "abdo_severe", "abrupt")),
    Combination("acute_abdomen", ("abdo_hard", "vomiting")),
    Combination("acute_abdomen", ("abdo_hard", "abdo_severe")),
    Combination("acute_abdomen", ("abdo_hard", "abdominal_pain"), AMBIGUOUS),
    Combination("acute_abdomen", ("no_stool", "vomiting")),
    Combination("acute_abdomen", ("no_stool", "abdo_hard")),
    Combination("acute_abdomen", ("no_stool", "abdo_distended")),
    Combination("acute_abdomen", ("abdo_distended", "vomiting", "abdo_severe")),
    Combination("acute_abdomen", ("abdominal_pain", "cpa_fever", "rlq")),
    Combination("acute_abdomen", ("abdominal_pain", "rlq", "abdo_severe")),
    Combination("acute_abdomen", ("abdominal_pain", "back_radiation", "elderly")),
    Combination("acute_abdomen", ("abdominal_pain", "back_radiation", "abrupt")),
    Combination("acute_abdomen", ("abdominal_pain", "abrupt", "elderly")),
    Combination("acute_abdomen", ("side_pain", "cpa_fever", "rlq")),
    Combination("acute_abdomen", ("abdominal_pain", "cpa_fever", "cant_move")),
    Combination("acute_abdomen", ("abdominal_pain", "cant_move"), AMBIGUOUS),
    Combination("acute_abdomen", ("abdominal_pain", "elderly", "abdo_severe")),
    Combination("acute_abdomen", ("abdominal_pain", "shock_signs")),
    Combination("acute_abdomen", ("aorta", "abrupt")),
    Combination("acute_abdomen", ("aorta", "abdo_severe")),
    Combination("acute_abdomen", ("abdominal_pain", "abdo_severe", "vomits_everything")),
    Combination("acute_abdomen", ("abdominal_pain", "abdo_severe"), AMBIGUOUS),
)
