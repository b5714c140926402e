// The sign-in screen: username and password, then the TOTP code when the API asks for one
// (leads and admins); errors are announced (aria-live) and a 429 says how long to wait.
import { api, ApiError, setCsrfToken } from "./api.js";
import { fill, h } from "./h.js";
import { t } from "./i18n.js";

export function renderSignin(main, onSignedIn) {
  const error = h("p", { id: "signin-error", class: "form-error", role: "alert", "aria-live": "assertive" });
  const username = h("input", { id: "signin-username", name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { id: "signin-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const totp = h("input", { id: "signin-totp", name: "totp", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6", "aria-describedby": "signin-totp-hint" });
  const totpRow = h("div", { class: "field", hidden: true },
    h("label", { for: "signin-totp" }, t("signin_totp")),
    totp,
    h("p", { id: "signin-totp-hint", class: "hint" }, t("signin_totp_hint")));
  const submit = h("button", { type: "submit", class: "primary" }, t("signin_submit"));
  let waitTimer = null;

  function waitBeforeRetry(seconds) {
    let left = Math.ceil(seconds);
    submit.disabled = true;
    error.textContent = t("signin_wait", { s: left });
    clearInterval(waitTimer);
    waitTimer = setInterval(() => {
      left -= 1;
      if (left > 0) {
        // said once at the start; the countdown updates quietly (no announcement each second)
        error.setAttribute("aria-live", "off");
        error.textContent = t("signin_wait", { s: left });
        return;
      }
      clearInterval(waitTimer);
      error.setAttribute("aria-live", "assertive");
      error.textContent = "";
      submit.disabled = false;
    }, 1000);
  }

  function show(message, field) {
    error.textContent = message;
    for (const input of [username, password, totp]) input.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  async function submitForm(event) {
    event.preventDefault();
    if (submit.disabled) return;
    const body = { username: username.value.trim(), password: password.value };
    if (!totpRow.hidden && totp.value.trim()) body.totp = totp.value.trim();
    submit.disabled = true;
    error.textContent = "";
    try {
      const answer = await api("POST", "/v1/auth/session", body);
      setCsrfToken(answer?.csrf_token);
      clearInterval(waitTimer);
      onSignedIn(answer?.user ?? null);
    } catch (caught) {
      submit.disabled = false;
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 429) return waitBeforeRetry(caught.retryAfter ?? 60);
      if (caught.status === 503 && caught.retryAfter) return waitBeforeRetry(caught.retryAfter);
      if (caught.slug === "totp-not-enrolled") return show(t("signin_totp_not_enrolled"));
      if (caught.slug === "totp-required") {
        totpRow.hidden = false;
        return show(t("signin_totp_required"), totp);
      }
      if (caught.slug === "invalid-totp" || caught.slug === "totp-invalid") return show(t("signin_totp_invalid"), totp);
      if (caught.status === 0) return show(t("error_network"));
      if (caught.status === 401 || caught.status === 403) {
        password.value = "";
        if (!totpRow.hidden) totp.value = "";
        // the API does not say which was wrong (no account enumeration): neither do we
        return show(t(totpRow.hidden ? "signin_invalid" : "signin_invalid_with_code"), password);
      }
      show(caught.problem.title || t("error_generic"));
    }
  }

  const form = h("form", { class: "signin-form", onsubmit: submitForm, "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, t("signin_title")),
    h("p", { class: "hint" }, t("signin_intro")),
    h("div", { class: "field" }, h("label", { for: "signin-username" }, t("signin_username")), username),
    h("div", { class: "field" }, h("label", { for: "signin-password" }, t("signin_password")), password),
    totpRow,
    error,
    submit);
  fill(main, h("div", { class: "signin" }, form));
  username.focus();
}
