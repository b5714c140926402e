// A conversation's history as the agent reads it: the patient's and the clinic's messages
// and the internal notes, in time order. Every state is said in words (with a glyph beside
// it), never by colour alone; every text from a message is a text node.
import { dateTime, fullDateTime } from "./format.js";
import { h } from "./h.js";
import { t, tOr } from "./i18n.js";

// Delivery states of an outbound message, in words, with a glyph for a quick glance.
const DELIVERY_GLYPH = {
  queued: "◷", sending: "◷", sent: "✓", delivered: "✓✓", read: "✓✓",
  failed: "✗", undelivered: "✗", bounced: "✗", suppressed: "⊘", expired: "✗",
};

export function deliveryLabel(state) {
  return tOr(`delivery_${state || "pending"}`, state);
}

export function channelLabel(channel) {
  return tOr(`channel_${channel || "other"}`, channel);
}

function time(iso) {
  return h("time", { datetime: iso, title: fullDateTime(iso) }, dateTime(iso));
}

// Plain messages ("sms", "email"…) need no word; the others say what they are.
const kindLabel = (message) => tOr(`kind_${message.kind}`, null);

function messageItem(message) {
  const inbound = message.direction === "in";
  const who = inbound ? t("from_patient") : (message.author_name || message.author || t("from_clinic"));
  const state = message.delivery_status;
  const failed = ["failed", "undelivered", "bounced", "suppressed", "expired"].includes(state);
  const kind = kindLabel(message);
  return h("li", { class: `msg ${inbound ? "msg-in" : "msg-out"}`, dataset: { messageId: message.id } },
    h("p", { class: "msg-meta" },
      h("span", { class: "msg-who" }, who),
      " · ", h("span", { class: "msg-channel" }, channelLabel(message.channel)),
      kind ? [" · ", h("span", { class: "msg-kind" }, kind)] : null,
      " · ", time(message.created_at),
      inbound ? null : [" · ", h("span", { class: `delivery${failed ? " delivery-failed" : ""}`, dataset: { state: state || "pending" } },
        h("span", { "aria-hidden": "true" }, DELIVERY_GLYPH[state] || "◷"), " ",
        t("delivery_state", { state: deliveryLabel(state) }))],
    ),
    message.subject ? h("p", { class: "msg-subject" }, message.subject) : null,
    message.text ? h("p", { class: "msg-body" }, message.text)
      : h("p", { class: "msg-body msg-empty" }, t(inbound ? "msg_no_text" : "msg_automatic_text")),
    message.attachments?.length ? h("p", { class: "msg-attachments" }, t("msg_attachments", { count: message.attachments.length })) : null,
    failed && message.provider_code ? h("p", { class: "msg-error" }, t("msg_provider_code", { code: message.provider_code })) : null,
  );
}

function noteItem(note) {
  return h("li", { class: "note", dataset: { noteId: note.id } },
    h("p", { class: "msg-meta" },
      h("span", { class: "note-label" }, t("note_label")), " · ",
      h("span", { class: "msg-who" }, note.author_name || note.author || ""), " · ",
      time(note.created_at)),
    h("p", { class: "msg-body" }, note.body));
}

export function renderHistory(conversation) {
  const entries = [
    ...(conversation.messages || []).map((m) => ({ at: m.created_at, node: () => messageItem(m) })),
    ...(conversation.notes || []).map((n) => ({ at: n.created_at, node: () => noteItem(n) })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (!entries.length) return h("p", { class: "empty" }, t("history_empty"));
  return h("ol", { class: "history", "aria-label": t("history_title") }, entries.map((e) => e.node()));
}

export const changeLabel = (change) => tOr(`change_${change}`, change);

export function renderTimeline(conversation) {
  const rows = conversation.timeline || [];
  if (!rows.length) return h("p", { class: "empty" }, t("timeline_empty"));
  return h("ol", { class: "timeline" }, rows.map((row) => h("li", {},
    time(row.at), " — ", changeLabel(row.change),
    row.actor ? [" — ", t("by_actor", { actor: row.actor })] : null,
    h("span", { class: "visually-hidden" }, ` (${t("version_n", { n: row.version })})`))));
}
