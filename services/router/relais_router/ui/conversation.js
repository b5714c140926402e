// The conversation view: header and badges, the commands (each with the version the agent
// saw and a client key), what changed when a command was stale, the history, the reply and
// note boxes, the routing explanation, identities, tags, the timeline, and who else is here.
import { api, command, get } from "./api.js";
import { Composer } from "./composer.js";
import { renderExplanation, renderIdentity, renderTagsEditor } from "./details.js";
import { dateTime, due, localInputValue } from "./format.js";
import { fill, h } from "./h.js";
import { changeLabel, renderHistory, renderTimeline } from "./history.js";
import { t } from "./i18n.js";

const HEARTBEAT_MS = 10_000;
const TYPING_EVERY_MS = 3_000;
const TYPING_IDLE_MS = 5_000;
// Changes that make what the agent is writing stale (as the router's domain/inbox.py MOVES).
const MOVES = new Set(["patient_message", "replied", "claimed", "assigned", "released",
  "returned_to_queue", "resolved", "reopened", "escalated", "routed"]);

export function badges(c) {
  return [
    h("span", { class: `badge prio prio-${c.priority}` }, h("span", { class: "visually-hidden" }, `${t("priority")} `), c.priority),
    c.urgent ? h("span", { class: "badge urgent" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("urgent")) : null,
    c.needs_triage ? h("span", { class: "badge triage" }, t("needs_triage")) : null,
    c.breached ? h("span", { class: "badge breached" }, t("breached")) : null,
    c.waiting_on_patient ? h("span", { class: "badge waiting" }, t("waiting_on_patient")) : null,
    c.snoozed_until ? h("span", { class: "badge waiting" }, t("snoozed_until", { at: dateTime(c.snoozed_until) })) : null,
    c.status === "resolved" ? h("span", { class: "badge resolved" }, t("status_resolved")) : null,
  ];
}

export class ConversationView {
  /** ctx: {me(), teamName(site, team), announce(text), changed(), back(), open(id)} */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.conv = null;
    this.openSections = new Set(["identity"]);
    this.composer = this.newComposer();
    this.heartbeat = null;
    this.typingSentAt = 0;
    this.typingUntil = 0;
    this.viewersText = "";
    this.renderEmpty();
  }

  newComposer() {
    return new Composer({
      reply: (body, button) => this.run("replies", { body }, button),
      note: (body, button) => this.run("notes", { body }, button),
      typing: () => this.typing(),
      variables: () => ({
        patient: this.conv?.patient?.display_name || "",
        reference: this.conv?.reference || "",
        clinic: "",
        team: this.conv ? this.ctx.teamName(this.conv.site, this.conv.team, this.conv.lang) : "",
        agent: this.ctx.me()?.display_name || this.ctx.me()?.username || "",
      }),
    });
  }

  get id() {
    return this.conv?.id ?? this.loadingId ?? null;
  }

  renderEmpty() {
    fill(this.root, h("h2", { class: "visually-hidden", id: "conv-title" }, t("conversation")),
      h("p", { class: "empty" }, t("no_conversation_open")));
  }

  async open(id) {
    this.close();
    this.loadingId = id;
    this.held = null;
    this.composer = this.newComposer();
    fill(this.root, h("p", { class: "loading", role: "status" }, t("loading")));
    try {
      this.conv = await get(`/v1/conversations/${encodeURIComponent(id)}`);
    } catch (error) {
      this.loadingId = null;
      fill(this.root, h("h2", { id: "conv-title" }, t("conversation")),
        h("p", { class: "form-error", role: "alert" }, error.status === 404 ? t("conversation_not_found") : t("error_generic")));
      return false;
    }
    this.loadingId = null;
    this.render();
    this.composer.update(this.conv);
    this.startHeartbeat();
    return true;
  }

  close() {
    clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.conv = null;
    this.viewers = null;
    this.viewersText = "";
    this.renderEmpty();
  }

  /** The language changed: the same conversation in the new words, drafts kept. */
  relabel() {
    if (!this.conv) return this.renderEmpty();
    const reply = this.composer.body.value;
    const note = this.composer.note.value;
    this.composer = this.newComposer();
    this.composer.body.value = reply;
    this.composer.note.value = note;
    this.frame = null;
    this.viewers = null;
    this.viewersText = "";
    this.render();
    this.composer.update(this.conv);
  }

  async reload() {
    if (!this.conv) return;
    this.held = null;
    const id = this.conv.id;
    try {
      const fresh = await get(`/v1/conversations/${encodeURIComponent(id)}`);
      if (this.conv?.id !== id) return; // another one was opened meanwhile
      this.conv = fresh;
    } catch (error) {
      if (error.status === 404) this.showNotice(t("conversation_not_found"));
      return;
    }
    this.render();
    this.composer.update(this.conv);
  }

  /** Live changes of this conversation: re-read it, unless that would change under the
   * agent's pen what they answer to — then say what changed and let them reload. */
  liveChanged(events) {
    if (!this.conv) return;
    if (this.inflight) {
      // our own command's change is on its way: weigh the events once its re-read is in
      this.deferred = [...(this.deferred || []), ...events];
      return;
    }
    // A delivery state moves no version: it is news whatever the version says.
    const newer = events.filter((e) => e.change === "delivery_status" || !(Number(e.version) <= this.conv.version));
    if (!newer.length) return;
    const moving = newer.filter((e) => MOVES.has(e.change)).map((e) => e.change);
    if (this.held || (moving.length && this.composer.hasDraft())) {
      // Held until the agent reloads: any re-read now would also show the moves.
      this.held = [...new Set([...(this.held || []), ...moving])];
      // (a refused command's alert stays: it already says what changed, with the reload)
      if (this.held.length && !this.notice?.querySelector('[role="alert"]')) {
        this.showNotice(t("changed_while_typing", { changes: this.held.map(changeLabel).join(", ") }), { reload: true, live: true });
      }
      return;
    }
    this.clearNotice(); // what it said is superseded by what the view now shows
    this.reload();
  }

  /** Re-read after a reconnection (events may have passed): held as above while drafting. */
  resync() {
    if (!this.conv) return;
    if (this.composer.hasDraft()) this.liveChanged([{ change: "updated", version: this.conv.version + 1 }]);
    else this.reload();
  }

  // --- rendering ------------------------------------------------------------------------

  section(key, title, body) {
    const details = h("details", { class: "panel", open: this.openSections.has(key), ontoggle: () => {
      if (details.open) this.openSections.add(key);
      else this.openSections.delete(key);
    } }, h("summary", { id: `summary-${key}` }, h("h3", {}, title)), body);
    return details;
  }

  // The view is three frames around the composer, which is never detached: moving a
  // focused textarea in the DOM would blur it, and the agent's next keys would become
  // shortcuts. The frames are `display: contents`, so the sticky header sticks to the pane.
  ensureFrame() {
    if (this.frame?.isConnected) return;
    this.top = h("div", { class: "frame" });
    this.notice = h("div", { class: "notice-area" });
    this.middle = h("div", { class: "frame" });
    this.bottom = h("div", { class: "frame" });
    this.frame = this.top;
    fill(this.root, this.top, this.notice, this.middle, this.composer.element, this.bottom);
  }

  render() {
    const c = this.conv;
    const me = this.ctx.me();
    const dueAt = due(c.due_at);
    const assignee = c.assignee ? (c.assignee === me?.username ? t("assigned_to_me") : t("assigned_to", { who: c.assignee })) : t("unassigned");
    const focus = this.focusToKeep();
    const historyScroll = this.historyBox ? this.historyBox.scrollHeight - this.historyBox.scrollTop - this.historyBox.clientHeight : 0;
    this.ensureFrame();
    this.viewers = this.viewers || h("p", { class: "viewers", "aria-live": "polite" });
    this.historyBox = h("div", { id: "history-box", class: "history-box", tabindex: "0", role: "region", "aria-label": t("history_title") }, renderHistory(c));
    // the header and the commands stay in sight while the history scrolls
    fill(this.top, h("div", { class: "conv-top" }, h("div", { class: "conv-head" },
      h("button", { type: "button", class: "back", onclick: () => this.ctx.back() }, h("span", { "aria-hidden": "true" }, "← "), t("back_to_list")),
      h("h2", { id: "conv-title", tabindex: "-1" }, `${t("conversation")} ${c.reference}`),
      h("p", { class: "badges" }, badges(c)),
      h("p", { class: "conv-meta" },
        this.ctx.teamName(c.site, c.team), " · ", assignee,
        dueAt ? [" · ", h("span", { class: dueAt.overdue ? "overdue" : "" }, t("due_label", { due: dueAt.text }))] : null,
        " · ", h("span", { class: "address" }, c.correspondent?.address || "")),
      this.viewers),
    this.actions(c, me)));
    fill(this.middle,
      this.section("explain", t("why_this_team"), renderExplanation(c, (site, team) => this.ctx.teamName(site, team))),
      this.section("identity", t("identity_title"), renderIdentity(c, (id) => this.ctx.open(id))),
      h("section", { class: "history-section", "aria-labelledby": "history-title" },
        h("h3", { id: "history-title" }, t("history_title")), this.historyBox));
    fill(this.bottom,
      this.section("tags", t("tags_title"), renderTagsEditor(c, (tags, reason, button) => this.run("tags", { tags, reason }, button, "PUT"))),
      this.section("timeline", t("timeline_title"), renderTimeline(c)));
    // the latest message in sight, unless the agent had scrolled up to read
    this.historyBox.scrollTop = this.historyBox.scrollHeight - this.historyBox.clientHeight - (historyScroll > 40 ? historyScroll : 0);
    focus();
  }

  /** Where the focus is (outside the composer), to put it back after a re-render. */
  focusToKeep() {
    const active = document.activeElement;
    if (!active || active === document.body || !this.root.contains(active) || this.composer.element.contains(active)) return () => {};
    const kept = { id: active.id, action: active.dataset?.action, value: active.value,
      start: active.selectionStart, end: active.selectionEnd, field: ["INPUT", "SELECT"].includes(active.tagName) };
    return () => {
      const target = (kept.id && document.getElementById(kept.id)) || (kept.action && this.root.querySelector(`[data-action="${kept.action}"]`));
      if (!target) {
        this.root.querySelector("#conv-title")?.focus();
        return;
      }
      if (kept.field && kept.value !== undefined) target.value = kept.value; // what the agent was typing
      target.focus();
      if (kept.field && typeof kept.start === "number") {
        try {
          target.setSelectionRange(kept.start, kept.end);
        } catch {
          // not a text input (select, datetime)
        }
      }
    };
  }

  actions(c, me) {
    const open = c.status !== "resolved";
    const mine = c.assignee && c.assignee === me?.username;
    const button = (action, label, key, body = {}) => {
      const el = h("button", { type: "button", dataset: { action }, "aria-keyshortcuts": key || null,
        onclick: () => this.run(action, body, el) }, label, key ? h("span", { class: "key-hint", "aria-hidden": "true" }, ` (${key})`) : null);
      return el;
    };
    const snoozeForm = this.snoozeForm();
    const snoozeToggle = h("button", { type: "button", "aria-expanded": "false", "aria-controls": "snooze-form",
      onclick: () => {
        snoozeForm.hidden = !snoozeForm.hidden;
        snoozeToggle.setAttribute("aria-expanded", String(!snoozeForm.hidden));
        if (!snoozeForm.hidden) snoozeForm.querySelector("input").focus();
      } }, t("action_snooze"));
    return h("div", { class: "actions", role: "group", "aria-label": t("actions") },
      open && !mine ? button("claim", t("action_claim"), "c") : null,
      open && mine ? button("release", t("action_release")) : null,
      open ? button("resolve", t("action_resolve"), "e") : button("reopen", t("action_reopen")),
      open ? snoozeToggle : null,
      open && !c.waiting_on_patient ? button("snooze", t("action_waiting"), null, { waiting_on_patient: true }) : null,
      open && (c.waiting_on_patient || c.snoozed_until) ? button("wake", t("action_wake")) : null,
      open ? snoozeForm : null);
  }

  snoozeForm() {
    const input = h("input", { id: "snooze-until", type: "datetime-local", value: localInputValue(1), required: true });
    const form = h("form", { id: "snooze-form", class: "snooze-form", hidden: true, onsubmit: (event) => {
      event.preventDefault();
      const until = new Date(input.value);
      if (Number.isNaN(until.getTime())) return;
      this.run("snooze", { until: until.toISOString() }, event.submitter);
    } },
    h("label", { for: "snooze-until" }, t("snooze_until")), input,
    h("button", { type: "submit" }, t("snooze_submit")));
    return form;
  }

  // --- commands -------------------------------------------------------------------------

  /** Run a command on the open conversation; true when the server took it. */
  async run(action, body = {}, button = null, method = "POST") {
    const conv = this.conv;
    if (!conv) return false;
    if (button) button.disabled = true;
    this.inflight = true;
    try {
      await command(conv, action, body, method);
      this.clearNotice();
      this.ctx.announce(t(`done_${action}`));
      await this.reload();
      this.ctx.changed();
      return true;
    } catch (error) {
      this.commandFailed(error, () => this.run(action, body, button, method));
      return false;
    } finally {
      this.inflight = false;
      if (button?.isConnected) button.disabled = false;
      const deferred = this.deferred;
      this.deferred = null;
      if (deferred && this.conv?.id === conv.id) this.liveChanged(deferred);
    }
  }

  commandFailed(error, retry) {
    if (error.slug === "conversation-moved") {
      const changes = error.problem.changes || [];
      this.showNotice(t("moved_title"), { reload: true, items: changes.map((ch) =>
        [changeLabel(ch.change), ch.actor ? ` — ${t("by_actor", { actor: ch.actor })}` : "", ch.at ? ` — ${dateTime(ch.at)}` : ""].join("")) });
    } else if (error.slug === "already-claimed") {
      this.showNotice(error.problem.assignee ? t("already_claimed_by", { who: error.problem.assignee }) : t("already_claimed"), { reload: true });
    } else if (error.status === 404) {
      this.showNotice(t("conversation_not_found"));
    } else if (error.retryable) {
      this.showNotice(error.status === 0 ? t("error_network") : t("error_server"), { retry });
    } else if (error.status === 401) {
      // the app shows the sign-in screen
    } else {
      this.showNotice(t("command_refused", { reason: error.problem.detail || error.problem.title || error.status }));
    }
  }

  clearNotice() {
    this.notice?.replaceChildren();
  }

  showNotice(text, { reload = false, retry = null, items = [], live = false } = {}) {
    const actions = [];
    if (reload) actions.push(h("button", { type: "button", class: "primary", onclick: () => this.reloadFromNotice() }, t("reload_conversation")));
    if (retry) actions.push(h("button", { type: "button", onclick: retry }, t("retry")));
    const box = h("div", { class: "notice", role: live ? "status" : "alert" },
      h("p", { class: "notice-title" }, text),
      items.length ? h("ul", {}, items.map((item) => h("li", {}, item))) : null,
      this.composer.hasDraft() ? h("p", { class: "hint" }, t("draft_kept")) : null,
      actions.length ? h("p", { class: "notice-actions" }, actions) : null);
    fill(this.notice, box);
    if (!live) actions[0]?.focus();
  }

  async reloadFromNotice() {
    this.clearNotice();
    await this.reload();
    this.root.querySelector("#conv-title")?.focus();
  }

  // --- presence -------------------------------------------------------------------------

  startHeartbeat() {
    clearInterval(this.heartbeat);
    this.sendPresence(false);
    // a tab in the background is not someone reading: its viewer fades out after 30 s
    this.heartbeat = setInterval(() => {
      if (document.visibilityState !== "hidden") this.sendPresence(Date.now() < this.typingUntil);
    }, HEARTBEAT_MS);
  }

  typing() {
    if (!this.conv) return;
    const now = Date.now();
    this.typingUntil = now + TYPING_IDLE_MS;
    if (now - this.typingSentAt < TYPING_EVERY_MS) return;
    this.typingSentAt = now;
    this.sendPresence(true);
  }

  async sendPresence(typing) {
    const id = this.conv?.id;
    if (!id) return;
    try {
      const answer = await api("POST", `/v1/conversations/${encodeURIComponent(id)}/presence`, { typing });
      if (this.conv?.id === id) this.showViewers(answer?.viewers || []);
    } catch {
      // a missed heartbeat only delays the collision indicator
    }
  }

  /** A `presence` event of the stream, or a heartbeat's answer. */
  onPresence(data) {
    if (data?.conversation_id && data.conversation_id === this.conv?.id && Array.isArray(data.viewers)) {
      this.showViewers(data.viewers);
    }
  }

  showViewers(viewers) {
    const me = this.ctx.me()?.username;
    const others = viewers.filter((v) => v.username !== me);
    const text = others.map((v) => t(v.typing ? "viewer_typing" : "viewer_viewing", { who: v.display_name || v.username })).join(" · ");
    if (text === this.viewersText) return; // unchanged: nothing to announce again
    this.viewersText = text;
    this.viewers.textContent = text;
  }
}

