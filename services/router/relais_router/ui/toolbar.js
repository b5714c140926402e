// The banner's tools: search, the live state, presence, notifications, language, the
// shortcut help, the signed-in person and sign-out.
import { fill, h } from "./h.js";
import { lang, setLang, t, tOr } from "./i18n.js";
import { showShortcutsHelp } from "./keys.js";
import { disableNotifications, enableNotifications, notificationsOn, notificationsSupported } from "./notify.js";

let lastLive = "connecting";

export function renderToolbar(root, inbox) {
  const me = inbox.me;
  const searchInput = h("input", { id: "search", type: "search", name: "q", autocomplete: "off", "aria-keyshortcuts": "/", minlength: "2" });
  const searchForm = h("form", { role: "search", class: "search", "aria-label": t("search_label"), onsubmit: (event) => {
    event.preventDefault();
    inbox.search(searchInput.value);
  } },
  h("label", { for: "search", class: "visually-hidden" }, t("search_label")),
  searchInput,
  h("button", { type: "submit" }, t("search_submit")));

  const live = h("span", { class: "live", role: "status", dataset: { state: lastLive } });
  const showLive = (state) => {
    lastLive = state;
    live.dataset.state = state;
    fill(live, h("span", { "aria-hidden": "true" }, state === "live" ? "● " : "○ "), t(`live_${state}`));
  };
  showLive(lastLive);

  // available, away or offline (never chose since the account was made): a click toggles
  // between available and away
  const presence = h("button", { type: "button", class: "presence" });
  const current = () => inbox.me.presence || "offline";
  const showPresence = () => {
    presence.setAttribute("aria-pressed", String(current() === "available"));
    presence.textContent = t(`presence_${current()}`);
  };
  presence.addEventListener("click", async () => {
    const next = current() === "available" ? "away" : "available";
    presence.disabled = true;
    try {
      await inbox.setPresence(next);
      inbox.announce(t(next === "available" ? "presence_now_available" : "presence_now_away"));
    } catch {
      inbox.alert(t("error_generic"));
    } finally {
      presence.disabled = false;
      showPresence();
    }
  });
  showPresence();

  const notify = h("button", { type: "button", hidden: !notificationsSupported() });
  const showNotify = () => {
    notify.setAttribute("aria-pressed", String(notificationsOn()));
    notify.textContent = notificationsOn() ? t("notify_on") : t("notify_enable");
  };
  notify.addEventListener("click", async () => {
    if (notificationsOn()) disableNotifications();
    else if (!(await enableNotifications())) inbox.alert(t("notify_denied"));
    showNotify();
  });
  showNotify();

  const other = lang() === "fr" ? "en" : "fr";
  const language = h("button", { type: "button", lang: other, onclick: () => setLang(other) }, t(`switch_to_${other}`));
  const help = h("button", { type: "button", "aria-keyshortcuts": "?", onclick: () => showShortcutsHelp() }, t("shortcuts_button"));
  const signOut = h("button", { type: "button", onclick: () => inbox.signOut() }, t("sign_out"));
  const who = h("span", { class: "who" }, me.display_name || me.username, h("span", { class: "role" }, ` — ${tOr(`role_${me.role}`, me.role || "")}`));

  fill(root, searchForm, live, presence, notify, language, help, who, signOut);
  return {
    focusSearch: () => {
      searchInput.focus();
      searchInput.select();
    },
    liveStatus: showLive,
  };
}
