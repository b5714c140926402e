// Keyboard shortcuts (ignored while typing in a field) and the dialog that lists them.
import { fill, h } from "./h.js";
import { t } from "./i18n.js";

export const SHORTCUTS = [
  ["j", "key_next"], ["k", "key_previous"], ["Enter", "key_open"], ["c", "key_claim"],
  ["r", "key_reply"], ["n", "key_note"], ["e", "key_resolve"], ["/", "key_search"],
  ["g q", "key_queues"], ["?", "key_help"], ["kbd_escape", "key_escape"],
  ["kbd_ctrl_enter", "key_send"],
];

function typingIn(target) {
  if (!(target instanceof Element)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** actions: {next, previous, open, claim, reply, note, resolve, search, queues, help} */
export function installShortcuts(actions) {
  let pendingG = 0;
  const onKeydown = (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return; // the dialog handles its own keys
    if (typingIn(event.target)) {
      // Escape leaves the field, so the shortcuts work again without the mouse
      if (event.key === "Escape" && event.target.closest("#main")) event.target.blur();
      return;
    }
    const key = event.key;
    if (pendingG && Date.now() - pendingG < 1500 && key === "q") {
      pendingG = 0;
      event.preventDefault();
      actions.queues();
      return;
    }
    pendingG = 0;
    const onButton = event.target instanceof Element && event.target.closest("button, a, summary");
    const map = {
      j: actions.next, k: actions.previous, c: actions.claim, r: actions.reply, n: actions.note,
      e: actions.resolve, "/": actions.search, "?": actions.help,
    };
    if (key === "g") {
      pendingG = Date.now();
      return;
    }
    if (key === "Enter" && !onButton) {
      event.preventDefault();
      actions.open();
      return;
    }
    const action = map[key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
  document.addEventListener("keydown", onKeydown);
  return () => document.removeEventListener("keydown", onKeydown);
}

export function showShortcutsHelp() {
  const dialog = document.getElementById("shortcuts-dialog");
  const close = h("button", { type: "button", onclick: () => dialog.close() }, t("close"));
  fill(dialog,
    h("h2", { id: "shortcuts-title" }, t("shortcuts_title")),
    h("p", { class: "hint" }, t("shortcuts_intro")),
    h("dl", { class: "shortcuts" }, SHORTCUTS.map(([key, label]) => [
      h("dt", {}, (key.startsWith("kbd_") ? [t(key)] : key.split(" ")).map((k, i) => [i ? " " : null, h("kbd", {}, k)])),
      h("dd", {}, t(label))])),
    h("p", {}, close));
  const opener = document.activeElement;
  dialog.addEventListener("close", () => opener?.focus?.(), { once: true });
  dialog.showModal();
  close.focus();
}
