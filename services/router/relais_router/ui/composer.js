// The reply box (SMS segment counter, the site's sender, a warning for clinical words in an
// SMS, canned replies with their variables filled) and the internal note box. It survives
// the conversation's refreshes: a live update never wipes what the agent is typing.
import { api, query } from "./api.js";
import { clinicalWords } from "./clinical.js";
import { h } from "./h.js";
import { channelLabel } from "./history.js";
import { t } from "./i18n.js";
import { countSegments, nonGsmCharacters } from "./segments.js";

const VARIABLE = /\{(patient|reference|clinic|team|agent)\}/g;

/** Fill a canned reply's variables as the router does (a missing one folds away). */
export function renderVariables(body, variables) {
  const text = body.replace(VARIABLE, (match, name) => variables[name] || "");
  return text.replace(/ +([,.!?;:])/g, "$1").replace(/[ \t]{2,}/g, " ").trim();
}

export class Composer {
  /** ctx: {reply(body, button), note(body, button), typing(), variables()} */
  constructor(ctx) {
    this.ctx = ctx;
    this.conversation = null;
    this.cannedFor = null;
    this.canned = [];
    this.lastCount = null;
    this.build();
  }

  build() {
    this.route = h("p", { class: "reply-route", id: "reply-route" });
    this.body = h("textarea", { id: "reply-body", rows: "4", "aria-describedby": "reply-route reply-counter reply-warning reply-keys", oninput: () => this.onReplyInput(), onkeydown: (e) => this.submitOnCtrlEnter(e, this.replyForm) });
    this.counter = h("p", { id: "reply-counter", class: "counter" });
    this.counterLive = h("p", { class: "visually-hidden", "aria-live": "polite" });
    this.warning = h("p", { id: "reply-warning", class: "warning", role: "status", hidden: true });
    this.replyError = h("p", { class: "form-error", role: "alert" });
    this.sendButton = h("button", { type: "submit", class: "primary" }, t("reply_send"));
    this.cannedSelect = h("select", { id: "canned-select" }, h("option", { value: "" }, t("canned_choose")));
    this.cannedRow = h("div", { class: "canned" },
      h("label", { for: "canned-select" }, t("canned_label")), this.cannedSelect,
      h("button", { type: "button", onclick: () => this.insertCanned() }, t("canned_insert")));
    this.replyForm = h("form", { class: "reply-form", "aria-labelledby": "reply-title", onsubmit: (e) => this.submitReply(e) },
      h("h3", { id: "reply-title" }, t("reply_title")),
      this.route,
      this.cannedRow,
      h("label", { for: "reply-body" }, t("reply_label")),
      this.body, this.counter, this.counterLive, this.warning,
      h("p", { id: "reply-keys", class: "hint" }, t("reply_keys")),
      this.replyError, this.sendButton);

    this.note = h("textarea", { id: "note-body", rows: "3", "aria-describedby": "note-hint", oninput: () => this.ctx.typing(), onkeydown: (e) => this.submitOnCtrlEnter(e, this.noteForm) });
    this.noteError = h("p", { class: "form-error", role: "alert" });
    this.noteButton = h("button", { type: "submit" }, t("note_add"));
    this.noteForm = h("form", { class: "note-form", "aria-labelledby": "note-title", onsubmit: (e) => this.submitNote(e) },
      h("h3", { id: "note-title" }, t("note_title")),
      h("label", { for: "note-body" }, t("note_label_field")), this.note,
      h("p", { id: "note-hint", class: "hint" }, t("note_hint")),
      this.noteError, this.noteButton);
    this.element = h("div", { class: "composer" }, this.replyForm, this.noteForm);
    this.updateCounter();
  }

  hasDraft() {
    return this.body.value.trim() !== "" || this.note.value.trim() !== "";
  }

  focusReply() {
    this.body.focus();
  }

  focusNote() {
    this.note.focus();
  }

  /** The conversation moved or opened: where a reply goes, the team's canned replies. */
  update(conversation) {
    this.conversation = conversation;
    const reply = conversation.reply;
    const resolved = conversation.status === "resolved";
    if (reply) {
      this.route.textContent = reply.sender
        ? t("reply_route", { channel: channelLabel(reply.channel), address: reply.address, sender: reply.sender })
        : t("reply_route_no_sender", { channel: channelLabel(reply.channel), address: reply.address });
    } else {
      this.route.textContent = t("reply_no_route");
    }
    this.body.disabled = !reply || resolved;
    this.sendButton.disabled = !reply || resolved;
    if (resolved && reply) this.route.textContent += ` ${t("reply_resolved")}`;
    this.updateCounter();
    const team = `${conversation.site}/${conversation.team}/${conversation.id}`;
    if (this.cannedFor !== team) {
      this.cannedFor = team;
      this.loadCanned(conversation);
    }
  }

  async loadCanned(conversation) {
    try {
      const answer = await api("GET", query("/v1/canned-replies", { site: conversation.site, team: conversation.team, conversation: conversation.id }));
      this.canned = Array.isArray(answer) ? answer : answer?.items || [];
    } catch {
      this.canned = [];
    }
    const first = conversation.lang === "en" ? "en" : "fr";
    const groups = [first, first === "fr" ? "en" : "fr"].map((lang) => {
      const items = this.canned.filter((c) => (c.lang || "fr") === lang);
      return items.length ? h("optgroup", { label: t(`lang_name_${lang}`) },
        items.map((c) => h("option", { value: c.id }, c.title))) : null;
    });
    this.cannedSelect.replaceChildren(h("option", { value: "" }, t("canned_choose")), ...groups);
    this.cannedRow.hidden = this.canned.length === 0;
  }

  insertCanned() {
    const chosen = this.canned.find((c) => c.id === this.cannedSelect.value);
    if (!chosen || this.body.disabled) return;
    const text = chosen.text ?? renderVariables(chosen.body, this.ctx.variables());
    const { selectionStart: start, selectionEnd: end } = this.body;
    this.body.setRangeText(text, start, end, "end");
    this.body.focus();
    this.onReplyInput();
  }

  onReplyInput() {
    this.updateCounter();
    this.ctx.typing();
  }

  updateCounter() {
    const text = this.body.value;
    const count = countSegments(text);
    const channel = this.conversation?.reply?.channel || "sms";
    if (channel !== "sms") {
      this.counter.textContent = t("chars", { count: [...text].length });
      this.warning.hidden = true;
      return;
    }
    const extra = count.encoding === "UCS-2" && text ? ` ${t("ucs2_because", { chars: nonGsmCharacters(text).slice(0, 5).join(" ") })}` : "";
    this.counter.textContent = t("segments_count", { count: count.segments, units: count.units, encoding: count.encoding, limit: count.perSegment }) + extra;
    const summary = `${count.segments}/${count.encoding}`;
    if (summary !== this.lastCount) {
      // announced only when the cost changes, not at each keystroke
      if (this.lastCount !== null && text) this.counterLive.textContent = t("segments_now", { count: count.segments, encoding: count.encoding });
      this.lastCount = summary;
    }
    const words = clinicalWords(text);
    this.warning.hidden = words.length === 0;
    this.warning.textContent = words.length ? `⚠ ${t("clinical_warning", { words: words.map((w) => `« ${w} »`).join(", ") })}` : "";
  }

  submitOnCtrlEnter(event, form) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  }

  async submitReply(event) {
    event.preventDefault();
    const body = this.body.value.trim();
    this.replyError.textContent = "";
    if (!body) {
      this.replyError.textContent = t("reply_empty");
      this.body.focus();
      return;
    }
    this.sendButton.disabled = true;
    try {
      if (await this.ctx.reply(body, this.sendButton)) {
        this.body.value = "";
        this.lastCount = null;
        this.updateCounter();
      }
    } finally {
      this.sendButton.disabled = !this.conversation?.reply || this.conversation?.status === "resolved";
    }
  }

  async submitNote(event) {
    event.preventDefault();
    const body = this.note.value.trim();
    this.noteError.textContent = "";
    if (!body) {
      this.noteError.textContent = t("note_empty");
      this.note.focus();
      return;
    }
    this.noteButton.disabled = true;
    try {
      if (await this.ctx.note(body, this.noteButton)) this.note.value = "";
    } finally {
      this.noteButton.disabled = false;
    }
  }
}
