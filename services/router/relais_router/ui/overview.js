// A lead's overview: per team of their sites, the load, the breaches, the oldest due time
// and who is there to take the work.
import { due } from "./format.js";
import { fill, h } from "./h.js";
import { lang, t } from "./i18n.js";

const COLUMNS = ["open", "unassigned", "urgent", "breached", "waiting"];

export function renderOverview(root, rows, selectQueue) {
  fill(root,
    h("h2", { id: "list-title" }, t("overview_title")),
    rows.length ? h("table", { class: "overview" },
      h("caption", { class: "visually-hidden" }, t("overview_caption")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("ov_team")),
        COLUMNS.map((c) => h("th", { scope: "col" }, t(`ov_${c}`))),
        h("th", { scope: "col" }, t("ov_oldest_due")), h("th", { scope: "col" }, t("ov_agents")))),
      h("tbody", {}, rows.map((r) => {
        const oldest = due(r.oldest_due);
        return h("tr", {},
          h("th", { scope: "row" }, h("button", { type: "button", class: "link", onclick: () => selectQueue(r.site, r.team) },
            (lang() === "en" ? r.name_en : r.name_fr) || r.team)),
          COLUMNS.map((c) => h("td", { class: c === "breached" && r[c] ? "overdue" : "" }, String(r[c] ?? 0))),
          h("td", {}, oldest ? oldest.text : "—"),
          h("td", {}, t("ov_agents_value", { available: r.agents_available ?? 0, total: r.agents ?? 0 })));
      }))) : h("p", { class: "empty" }, t("overview_empty")));
}
