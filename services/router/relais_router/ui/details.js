// The side panels of a conversation: why it went to this team (the routing explanation),
// who wrote (the correspondent's verification, linked patients, earlier conversations), and
// the tags and contact reason the agent sets.
import { dateTime, percent } from "./format.js";
import { h } from "./h.js";
import { t, tOr } from "./i18n.js";

// The router's contact reasons (domain/inbox.py CONTACT_REASONS), labelled in strings.js.
export const CONTACT_REASONS = [
  "appointment", "prescription", "results", "billing", "clinical_question", "administrative",
  "complaint", "records_request", "information", "other",
];

function row(label, ...value) {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

function quoted(words) {
  return words.map((w) => `« ${w} »`).join(", ");
}

const ruleLabel = (rule) => tOr(`rule_${rule}`, rule);

function redFlags(hits) {
  return h("ul", { class: "plain" }, hits.map((hit) => h("li", {},
    `${hit.category} — ${tOr(`flag_level_${hit.level}`, hit.level)}`,
    hit.status ? ` (${hit.status})` : "",
    hit.evidence ? ` : « ${hit.evidence} »` : "")));
}

/** The routing explanation as a readable list, with the raw record for the curious. */
export function renderExplanation(conversation, teamName) {
  const ex = conversation.explanation || {};
  const intent = ex.intent || {};
  const evidence = ex.evidence?.length ? ex.evidence : intent.evidence || [];
  const items = [
    row(t("ex_team"), teamName(conversation.site, conversation.team)),
    ex.rule ? row(t("ex_rule"), ruleLabel(ex.rule)) : null,
    typeof ex.confidence === "number" ? row(t("ex_confidence"),
      typeof ex.threshold === "number" ? t("ex_confidence_threshold", { c: percent(ex.confidence), s: percent(ex.threshold) }) : percent(ex.confidence)) : null,
    ex.best_candidate ? row(t("ex_best_candidate"), teamName(conversation.site, ex.best_candidate)) : null,
    evidence.length ? row(t("ex_evidence"), quoted(evidence)) : null,
    intent.source ? row(t("ex_source"), intent.source) : null,
    ex.alternatives?.length ? row(t("ex_alternatives"), h("ul", { class: "plain" }, ex.alternatives.map((alt) => h("li", {},
      teamName(conversation.site, alt.team),
      typeof alt.confidence === "number" ? ` — ${percent(alt.confidence)}` : "",
      typeof alt.score === "number" ? ` — ${t("ex_score", { s: alt.score.toFixed(2) })}` : "")))) : null,
    ex.red_flags?.length ? row(t("ex_red_flags"), redFlags(ex.red_flags)) : null,
    ex.red_flags_triage?.length ? row(t("ex_red_flags_triage"), redFlags(ex.red_flags_triage)) : null,
    ex.red_flags_quoted?.length ? row(t("ex_red_flags_quoted"), redFlags(ex.red_flags_quoted)) : null,
    ex.red_flags_set_aside?.length ? row(t("ex_red_flags_set_aside"), redFlags(ex.red_flags_set_aside)) : null,
    ex.emergency?.numbers?.length ? row(t("ex_emergency"), ex.emergency.numbers.join(", ")) : null,
    ex.history_or_signature_removed ? row(t("ex_history_removed"), t("yes")) : null,
    ex.rules_version ? row(t("ex_rules_version"), String(ex.rules_version)) : null,
  ];
  return h("div", {},
    h("dl", { class: "facts" }, items),
    h("details", { class: "raw" }, h("summary", {}, t("ex_raw")),
      h("pre", {}, JSON.stringify(ex, null, 2))));
}

function verification(correspondent) {
  if (!correspondent.verified) return h("span", { class: "badge badge-unverified" }, t("unverified"));
  const v = correspondent.verification || {};
  return [h("span", { class: "badge badge-verified" }, t("verified")),
    v.by || v.at ? ` ${t("verified_detail", { by: v.by || "?", at: dateTime(v.at) })}` : ""];
}

/** Who wrote: the address (verified or not), linked patients, the patient's history. */
export function renderIdentity(conversation, openConversation) {
  const c = conversation.correspondent || {};
  const patients = c.patients || [];
  const history = conversation.history || [];
  return h("dl", { class: "facts" },
    row(t("id_address"), h("span", { class: "address" }, c.address || "—"),
      c.kind ? ` (${tOr(`address_${c.kind}`, c.kind)}${c.is_mobile ? `, ${t("mobile")}` : ""})` : "", " ", verification(c)),
    row(t("id_patient"), conversation.patient ? conversation.patient.display_name : t("id_no_patient")),
    patients.length ? row(t("id_linked_patients"), h("ul", { class: "plain" }, patients.map((p) =>
      h("li", {}, p.display_name, p.relation ? ` (${p.relation})` : "")))) : null,
    history.length ? row(t("id_history"), h("ul", { class: "plain" }, history.map((other) => h("li", {},
      h("button", { type: "button", class: "link", onclick: () => openConversation(other.id) },
        `${other.reference} — ${tOr(`status_${other.status}`, other.status)} — ${dateTime(other.created_at)}`))))) : null,
  );
}

/** The tags and contact reason editor; save(tags, reason) runs the command. */
export function renderTagsEditor(conversation, save) {
  const id = `tags-${conversation.id}`;
  const input = h("input", { id, value: (conversation.tags || []).join(", "), "aria-describedby": `${id}-hint`, autocomplete: "off" });
  const reason = h("select", { id: `${id}-reason` },
    h("option", { value: "" }, t("reason_none")),
    CONTACT_REASONS.map((r) => h("option", { value: r, selected: conversation.reason === r }, t(`reason_${r}`))));
  const onsubmit = (event) => {
    event.preventDefault();
    const tags = input.value.split(",").map((x) => x.trim()).filter(Boolean);
    save(tags, reason.value || null, event.submitter);
  };
  return h("form", { class: "tags-editor", onsubmit },
    h("div", { class: "field" }, h("label", { for: id }, t("tags_label")), input,
      h("p", { id: `${id}-hint`, class: "hint" }, t("tags_hint"))),
    h("div", { class: "field" }, h("label", { for: `${id}-reason` }, t("reason_label")), reason),
    h("button", { type: "submit" }, t("tags_save")));
}
