// The inbox's entry point: the signed-in person's inbox, or the sign-in screen; every tab
// of the browser follows a sign-in or sign-out made in another.
import { api, setCsrfToken } from "./api.js";
import { on } from "./bus.js";
import { fill, h } from "./h.js";
import { applyStatic, t } from "./i18n.js";
import { Inbox } from "./inbox.js";
import { renderSignin } from "./signin.js";

const main = document.getElementById("main");
const toolbar = document.getElementById("toolbar");
const session = new BroadcastChannel("relais-session");
let inbox = null;
let screen = null;

// Set after a tick so the same message said twice is announced twice.
function speak(region, text) {
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}
const announce = (text) => speak(document.getElementById("announcer"), text);
const alertMessage = (text) => speak(document.getElementById("alerter"), text);

async function boot() {
  applyStatic();
  let me;
  try {
    me = await api("GET", "/v1/me");
  } catch (error) {
    if (error.status === 401 || error.status === 403) return showSignin();
    return showUnavailable();
  }
  if (me?.csrf_token) setCsrfToken(me.csrf_token);
  await showInbox(me);
}

function showSignin() {
  inbox?.stop();
  inbox = null;
  screen = "signin";
  fill(toolbar);
  renderSignin(main, () => {
    session.postMessage("signin");
    boot();
  });
}

function showUnavailable() {
  screen = "unavailable";
  fill(toolbar);
  fill(main, h("div", { class: "signin" },
    h("h1", {}, t("unavailable_title")),
    h("p", { role: "alert" }, t("unavailable_text")),
    h("button", { type: "button", class: "primary", onclick: () => boot() }, t("retry"))));
}

async function showInbox(me) {
  inbox?.stop();
  screen = "inbox";
  inbox = new Inbox(main, me, { announce, alert: alertMessage, signOut });
  await inbox.start();
}

async function signOut() {
  try {
    await api("POST", "/v1/auth/logout");
  } catch {
    // signed out locally whatever the server said; the cookie expires anyway
  }
  setCsrfToken(null);
  session.postMessage("signout");
  showSignin();
  announce(t("signed_out"));
}

on("unauthenticated", () => {
  if (screen === "inbox") {
    showSignin();
    alertMessage(t("session_expired"));
  }
});

on("lang", () => {
  if (screen === "inbox") inbox.relabel();
  else if (screen === "signin") showSignin();
  else if (screen === "unavailable") showUnavailable();
});

session.addEventListener("message", ({ data }) => {
  if (data === "signout" && screen === "inbox") showSignin();
  if (data === "signin" && screen !== "inbox") boot();
});

boot();
