/* Dispatch plans: coverage and gaps (the chain's `plans coverage`), the routing tree, "who would
   get this", and silences (muted events are kept as suppressed cases, never dropped). */
"use strict";
(() => {
  const { typeName, fill, BOOT, t, h, clear, $, api, fmtTime, pct, option, organisation, toast } = window.GW;
  const canSilence = BOOT.me.permissions.includes("manage_silences");

  async function coverage() {
    const c = await api("GET", "/api/plans/coverage");
    fill($("#coverage"), h("h2", {}, t("plans.coverage")),
      h("div", { class: "stats" },
        h("div", { class: "stat", id: "coverage-value" }, h("b", {}, pct(c.coverage)), h("span", {}, `${c.covered} / ${c.pairs} ${t("plans.pairs")}`)),
        h("div", { class: "stat" }, h("b", {}, String(c.gaps.length)), h("span", {}, t("plans.gaps"))),
        h("div", { class: "stat" }, h("b", {}, String(c.duty_gaps.length)), h("span", {}, t("plans.duty_gaps")))),
      c.gaps.length ? h("div", { class: "table-wrap scroll-y" }, h("table", { class: "data", id: "gaps" },
        h("thead", {}, h("tr", {}, h("th", {}, t("f.type")), h("th", {}, t("f.grid")), h("th", {}, t("plans.why")))),
        h("tbody", {}, c.gaps.slice(0, 200).map((g) => h("tr", {}, h("td", {}, typeName(g.event_type, g.event_type_name)), h("td", {}, g.grid_name),
          h("td", { class: "small" }, g.reason)))))) : null,
      c.duty_gaps.length ? [h("h3", {}, t("plans.duty_gaps")), h("ul", { class: "route-list", id: "duty-gaps" }, c.duty_gaps.map((g) =>
        h("li", {}, h("div", {}, typeName(g.event_type, g.name), h("div", { class: "small muted" }, g.reason)))))] : null);
  }

  async function tree() {
    const routes = await api("GET", "/api/plans");
    fill($("#tree"), h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, t("f.plan")), h("th", {}, t("plans.receiver")), h("th", {}, t("plans.deadlines")))),
      h("tbody", {}, routes.map((r) => h("tr", { dataset: { route: r.id } },
        h("td", {}, h("div", {}, "\u3000".repeat(r.depth), r.name, r.silenced_by.length ? h("span", { class: "badge st-reported" }, " " + t("plans.silence.active")) : null),
          h("div", { class: "small muted" }, "\u3000".repeat(r.depth), r.matchers.join(", "))),
        h("td", { class: "small" }, r.receiver_name),
        h("td", { class: "small nowrap" }, Object.entries(r.deadlines).map(([k, v]) => `${t("board.sla." + k)} ${v}`).join(" · ")))))));
  }

  async function silences() {
    const list = (await api("GET", "/api/silences?expired=true")).reverse().slice(0, 30);
    fill($("#silences"), list.length ? h("ul", { class: "route-list" }, list.map((s) => h("li", { dataset: { silence: s.silence_id } },
      h("div", { class: "stack" },
        h("div", {}, h("b", {}, s.silence_id), " ", h("span", { class: "badge " + (s.active ? "st-reported" : "st-closed") }, s.active ? t("plans.silence.active") : t("plans.silence.ended"))),
        h("code", {}, s.matchers.join(", ")),
        h("div", { class: "small muted" }, `${fmtTime(s.starts_at)} → ${fmtTime(s.ends_at)} · ${s.author} · ${s.comment}`),
        s.active && canSilence ? h("div", {}, h("button", { class: "btn danger", onclick: async () => {
          try { await api("POST", `/api/silences/${s.silence_id}/expire`); silences(); tree(); } catch (e) { toast(e.message, true); }
        } }, t("plans.silence.expire"))) : null)))) : h("p", { class: "muted" }, t("common.empty")));
  }

  async function init() {
    const org = await organisation();
    const f = $("#explain");
    org.event_types.forEach((e) => f.elements.event_type.append(option(e.id, typeName(e.id, e.name))));
    org.grids.forEach((g) => f.elements.grid.append(option(g.id, g.name)));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const x = await api("POST", "/api/plans/explain", { event_type: f.elements.event_type.value, grid: f.elements.grid.value, source: f.elements.source.value });
        const r = x.routing;
        fill($("#explained"), h("div", { class: "why" },
          r.fallback ? t("task.routing.fallback") : `${t("task.routing.matched")}: ${r.route_name} → ${x.assignee_name}`,
          h("div", { class: "small" }, `${t("f.verifier")}: ${x.verifier_name}`),
          h("div", { class: "small" }, Object.entries(x.deadlines).map(([k, v]) => `${t("board.sla." + k)} ${v}`).join(" · ")),
          x.muted_by ? h("div", { class: "small" }, t("plans.muted_now", { id: x.muted_by })) : null),
        h("ul", { class: "route-list" }, r.considered.map((c) => h("li", {}, h("span", { class: c.matched ? "mark ok" : "mark no" }, c.matched ? "✓" : "✗"), h("div", {}, c.route, h("div", {}, h("code", {}, c.reason)))))));
      } catch (err) { toast(err.message, true); }
    });
    if (canSilence) {
      const s = $("#silence");
      s.classList.remove("hidden");
      s.addEventListener("submit", async (e) => {
        e.preventDefault();
        try {
          await api("POST", "/api/silences", {
            matchers: s.elements.matchers.value.split("\n").map((x) => x.trim()).filter(Boolean),
            duration_s: Math.round(Number(s.elements.hours.value) * 3600),
            comment: s.elements.comment.value,
          });
          s.reset(); silences(); tree();
        } catch (err) { toast(err.message, true); }
      });
    }
    coverage(); tree(); silences();
  }
  init();
})();
