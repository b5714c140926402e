// The inbox screen: the queues the agent sees (with counts), the selected queue's
// conversations (filters, badges, due times), a lead's overview, search, and the open
// conversation; kept live by the stream (one per browser, see live.js).
import { api, get, query } from "./api.js";
import { badges, ConversationView } from "./conversation.js";
import { due } from "./format.js";
import { fill, h } from "./h.js";
import { channelLabel } from "./history.js";
import { lang, t } from "./i18n.js";
import { installShortcuts, showShortcutsHelp } from "./keys.js";
import { startLive, stopLive } from "./live.js";
import { notifyNewUrgent, resetNotificationBaseline } from "./notify.js";
import { renderOverview } from "./overview.js";
import { renderToolbar } from "./toolbar.js";
import { parseRoute, routeTo } from "./route.js";

const FILTERS = ["urgent", "needs_triage", "breached", "mine", "unassigned", "waiting"];
const FILTER_COUNT = { urgent: "urgent", needs_triage: "needs_triage", breached: "breached", mine: "mine", unassigned: "unassigned", waiting: "waiting" };
const LIVE_BATCH_MS = 150;
const QUEUE_PAGE = 100;

export class Inbox {
  constructor(main, me, { announce, alert, signOut }) {
    this.main = main;
    this.me = me;
    this.announce = announce;
    this.alert = alert;
    this.signOut = signOut;
    this.queues = [];
    this.current = null; // {site, team}
    this.view = "queue"; // "queue" | "overview" | "search"
    this.filters = new Set();
    this.items = [];
    this.total = 0;
    this.seen = null; // the ids of the list last shown, to announce new conversations
    this.searchQuery = "";
    this.liveBatch = null;
    this.build();
  }

  get isLead() {
    return this.me.role === "lead" || this.me.role === "admin";
  }

  build() {
    this.nav = h("nav", { class: "queues", "aria-labelledby": "queues-title" });
    this.list = h("section", { class: "list", "aria-labelledby": "list-title" });
    this.pane = h("section", { class: "conversation-pane", "aria-labelledby": "conv-title" });
    this.layout = h("div", { class: "inbox", dataset: { pane: "list" } }, this.nav, this.list, this.pane);
    this.title = h("h1", { class: "visually-hidden" }, t("inbox_title"));
    this.conversation = new ConversationView(this.pane, {
      me: () => this.me,
      teamName: (site, team, language) => this.teamName(site, team, language),
      announce: (text) => this.announce(text),
      changed: () => this.refresh({ queues: true, list: true }),
      back: () => this.backToList(),
      open: (id) => this.openConversation(id),
    });
    fill(this.main, this.title, this.layout);
  }

  async start() {
    this.toolbar = renderToolbar(document.getElementById("toolbar"), this);
    this.removeShortcuts = installShortcuts({
      next: () => this.moveCursor(1),
      previous: () => this.moveCursor(-1),
      open: () => this.openAtCursor(),
      claim: () => this.clickAction("claim"),
      resolve: () => this.clickAction("resolve"),
      reply: () => this.conversation.conv && this.conversation.composer.focusReply(),
      note: () => this.conversation.conv && this.conversation.composer.focusNote(),
      search: () => this.toolbar.focusSearch(),
      queues: () => this.focusQueues(),
      help: () => showShortcutsHelp(),
    });
    this.onHash = () => this.applyRoute();
    window.addEventListener("hashchange", this.onHash);
    this.clock = setInterval(() => this.renderList(), 60_000); // due times move
    resetNotificationBaseline();
    await this.loadQueues();
    await this.applyRoute();
    startLive((event) => this.onLiveEvent(event), (status) => this.toolbar.liveStatus(status),
      () => this.refresh({ queues: true, list: true, conversation: "reload" }));
  }

  stop() {
    stopLive();
    this.removeShortcuts?.();
    window.removeEventListener("hashchange", this.onHash);
    clearInterval(this.clock);
    this.conversation.close();
  }

  relabel() {
    this.title.textContent = t("inbox_title");
    this.toolbar = renderToolbar(document.getElementById("toolbar"), this);
    this.renderNav();
    this.renderList();
    this.conversation.relabel();
  }

  teamName(site, team, language = lang()) {
    const queue = this.queues.find((q) => q.site === site && q.team === team);
    if (!queue) return team;
    return (language === "en" ? queue.name_en : queue.name_fr) || team;
  }

  // --- routing --------------------------------------------------------------------------

  async applyRoute() {
    const route = parseRoute(location.hash);
    if (route.view === "overview" && this.isLead) {
      this.view = "overview";
      await this.loadOverview();
    } else if (route.site) {
      const changed = !this.current || this.current.site !== route.site || this.current.team !== route.team;
      this.current = { site: route.site, team: route.team };
      if (changed) this.seen = null;
      if (this.view !== "search" || changed) this.view = "queue";
      this.renderNav();
      await this.loadList();
    } else if (!route.conversation && this.queues.length) {
      const first = this.queues[0];
      routeTo({ site: first.site, team: first.team }, true);
      return;
    }
    if (route.conversation && route.conversation !== this.conversation.id) {
      this.layout.dataset.pane = "conversation";
      const opened = await this.conversation.open(route.conversation);
      this.renderList();
      // opened by the agent: reading starts at its heading (the list may be hidden now)
      if (opened && this.focusOnOpen) this.pane.querySelector("#conv-title")?.focus();
      this.focusOnOpen = false;
    } else if (!route.conversation && this.conversation.id) {
      this.conversation.close();
      this.layout.dataset.pane = "list";
      this.renderList();
    }
  }

  selectQueue(site, team) {
    this.view = "queue";
    routeTo({ site, team, conversation: this.conversation.id });
  }

  openConversation(id) {
    this.focusOnOpen = true;
    if (this.current) routeTo({ ...this.current, conversation: id });
    else routeTo({ conversation: id });
  }

  backToList() {
    if (this.current) routeTo({ ...this.current });
    else routeTo({});
    requestAnimationFrame(() => this.focusCursor());
  }

  // --- queues ---------------------------------------------------------------------------

  async loadQueues() {
    try {
      const answer = await get("/v1/queues");
      this.queues = Array.isArray(answer) ? answer : answer?.queues || [];
    } catch (error) {
      if (error.status !== 401) this.alert(t("error_queues"));
      return;
    }
    for (const queue of notifyNewUrgent(this.queues, (q) => this.teamName(q.site, q.team))) {
      this.alert(t("new_urgent_in", { queue: this.teamName(queue.site, queue.team) }));
    }
    this.renderNav();
  }

  renderNav() {
    const counts = (q) => [
      t("count_open", { count: q.counts?.open ?? 0 }),
      q.counts?.urgent ? t("count_urgent", { count: q.counts.urgent }) : null,
      q.counts?.unassigned ? t("count_unassigned", { count: q.counts.unassigned }) : null,
      q.counts?.breached ? t("count_breached", { count: q.counts.breached }) : null,
    ].filter(Boolean);
    const selected = (q) => this.view === "queue" && this.current?.site === q.site && this.current?.team === q.team;
    const sites = new Set(this.queues.map((q) => q.site));
    // the list is redrawn on every live count: a keyboard user's focus stays on its entry
    const keyOf = (button) => (button.dataset.team ? `${button.dataset.site}/${button.dataset.team}` : "overview");
    const focused = this.nav.contains(document.activeElement) ? keyOf(document.activeElement) : null;
    fill(this.nav,
      h("h2", { id: "queues-title" }, t("queues_title")),
      this.queues.length || this.isLead ? h("ul", { class: "queue-list" }, this.queues.map((q) => h("li", {},
        h("button", { type: "button", class: "queue", "aria-current": selected(q) ? "true" : null, dataset: { site: q.site, team: q.team },
          onclick: () => this.selectQueue(q.site, q.team) },
        h("span", { class: "queue-name" }, this.teamName(q.site, q.team), sites.size > 1 ? h("span", { class: "queue-site" }, ` (${q.site})`) : null),
        h("span", { class: "queue-counts" }, counts(q).map((c, i) => [i ? ", " : null, c])),
        ))),
      this.isLead ? h("li", { class: "overview-entry" }, h("button", { type: "button", class: "queue", "aria-current": this.view === "overview" ? "true" : null,
        onclick: () => routeTo({ view: "overview" }) }, h("span", { class: "queue-name" }, t("overview_title")))) : null)
        : h("p", { class: "empty" }, t("no_queues")));
    if (focused) [...this.nav.querySelectorAll("button")].find((b) => keyOf(b) === focused)?.focus();
  }

  focusQueues() {
    const target = this.nav.querySelector('button[aria-current="true"]') || this.nav.querySelector("button");
    target?.focus();
  }

  // --- the list -------------------------------------------------------------------------

  async loadList() {
    if (this.view !== "queue" || !this.current) return;
    const { site, team } = this.current;
    const params = new URLSearchParams({ limit: String(QUEUE_PAGE) });
    for (const f of this.filters) params.append("filter", f);
    let answer;
    try {
      answer = await get(`/v1/queues/${encodeURIComponent(site)}/${encodeURIComponent(team)}?${params}`);
    } catch (error) {
      if (error.status !== 401) this.alert(error.status === 404 ? t("queue_not_found") : t("error_generic"));
      return;
    }
    if (this.current?.site !== site || this.current?.team !== team || this.view !== "queue") return;
    this.items = answer?.items || [];
    this.total = answer?.total ?? this.items.length;
    this.announceNew(`${site}/${team}/${[...this.filters].sort()}`);
    this.renderList();
  }

  announceNew(listKey) {
    const ids = new Set(this.items.map((i) => i.id));
    if (this.seen && this.seen.key === listKey) {
      const fresh = this.items.filter((i) => !this.seen.ids.has(i.id));
      for (const item of fresh) {
        this.announce(t("new_conversation", { reference: item.reference, priority: item.priority, queue: this.teamName(item.site, item.team) }));
      }
    }
    this.seen = { key: listKey, ids };
  }

  toggleFilter(name) {
    if (this.filters.has(name)) this.filters.delete(name);
    else this.filters.add(name);
    this.seen = null;
    this.loadList();
  }

  listItems() {
    return this.view === "search" ? this.searchItems || [] : this.items;
  }

  renderList() {
    if (this.view === "overview") return this.renderOverview();
    const focusedId = document.activeElement?.closest?.(".conv-item")?.dataset.id;
    const items = this.listItems();
    const queue = this.current && this.queues.find((q) => q.site === this.current.site && q.team === this.current.team);
    const title = this.view === "search" ? t("search_results", { q: this.searchQuery })
      : this.current ? this.teamName(this.current.site, this.current.team) : t("queues_title");
    fill(this.list,
      h("h2", { id: "list-title" }, title),
      this.view === "search"
        ? h("p", {}, h("button", { type: "button", onclick: () => this.closeSearch() }, t("search_close")))
        : h("div", { class: "filters", role: "group", "aria-label": t("filters") }, FILTERS.map((f) => h("button", {
          type: "button", class: "chip", "aria-pressed": String(this.filters.has(f)), onclick: () => this.toggleFilter(f) },
        t(`filter_${f}`), queue?.counts && FILTER_COUNT[f] in queue.counts ? ` (${queue.counts[FILTER_COUNT[f]]})` : ""))),
      h("p", { class: "total" }, t("conversations_total", { count: this.view === "search" ? items.length : this.total })),
      items.length
        ? h("ol", { class: "conv-list" }, items.map((item, index) => this.itemNode(item, index)))
        : h("p", { class: "empty" }, this.view === "search" ? t("search_none") : t("queue_empty")));
    if (focusedId) this.list.querySelector(`.conv-item[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  itemNode(item, index) {
    const when = due(item.due_at);
    const me = this.me.username;
    const assignee = item.assignee ? (item.assignee === me ? t("assigned_to_me") : t("assigned_to", { who: item.assignee })) : t("unassigned");
    return h("li", {}, h("button", {
      type: "button", class: "conv-item", dataset: { id: item.id, index: String(index) },
      "aria-current": item.id === this.conversation.id ? "true" : null,
      onclick: () => this.openConversation(item.id),
    },
    h("span", { class: "item-head" }, h("span", { class: "ref" }, item.reference), " ", badges(item)),
    h("span", { class: "item-preview" }, item.preview || ""),
    h("span", { class: "item-meta" },
      channelLabel(item.channel), " · ",
      when ? h("span", { class: when.overdue ? "overdue" : "" }, when.text) : t("no_due"), " · ",
      assignee,
      item.correspondent?.address ? [" · ", item.correspondent.address] : null)));
  }

  itemButtons() {
    return [...this.list.querySelectorAll(".conv-item")];
  }

  moveCursor(step) {
    const buttons = this.itemButtons();
    if (!buttons.length) return;
    let index = buttons.indexOf(document.activeElement);
    if (index < 0) index = buttons.findIndex((b) => b.getAttribute("aria-current") === "true");
    index = index < 0 ? (step > 0 ? 0 : buttons.length - 1) : Math.min(buttons.length - 1, Math.max(0, index + step));
    if (this.layout.dataset.pane === "conversation" && matchMedia("(max-width: 1099px)").matches) {
      this.layout.dataset.pane = "list"; // narrow screens: the list is hidden behind the conversation
    }
    buttons[index].focus();
  }

  focusCursor() {
    const buttons = this.itemButtons();
    (buttons.find((b) => b.getAttribute("aria-current") === "true") || buttons[0])?.focus();
  }

  openAtCursor() {
    const buttons = this.itemButtons();
    const target = buttons.find((b) => b === document.activeElement) || buttons.find((b) => b.getAttribute("aria-current") === "true") || buttons[0];
    target?.click();
  }

  clickAction(action) {
    const button = this.pane.querySelector(`button[data-action="${action}"]`);
    if (button && !button.disabled) button.click();
    else this.announce(t("action_unavailable"));
  }

  // --- overview and search --------------------------------------------------------------

  async loadOverview() {
    try {
      const answer = await get("/v1/overview");
      this.overview = Array.isArray(answer) ? answer : answer?.teams || [];
    } catch (error) {
      if (error.status !== 401) this.alert(t("error_generic"));
      this.overview = [];
    }
    this.renderNav();
    this.renderOverview();
  }

  renderOverview() {
    renderOverview(this.list, this.overview || [], (site, team) => this.selectQueue(site, team));
  }

  async search(q) {
    const text = q.trim();
    if (text.length < 2) {
      this.alert(t("search_too_short"));
      return;
    }
    try {
      const answer = await get(query("/v1/search", { q: text }));
      this.searchItems = Array.isArray(answer) ? answer : answer?.items || [];
    } catch (error) {
      if (error.status !== 401) this.alert(t("error_generic"));
      return;
    }
    this.view = "search";
    this.searchQuery = text;
    this.layout.dataset.pane = "list";
    this.renderList();
    this.announce(t("search_found", { count: this.searchItems.length }));
    this.list.querySelector("#list-title")?.setAttribute("tabindex", "-1");
    this.list.querySelector("#list-title")?.focus();
  }

  closeSearch() {
    this.view = "queue";
    this.renderList();
    this.loadList();
  }

  // --- live -----------------------------------------------------------------------------

  onLiveEvent(event) {
    if (event.type === "presence") {
      this.conversation.onPresence(event.data);
      return;
    }
    // Events are gathered for LIVE_BATCH_MS from the first one (not reset by the next), so
    // a burst costs one refresh and a routed contact still shows well within a second.
    const batch = this.liveBatch || (this.liveBatch = { queues: new Set(), conversations: [], all: false });
    if (event.type === "resync") batch.all = true;
    else if (event.type === "conversation" && event.data) {
      batch.queues.add(`${event.data.site}/${event.data.team}`);
      batch.conversations.push(event.data);
    }
    if (!batch.timer) batch.timer = setTimeout(() => this.flushLive(), LIVE_BATCH_MS);
  }

  flushLive() {
    const batch = this.liveBatch;
    this.liveBatch = null;
    const current = this.current && `${this.current.site}/${this.current.team}`;
    const openId = this.conversation.conv?.id;
    const forOpen = batch.conversations.filter((c) => c.conversation_id === openId);
    this.refresh({
      queues: true,
      list: batch.all || (current && batch.queues.has(current)) || this.view === "search",
      conversation: batch.all ? "reload" : forOpen.length ? forOpen : false,
    });
  }

  async refresh({ queues = false, list = false, conversation = false }) {
    const work = [];
    if (queues) work.push(this.loadQueues());
    if (list && this.view === "queue") work.push(this.loadList());
    if (list && this.view === "overview") work.push(this.loadOverview());
    if (conversation === "reload") this.conversation.resync();
    else if (conversation === true) work.push(this.conversation.reload());
    else if (Array.isArray(conversation)) this.conversation.liveChanged(conversation);
    await Promise.all(work);
  }

  async setPresence(status) {
    await api("POST", "/v1/me/presence", { status });
    this.me = { ...this.me, presence: status };
  }
}
