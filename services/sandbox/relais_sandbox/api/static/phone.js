// The patient phone (Relais sandbox). No build step, no dependency.
// Everything that comes from a message is inserted with textContent, never as markup.
"use strict";

(function () {
  const E164 = /^\+[1-9]\d{6,14}$/;
  const MAX_BODY = 1600;

  const TEXT = {
    fr: {
      title: "Téléphone patient — bac à sable Relais",
      skip: "Aller à la conversation",
      heading: "Téléphone patient",
      nav_label: "Bac à sable",
      mail_link: "Courriels reçus",
      notice: "Bac à sable de développement : ce téléphone simule un patient. N'y saisissez jamais de données réelles.",
      who_heading: "Qui écrit à qui",
      patient_label: "Numéro du patient (format international E.164)",
      open_thread: "Ouvrir la conversation",
      patient_hint: "Par exemple +33612345678 (espaces et points acceptés). Choisissez un numéro proposé ou tapez-en un.",
      new_number: "Nouveau numéro au hasard",
      clinic_label: "Numéro du cabinet (numéro bidirectionnel)",
      compose_heading: "Écrire au cabinet",
      body_label: "Votre SMS",
      keys_hint: "Ctrl+Entrée envoie le SMS",
      send: "Envoyer le SMS",
      missed_call: "Simuler un appel manqué",
      thread_heading: "Conversation",
      stream_idle: "Choisissez un numéro pour voir la conversation.",
      stream_connecting: "Connexion au fil en direct…",
      stream_live: "En direct : les réponses du cabinet s'affichent dès leur envoi.",
      stream_lost: "Fil en direct interrompu, reconnexion…",
      empty_thread: "Aucun message pour ce numéro.",
      bad_number: "Numéro invalide : tapez + puis l'indicatif pays et le numéro (7 à 15 chiffres), par exemple +33612345678.",
      empty_body: "Le message est vide.",
      long_body: "Le message dépasse 1600 caractères.",
      sending: "Envoi au cabinet…",
      calling: "Appel du cabinet…",
      you: "Vous",
      clinic: "Cabinet",
      sms_from_you: "SMS envoyé",
      call_from_you: "Appel manqué simulé",
      sms_from_clinic: "SMS du cabinet",
      intake: "Intake",
      accepted: "accepté",
      refused: "refusé",
      unreachable: "injoignable",
      pending: "en attente de réponse",
      skipped: "non envoyé",
      skipped_why: "l'appel entrant n'a pas été accepté : Twilio raccrocherait sans composer",
      step_sms: "Webhook SMS",
      step_incoming_call: "Appel entrant",
      step_dial: "Fin de sonnerie (no-answer)",
      status: "Statut",
      st_accepted: "accepté par le fournisseur",
      st_queued: "en file d'attente",
      st_sending: "en cours d'envoi",
      st_sent: "envoyé",
      st_delivered: "distribué",
      st_undelivered: "non distribué",
      st_failed: "échec",
      sent_result: "SMS transmis à Relais comme le ferait Twilio.",
      call_result: "Appel manqué transmis à Relais comme le ferait Twilio.",
      not_sent: "Impossible d'envoyer",
      chars: "caractères",
      other_lang: "English",
    },
    en: {
      title: "Patient phone — Relais sandbox",
      skip: "Skip to the conversation",
      heading: "Patient phone",
      nav_label: "Sandbox",
      mail_link: "Received mail",
      notice: "Development sandbox: this phone plays a patient. Never type real data into it.",
      who_heading: "Who texts whom",
      patient_label: "Patient's number (international E.164 format)",
      open_thread: "Open the conversation",
      patient_hint: "For example +33612345678 (spaces and dots are fine). Pick a suggested number or type one.",
      new_number: "New random number",
      clinic_label: "Clinic's number (two-way number)",
      compose_heading: "Text the clinic",
      body_label: "Your SMS",
      keys_hint: "Ctrl+Enter sends the SMS",
      send: "Send the SMS",
      missed_call: "Simulate a missed call",
      thread_heading: "Conversation",
      stream_idle: "Pick a number to see the conversation.",
      stream_connecting: "Connecting to the live thread…",
      stream_live: "Live: the clinic's replies show up as soon as they are sent.",
      stream_lost: "Live thread interrupted, reconnecting…",
      empty_thread: "No message for this number yet.",
      bad_number: "Invalid number: type + then the country code and the number (7 to 15 digits), e.g. +33612345678.",
      empty_body: "The message is empty.",
      long_body: "The message is over 1600 characters.",
      sending: "Sending to the clinic…",
      calling: "Calling the clinic…",
      you: "You",
      clinic: "Clinic",
      sms_from_you: "SMS sent",
      call_from_you: "Simulated missed call",
      sms_from_clinic: "SMS from the clinic",
      intake: "Intake",
      accepted: "accepted",
      refused: "refused",
      unreachable: "unreachable",
      pending: "waiting for an answer",
      skipped: "not sent",
      skipped_why: "the incoming call was not accepted: Twilio would hang up without dialling",
      step_sms: "SMS webhook",
      step_incoming_call: "Incoming call",
      step_dial: "Ringing ended (no-answer)",
      status: "Status",
      st_accepted: "accepted by the provider",
      st_queued: "queued",
      st_sending: "sending",
      st_sent: "sent",
      st_delivered: "delivered",
      st_undelivered: "undelivered",
      st_failed: "failed",
      sent_result: "SMS handed to Relais as Twilio would.",
      call_result: "Missed call handed to Relais as Twilio would.",
      not_sent: "Could not send",
      chars: "characters",
      other_lang: "Français",
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = { lang: "fr", number: null, source: null, entries: new Map(), live: false, result: null };

  function colon() {
    return state.lang === "fr" ? " : " : ": "; // French typography puts a space before
  }

  function t(key) {
    return (TEXT[state.lang] && TEXT[state.lang][key]) || TEXT.fr[key] || key;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // E.164 after removing the punctuation people type (spaces, dots, dashes, brackets).
  function normalizeNumber(raw) {
    const candidate = String(raw || "").trim().replace(/[\s.\-()]/g, "");
    return E164.test(candidate) ? candidate : null;
  }

  function randomMobile() {
    const digits = new Uint32Array(1);
    window.crypto.getRandomValues(digits);
    const prefix = digits[0] % 2 === 0 ? "6" : "7";
    return "+33" + prefix + String(digits[0] % 100000000).padStart(8, "0");
  }

  function time(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleTimeString(state.lang === "fr" ? "fr-FR" : "en-GB");
  }

  // -- language ------------------------------------------------------------------------------

  function applyLanguage(lang) {
    state.lang = TEXT[lang] ? lang : "fr";
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-i18n]").forEach((node) => {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    document.querySelectorAll("[data-i18n-aria-label]").forEach((node) => {
      node.setAttribute("aria-label", t(node.getAttribute("data-i18n-aria-label")));
    });
    const toggle = $("lang-toggle");
    toggle.textContent = t("other_lang");
    toggle.lang = state.lang === "fr" ? "en" : "fr";
    try { window.localStorage.setItem("relais-phone-lang", state.lang); } catch (e) { /* private mode */ }
    updateCount();
    if (state.result) $("result").replaceChildren(...state.result());
    if (!$("patient-error").hidden) $("patient-error").textContent = t("bad_number");
    setStreamState(state.number ? (state.live ? "stream_live" : "stream_connecting") : "stream_idle");
    render();
  }

  // -- the thread ---------------------------------------------------------------------------

  function setStreamState(key) {
    $("stream-state").textContent = t(key);
  }

  function outcomeLine(attempt) {
    const line = el("p", "status");
    const label = t("step_" + attempt.step) + " — " + t("intake") + colon();
    line.append(document.createTextNode(label));
    const cls = attempt.outcome === "accepted" ? "ok" : attempt.outcome === "pending" ? "pending" : "refused";
    let text = t(attempt.outcome);
    if (attempt.http_status) text = attempt.http_status + " " + text;
    line.append(el("span", cls, text));
    const problem = attempt.problem || {};
    const error = attempt.outcome === "skipped" ? t("skipped_why") : attempt.error;
    const why = [problem.title, problem.detail, problem.excerpt, error].filter(Boolean).join(" — ");
    if (why) line.append(document.createTextNode(" (" + why + ")"));
    return line;
  }

  function renderEntry(entry) {
    const item = el("li", "msg " + entry.direction);
    item.dataset.sid = entry.sid;
    const who = entry.direction === "inbound"
      ? t(entry.kind === "call" ? "call_from_you" : "sms_from_you") + " — " + t("you") + " → " + (entry.to || "")
      : t("sms_from_clinic") + " — " + (entry.from || t("clinic"));
    item.append(el("p", "meta", who + " · " + time(entry.date_created)));
    if (entry.body) item.append(el("p", "body", entry.body));
    if (entry.direction === "inbound") {
      (entry.webhooks || []).forEach((attempt) => item.append(outcomeLine(attempt)));
    } else {
      const status = el("p", "status");
      status.append(document.createTextNode(t("status") + colon()));
      const final = entry.status === "delivered" ? "ok"
        : entry.status === "undelivered" || entry.status === "failed" ? "refused" : "pending";
      let text = t("st_" + entry.status);
      if (entry.error_code) text += " (" + entry.error_code + ")";
      status.append(el("span", final, text));
      item.append(status);
    }
    return item;
  }

  function render() {
    const list = $("thread");
    list.replaceChildren();
    if (!state.number) return;
    if (state.entries.size === 0) {
      list.append(el("li", "empty", t("empty_thread")));
      return;
    }
    state.entries.forEach((entry) => list.append(renderEntry(entry)));
  }

  function upsert(entry) {
    state.entries.set(entry.sid, entry); // a new sid goes last; a known one is updated in place
    const list = $("thread");
    const existing = list.querySelector('li[data-sid="' + CSS.escape(entry.sid) + '"]');
    if (existing) {
      existing.replaceWith(renderEntry(entry));
    } else {
      const empty = list.querySelector("li.empty");
      if (empty) empty.remove();
      list.append(renderEntry(entry));
    }
  }

  function openThread(number) {
    if (state.source) state.source.close();
    state.number = number;
    state.live = false;
    state.entries = new Map();
    $("thread-number").textContent = number;
    render();
    setStreamState("stream_connecting");
    const url = new URL(window.location.href);
    url.searchParams.set("number", number);
    window.history.replaceState(null, "", url);
    const source = new EventSource("/_sandbox/phone/stream?number=" + encodeURIComponent(number));
    state.source = source;
    source.addEventListener("open", () => { state.live = true; setStreamState("stream_live"); });
    source.addEventListener("error", () => { state.live = false; setStreamState("stream_lost"); });
    source.addEventListener("snapshot", (event) => {
      const snapshot = JSON.parse(event.data);
      state.entries = new Map(snapshot.entries.map((entry) => [entry.sid, entry]));
      render();
    });
    source.addEventListener("entry", (event) => upsert(JSON.parse(event.data)));
    source.addEventListener("reset", () => { state.entries = new Map(); render(); });
  }

  // -- forms --------------------------------------------------------------------------------

  function checkedNumber() {
    const input = $("patient-number");
    const error = $("patient-error");
    const number = normalizeNumber(input.value);
    input.setAttribute("aria-invalid", number ? "false" : "true");
    error.hidden = !!number;
    error.textContent = number ? "" : t("bad_number");
    if (!number) input.focus();
    return number;
  }

  // The result box is kept as a function of the language, so the toggle re-renders it.
  function showResult(build) {
    state.result = build;
    $("result").replaceChildren(...build());
  }

  function problemText(problem) {
    if (!problem) return "";
    if (Array.isArray(problem.errors) && problem.errors.length) {
      return problem.errors.map((e) => (e.loc || []).join(".") + ": " + e.msg).join("; ");
    }
    return [problem.title, problem.detail].filter(Boolean).join(" — ");
  }

  async function post(path, payload) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload),
    });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return { ok: response.ok, status: response.status, body };
  }

  function resultLines(summaryKey, attempts) {
    return () => [el("p", null, t(summaryKey)), ...attempts.map(outcomeLine)];
  }

  function message(className, key, detail) {
    return () => [el("p", className, t(key) + (detail === undefined ? "" : detail()))];
  }

  async function act(button, progressKey, path, payload, summaryKey) {
    button.disabled = true;
    showResult(message(null, progressKey));
    try {
      const answer = await post(path, payload);
      if (!answer.ok) {
        showResult(message("refused", "not_sent",
          () => " (" + answer.status + ")" + colon() + problemText(answer.body)));
        return null;
      }
      const attempts = Array.isArray(answer.body.intake) ? answer.body.intake : [answer.body.intake];
      showResult(resultLines(summaryKey, attempts));
      upsert(answer.body.entry);
      return answer.body.entry;
    } catch (e) {
      showResult(message("refused", "not_sent", () => colon() + e.message));
      return null;
    } finally {
      button.disabled = false;
    }
  }

  function ensureThread() {
    const number = checkedNumber();
    if (!number) return null;
    if (number !== state.number) openThread(number);
    return number;
  }

  async function sendSms(event) {
    event.preventDefault();
    const number = ensureThread();
    if (!number) return;
    const body = $("sms-body");
    if (!body.value.trim()) { showResult(message("refused", "empty_body")); body.focus(); return; }
    if (body.value.length > MAX_BODY) { showResult(message("refused", "long_body")); body.focus(); return; }
    const entry = await act($("send-sms"), "sending", "/_sandbox/phone/sms",
      { from: number, to: $("clinic-number").value, body: body.value }, "sent_result");
    if (entry && entry.status === "accepted") { body.value = ""; updateCount(); }
    body.focus();
  }

  async function missedCall() {
    const number = ensureThread();
    if (!number) return;
    await act($("missed-call"), "calling", "/_sandbox/phone/missed-call",
      { from: number, to: $("clinic-number").value }, "call_result");
  }

  function updateCount() {
    $("sms-count").textContent = $("sms-body").value.length + " / " + MAX_BODY + " " + t("chars");
  }

  async function loadConfig() {
    const response = await fetch("/_sandbox/phone/config", { headers: { Accept: "application/json" } });
    const config = await response.json();
    const select = $("clinic-number");
    select.replaceChildren(...config.clinic_numbers.map((n) => {
      const option = el("option", null, n);
      option.value = n;
      return option;
    }));
    select.value = config.default_clinic;
    const known = [...new Set([...config.recent_numbers, ...config.sample_numbers])];
    $("known-numbers").replaceChildren(...known.map((n) => {
      const option = document.createElement("option");
      option.value = n;
      return option;
    }));
    return known;
  }

  function init() {
    let lang = "fr";
    try { lang = window.localStorage.getItem("relais-phone-lang") || "fr"; } catch (e) { /* private mode */ }
    applyLanguage(lang);
    $("lang-toggle").addEventListener("click", () => applyLanguage(state.lang === "fr" ? "en" : "fr"));
    $("number-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const number = checkedNumber();
      if (number) { $("patient-number").value = number; openThread(number); }
    });
    $("new-number").addEventListener("click", () => {
      const number = randomMobile();
      $("patient-number").value = number;
      checkedNumber();
      openThread(number);
    });
    $("sms-form").addEventListener("submit", sendSms);
    $("missed-call").addEventListener("click", missedCall);
    $("sms-body").addEventListener("input", updateCount);
    $("sms-body").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) sendSms(event);
    });
    loadConfig().then((known) => {
      const fromUrl = normalizeNumber(new URL(window.location.href).searchParams.get("number"));
      const number = fromUrl || known[0];
      if (number) { $("patient-number").value = number; openThread(number); }
    }).catch(() => setStreamState("stream_lost"));
  }

  document.addEventListener("DOMContentLoaded", init);
})();
