// The JSON API client (docs/inbox.md): same-origin cookie session, the CSRF header on every
// unsafe request, problem+json errors as ApiError, and commands that carry the conversation's
// version and a client key reused when the same click is retried.
import { emit } from "./bus.js";

const CSRF_KEY = "relais.csrf";
const SAFE = new Set(["GET", "HEAD"]);

export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem.title || `HTTP ${status}`);
    this.status = status; // 0: the request did not reach the server
    this.problem = problem;
    // problem+json "type" ends with the stable slug: …/problems/conversation-moved
    this.slug = String(problem.type || "").split("/").pop() || null;
    const retry = headers ? Number(headers.get("retry-after")) : NaN;
    this.retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  }

  get retryable() {
    return this.status === 0 || this.status >= 500;
  }
}

// Every tab of the browser shares the session cookie, so they share its CSRF token too.
export function setCsrfToken(token) {
  if (token) localStorage.setItem(CSRF_KEY, token);
  else localStorage.removeItem(CSRF_KEY);
}

function csrfToken() {
  return localStorage.getItem(CSRF_KEY);
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = csrfToken();
  if (!SAFE.has(method) && token) headers["X-CSRF-Token"] = token;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, { title: "network" }, null);
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data || {}, response.headers);
    // no session, or a session this browser lost the CSRF token of: sign in again
    if ((response.status === 401 || error.slug === "csrf-failed") && !path.startsWith("/v1/auth/")) emit("unauthenticated");
    throw error;
  }
  return data;
}

export const get = (path) => api("GET", path);

export function query(path, params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

// The client key of a click not yet answered, by what the click asked for: clicking the
// same button again after a network failure resends the same key, so the server does it once.
const unanswered = new Map();

/** POST (or PUT) a conversation command with its version and client key. */
export async function command(conversation, action, body = {}, method = "POST") {
  const path = `/v1/conversations/${encodeURIComponent(conversation.id)}/${action}`;
  const slot = JSON.stringify([conversation.id, action, conversation.version, body]);
  let key = unanswered.get(slot);
  if (!key) {
    key = crypto.randomUUID();
    unanswered.set(slot, key);
  }
  try {
    const answer = await api(method, path, { ...body, version: conversation.version, client_key: key });
    unanswered.delete(slot);
    return answer;
  } catch (error) {
    if (!error.retryable) unanswered.delete(slot); // answered: a new click is a new command
    throw error;
  }
}
