// Times as agents read them: due times relative to now ("dans 2 h", "en retard de 10 min"),
// message times short (time only today), always with the exact time available.
import { lang, t } from "./i18n.js";

const MINUTE = 60_000;

export function duration(minutes) {
  const m = Math.max(1, Math.round(minutes));
  if (m < 60) return t("dur_minutes", { m });
  if (m < 24 * 60) {
    const hours = Math.floor(m / 60);
    const rest = m % 60;
    return rest && hours < 10 ? t("dur_hours_minutes", { h: hours, m: rest }) : t("dur_hours", { h: Math.round(m / 60) });
  }
  return t("dur_days", { d: Math.round(m / (24 * 60)) });
}

/** {text, overdue} for an ISO due time; null without one. */
export function due(iso, now = Date.now()) {
  if (!iso) return null;
  const minutes = (Date.parse(iso) - now) / MINUTE;
  if (minutes >= 0) return { text: t("due_in", { d: duration(minutes) }), overdue: false };
  return { text: t("overdue_by", { d: duration(-minutes) }), overdue: true };
}

export function dateTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  const options = sameDay ? { timeStyle: "short" } : { dateStyle: "short", timeStyle: "short" };
  return new Intl.DateTimeFormat(lang(), options).format(date);
}

export function fullDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(lang(), { dateStyle: "full", timeStyle: "medium" }).format(new Date(iso));
}

/** A local "YYYY-MM-DDTHH:MM" for a datetime-local input, `hours` from now. */
export function localInputValue(hours) {
  const date = new Date(Date.now() + hours * 3_600_000);
  date.setSeconds(0, 0);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function percent(value) {
  if (typeof value !== "number") return "";
  return new Intl.NumberFormat(lang(), { style: "percent", maximumFractionDigits: 0 }).format(value);
}
