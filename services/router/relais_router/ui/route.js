// Where the inbox is, in the URL's fragment, so a reload or a shared link lands there:
// #/q/<site>/<team>[/c/<conversation id>], #/c/<conversation id>, #/overview.

export function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === "overview") return { view: "overview" };
  if (parts[0] === "q" && parts.length >= 3) {
    return { site: parts[1], team: parts[2], conversation: parts[3] === "c" ? parts[4] || null : null };
  }
  if (parts[0] === "c" && parts[1]) return { conversation: parts[1] };
  return {};
}

export function routeHash({ site, team, conversation, view } = {}) {
  const e = encodeURIComponent;
  if (view === "overview") return "#/overview";
  if (site && team) return `#/q/${e(site)}/${e(team)}${conversation ? `/c/${e(conversation)}` : ""}`;
  if (conversation) return `#/c/${e(conversation)}`;
  return "#/";
}

/** Go there; the inbox follows through its hashchange listener. */
export function routeTo(route, replace = false) {
  const hash = routeHash(route);
  if (replace || location.hash === hash) {
    if (replace) history.replaceState(null, "", hash);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = hash;
  }
}
