// Live updates with ONE EventSource per browser, whatever the number of open tabs: the tab
// holding the Web Lock "relais-sse" opens the stream and rebroadcasts its events to the
// other tabs on BroadcastChannel("relais"); when that tab closes, the lock passes to a
// waiting tab, which opens its own stream. EventSource resumes with Last-Event-ID by itself
// after a dropped connection; a stream opened anew (another leader, a refused connection)
// asks the page to re-read what it shows, since events may have passed in between.

const LOCK = "relais-sse";
const CHANNEL = "relais";
const STREAM_URL = "/v1/stream";
const RETRY_MS = 5_000;

// Read by the browser tests: how many EventSources this page opened, and whether it leads.
export const liveCounters = { eventSources: 0, leader: false };
window.relaisLive = liveCounters;

let channel = null;
let stopLeading = null;
let abort = null;
let handlers = null;
let lastStatus = "connecting";

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

function status(value) {
  lastStatus = value;
  handlers.onStatus(value);
  channel?.postMessage({ kind: "status", status: value });
}

function deliver(event) {
  handlers.onEvent(event);
  channel?.postMessage({ kind: "event", event });
}

function openStream() {
  liveCounters.eventSources += 1;
  const source = new EventSource(STREAM_URL);
  let wasLive = false;
  const relay = (type) => (message) => deliver({ type, id: message.lastEventId, data: parse(message.data) });
  source.addEventListener("conversation", relay("conversation"));
  source.addEventListener("presence", relay("presence"));
  source.addEventListener("open", () => {
    status("live");
    if (wasLive) return; // a native reconnection resumed from Last-Event-ID: nothing missed
    wasLive = true;
    deliver({ type: "resync", id: "", data: null });
  });
  source.addEventListener("error", () => status(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting"));
  return source;
}

// Holding the lock: keep a stream open until stopped (sign-out) or the tab closes.
function lead() {
  return new Promise((resolve) => {
    liveCounters.leader = true;
    document.documentElement.dataset.liveLeader = "true";
    let source = openStream();
    // A refused connection (401, 5xx) closes an EventSource for good: open a new one later.
    const watchdog = setInterval(() => {
      if (source.readyState === EventSource.CLOSED) {
        source = openStream();
        handlers.onClosed?.();
      }
    }, RETRY_MS);
    stopLeading = () => {
      clearInterval(watchdog);
      source.close();
      liveCounters.leader = false;
      delete document.documentElement.dataset.liveLeader;
      resolve();
    };
  });
}

/** Start receiving events: onEvent({type, id, data}), onStatus("live" | "reconnecting" | …). */
export function startLive(onEvent, onStatus, onClosed) {
  if (handlers) return;
  handlers = { onEvent, onStatus, onClosed };
  channel = new BroadcastChannel(CHANNEL);
  channel.addEventListener("message", ({ data }) => {
    if (data.kind === "event") handlers.onEvent(data.event);
    else if (data.kind === "status") handlers.onStatus(data.status);
    else if (data.kind === "hello" && liveCounters.leader) channel.postMessage({ kind: "status", status: lastStatus });
  });
  channel.postMessage({ kind: "hello" }); // a leader already there says how its stream is
  if (!navigator.locks) {
    lead(); // no Web Locks: one stream per tab rather than none
    return;
  }
  abort = new AbortController();
  navigator.locks.request(LOCK, { signal: abort.signal }, lead).catch(() => {
    // AbortError: stopped while waiting for the lock
  });
}

export function stopLive() {
  abort?.abort();
  stopLeading?.();
  stopLeading = null;
  channel?.close();
  channel = null;
  handlers = null;
}
