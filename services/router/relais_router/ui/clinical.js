// Clinical words in an SMS reply: an SMS may be read by anyone holding the phone, so the
// agent is warned (DESIGN: "the inbox warns when clinical words are typed into an SMS
// reply"). A short list, French and English, compared without accents or case.
// Words the teams' own canned replies use ("ordonnance prête", "résultats disponibles") are
// left out: a warning on every routine answer would teach agents to ignore it.

const CLINICAL_WORDS = [
  // français
  "diagnostic", "analyse", "analyses", "biopsie", "cancer", "tumeur",
  "metastase", "chimiotherapie", "radiotherapie", "vih", "seropositif", "seropositive", "hepatite",
  "grossesse", "ivg", "depression", "psychiatrique", "traitement", "medicament", "posologie",
  "dose", "mg", "insuline", "antibiotique", "positif", "positifs", "positive", "negatif", "negatifs",
  "negative", "irm", "scanner", "echographie", "frottis", "glycemie", "cholesterol",
  // English
  "diagnosis", "biopsy", "tumor", "tumour", "metastasis", "chemotherapy",
  "radiotherapy", "hiv", "hepatitis", "pregnancy", "pregnant", "abortion", "psychiatric",
  "treatment", "medication", "dosage", "insulin", "antibiotic", "mri", "ct scan",
  "ultrasound", "smear", "blood sugar",
];

export function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

const PATTERN = new RegExp(`(^|[^\\p{L}\\p{N}])(${CLINICAL_WORDS.map((w) => w.replace(/ /g, "\\s+")).join("|")})(?=$|[^\\p{L}\\p{N}])`, "gu");

/** The distinct clinical words found in `text`, in the order they appear (folded). */
export function clinicalWords(text) {
  const found = [];
  for (const match of fold(text).matchAll(PATTERN)) {
    const word = match[2].replace(/\s+/g, " ");
    if (!found.includes(word)) found.push(word);
  }
  return found;
}
