/* Emergency plans: activate or drill, then tick the checklist until the run ends. */
"use strict";
(() => {
  const { fill, BOOT, t, h, clear, $, api, fmtTime, toast, ask } = window.GW;
  const canRun = BOOT.me.permissions.includes("run_emergency");

  function run(r) {
    const done = r.done, total = r.total;
    const bar = h("div", { class: "progress" }, h("div", {}));
    bar.firstChild.style.width = `${total ? (100 * done) / total : 0}%`;
    return h("div", { class: "card", dataset: { run: r.run_id } },
      h("div", { class: "page-head" },
        h("h2", {}, r.plan_name),
        h("span", { class: "badge " + (r.drill ? "st-dispatched" : "st-rejected") }, r.drill ? t("em.drill_tag") : t("em.real_tag")),
        h("span", { class: "muted small" }, `${fmtTime(r.started_at)} · ${r.started_by}${r.ended_at ? " → " + fmtTime(r.ended_at) : ""}`),
        h("div", { class: "tools" }, canRun && !r.ended_at ? h("button", { class: "btn", onclick: async () => {
          try { await api("POST", `/api/emergency-runs/${r.run_id}/end`); load(); } catch (e) { toast(e.message, true); }
        } }, t("em.end")) : null)),
      h("div", { class: "small muted" }, `${t("em.progress")} ${done}/${total}`), bar,
      h("ul", { class: "route-list" }, r.steps.map((s) => h("li", { dataset: { step: String(s.index) } },
        h("span", { class: s.done_at ? "mark ok" : "mark no" }, s.done_at ? "✓" : "○"),
        h("div", { class: "stack" },
          h("div", {}, s.step, " ", h("span", { class: "muted small" }, s.unit_name)),
          h("div", { class: "small " + (s.overdue ? "sla overdue" : "muted") }, s.done_at ? `${fmtTime(s.done_at)} · ${s.done_by}` : `${t("f.deadline")} ${fmtTime(s.due_at)}`)),
        canRun && !s.done_at && !r.ended_at ? h("button", { class: "btn ok", onclick: async () => {
          try { await api("POST", `/api/emergency-runs/${r.run_id}/steps/${s.index}/done`, { note: "" }); load(); } catch (e) { toast(e.message, true); }
        } }, t("em.done")) : null))));
  }

  async function start(plan, drill) {
    if (!drill) {
      const v = await ask(t("em.confirm_activate"), [{ name: "note", label: t("f.note"), type: "textarea", required: true }], t("em.activate"));
      if (!v) return;
      try { await api("POST", `/api/emergency-plans/${plan.id}/runs`, { drill: false, note: v.note }); } catch (e) { toast(e.message, true); }
    } else {
      try { await api("POST", `/api/emergency-plans/${plan.id}/runs`, { drill: true, note: "" }); } catch (e) { toast(e.message, true); }
    }
    load();
  }

  async function load() {
    const [plans, runs] = await Promise.all([api("GET", "/api/emergency-plans"), api("GET", "/api/emergency-runs")]);
    const open = runs.filter((r) => !r.ended_at), past = runs.filter((r) => r.ended_at).slice(0, 10);
    fill($("#runs"), open.length || past.length ? h("div", { class: "stack" }, open.map(run), past.map(run)) : h("p", { class: "muted" }, t("common.empty")));
    fill($("#plans"), h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, t("em.title")), h("th", {}, t("em.hazard")), h("th", {}, t("f.community")), h("th", {}, t("em.checklist")), h("th", {}, ""))),
      h("tbody", {}, plans.map((p) => h("tr", { dataset: { plan: p.id } },
        h("td", {}, p.name, h("div", { class: "small muted" }, `${t("em.posts")}: ${p.posts.join("、")}`)),
        h("td", { class: "small" }, p.hazard),
        h("td", { class: "small" }, p.communities.map((c) => c.name).join("、")),
        h("td", { class: "small" }, p.checklist.map((c) => `${c.step}（${c.unit_name}，${c.within}）`).join("；")),
        h("td", { class: "nowrap" }, canRun && !p.open_run ? [
          h("button", { class: "btn", onclick: () => start(p, true) }, t("em.drill")), " ",
          h("button", { class: "btn danger", onclick: () => start(p, false) }, t("em.activate"))] : p.open_run ? h("span", { class: "badge st-reported" }, p.open_run) : null))))));
  }
  load();
})();
