// French by default, English on request; the choice is remembered (localStorage) and every
// tab follows it. All the words live in strings.js.
import { emit } from "./bus.js";
import { STRINGS } from "./strings.js";

const STORAGE_KEY = "relais.lang";
export const LANGUAGES = ["fr", "en"];

let current = LANGUAGES.includes(localStorage.getItem(STORAGE_KEY)) ? localStorage.getItem(STORAGE_KEY) : "fr";

export const lang = () => current;

export function setLang(next, remember = true) {
  if (!LANGUAGES.includes(next)) return;
  current = next;
  if (remember) localStorage.setItem(STORAGE_KEY, next);
  applyStatic();
  emit("lang", next);
}

/** The string for `key` in the current language, {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const table = STRINGS[current];
  let text = key in table ? table[key] : STRINGS.fr[key];
  if (text === undefined) return key;
  if (typeof text === "object") {
    // a plural entry {one, other}: chosen by the count the caller passes
    const form = new Intl.PluralRules(current).select(Number(vars.count ?? 0));
    text = text[form] ?? text.other;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

/** The string for `key`, or `fallback` when the table has none (a value the server may
 * extend: a change, a message kind, a rule). */
export function tOr(key, fallback, vars = {}) {
  return key in STRINGS[current] || key in STRINGS.fr ? t(key, vars) : fallback;
}

/** Texts written in the HTML shell (data-i18n) and the page's language attribute. */
export function applyStatic(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

// Another tab switched language: follow it.
window.addEventListener("storage", (event) => {
  if (event.key === STORAGE_KEY && event.newValue && event.newValue !== current) {
    setLang(event.newValue, false);
  }
});
