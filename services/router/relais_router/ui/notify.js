// Browser notifications for a new P1 (urgent) conversation in the agent's queues, only after
// the agent opted in with a button (browsers refuse a permission prompt without a gesture).
import { t } from "./i18n.js";
import { liveCounters } from "./live.js";

const OPT_IN_KEY = "relais.notify";

export const notificationsSupported = () => "Notification" in window;

export function notificationsOn() {
  return notificationsSupported() && Notification.permission === "granted" && localStorage.getItem(OPT_IN_KEY) === "on";
}

/** Ask for the permission (from a click); true when notifications are now on. */
export async function enableNotifications() {
  if (!notificationsSupported()) return false;
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission !== "granted") return false;
  localStorage.setItem(OPT_IN_KEY, "on");
  return true;
}

export function disableNotifications() {
  localStorage.setItem(OPT_IN_KEY, "off");
}

// The urgent counts last seen per queue: a rise is a new P1 (only after the first reading,
// so opening the inbox does not ring for what was already there).
let lastUrgent = null;

/** Compare the queues' urgent counts with the last reading; notify the rises. */
export function notifyNewUrgent(queues, queueName) {
  const counts = new Map(queues.map((q) => [`${q.site}/${q.team}`, q.counts?.urgent ?? 0]));
  const previous = lastUrgent;
  lastUrgent = counts;
  if (previous === null) return [];
  const rises = queues.filter((q) => counts.get(`${q.site}/${q.team}`) > (previous.get(`${q.site}/${q.team}`) ?? 0));
  // every tab sees the rise; the tab holding the stream rings, once for the browser
  if (notificationsOn() && liveCounters.leader) {
    for (const queue of rises) {
      // the tag replaces an older notification of the same queue instead of piling up
      new Notification(t("notify_title"), { body: t("notify_body", { queue: queueName(queue) }), tag: `relais-p1-${queue.site}-${queue.team}` });
    }
  }
  return rises;
}

export function resetNotificationBaseline() {
  lastUrgent = null;
}
