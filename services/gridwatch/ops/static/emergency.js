/* Emergency plans (the dispatch chain's activations): activate or drill a plan, follow its
   checklist until it completes, or stand it down. */
"use strict";
(() => {
  const { fill, BOOT, t, h, $, api, fmtTime, toast, ask } = window.GW;
  const canRun = BOOT.me.permissions.includes("run_emergency");

  async function tick(item) {
    try { await api("POST", `/api/emergencies/items/${item.item_id}/done`, { note: "" }); load(); } catch (e) { toast(e.message, true); }
  }

  async function standDown(a) {
    const v = await ask(t("em.end"), [{ name: "note", label: t("em.end_note"), type: "textarea", required: true }], t("em.end"));
    if (!v) return;
    try { await api("POST", `/api/emergencies/${a.activation_id}/stand-down`, { note: v.note }); load(); } catch (e) { toast(e.message, true); }
  }

  function activation(a) {
    const running = a.state === "active";
    const bar = h("div", { class: "progress" }, h("div", {}));
    bar.firstChild.style.width = `${a.total ? (100 * a.done) / a.total : 0}%`;
    const trigger = a.trigger === "manual" ? t("em.trigger.manual") : t("em.trigger.event");
    return h("div", { class: "card", dataset: { activation: a.activation_id, state: a.state } },
      h("div", { class: "page-head" },
        h("h2", {}, a.plan_name),
        h("span", { class: "badge " + (a.drill ? "st-dispatched" : "st-rejected") }, a.drill ? t("em.drill_tag") : t("em.real_tag")),
        h("span", { class: "badge " + (running ? "st-reported" : "st-closed") }, t("em.state." + a.state)),
        h("span", { class: "muted small" }, `${fmtTime(a.activated_at)} · ${trigger} · ${a.activated_by}${a.ended_at ? " → " + fmtTime(a.ended_at) : ""}`),
        h("div", { class: "tools" }, canRun && running ? h("button", { class: "btn", dataset: { act: "stand-down" }, onclick: () => standDown(a) }, t("em.end")) : null)),
      h("div", { class: "small muted" }, `${t("em.progress")} ${a.done}/${a.total}`), bar,
      h("ul", { class: "route-list" }, a.items.map((s) => h("li", { dataset: { item: s.item_id } },
        h("span", { class: s.done_at ? "mark ok" : "mark no" }, s.done_at ? "✓" : "○"),
        h("div", { class: "stack" },
          h("div", {}, s.step, " ", h("span", { class: "muted small" }, s.unit_name)),
          h("span", { class: "small " + (s.overdue ? "sla overdue" : "muted") }, s.done_at ? `${fmtTime(s.done_at)} · ${s.done_by}` : `${t("f.deadline")} ${fmtTime(s.due_at)}`)),
        canRun && !s.done_at && running ? h("button", { class: "btn ok", dataset: { act: "done" }, onclick: () => tick(s) }, t("em.done")) : null))));
  }

  async function start(plan, drill) {
    let note = "";
    if (!drill) {
      const v = await ask(t("em.confirm_activate"), [{ name: "note", label: t("f.note"), type: "textarea", required: true }], t("em.activate"));
      if (!v) return;
      note = v.note;
    }
    try { await api("POST", "/api/emergencies", { plan_id: plan.id, drill, note }); } catch (e) { toast(e.message, true); }
    load();
  }

  async function load() {
    const [plans, list] = await Promise.all([api("GET", "/api/emergency-plans"), api("GET", "/api/emergencies")]);
    const shown = list.filter((a) => a.state === "active").concat(list.filter((a) => a.state !== "active").slice(0, 10));
    const full = await Promise.all(shown.map((a) => api("GET", `/api/emergencies/${a.activation_id}`)));
    fill($("#runs"), full.length ? h("div", { class: "stack" }, full.map(activation)) : h("p", { class: "muted" }, t("common.empty")));
    fill($("#plans"), h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, t("em.title")), h("th", {}, t("em.hazard")), h("th", {}, t("f.community")), h("th", {}, t("em.checklist")), h("th", {}, ""))),
      h("tbody", {}, plans.map((p) => h("tr", { dataset: { plan: p.id } },
        h("td", {}, p.name, h("div", { class: "small muted" }, `${t("em.posts")}: ${p.posts.join("、")}`)),
        h("td", { class: "small" }, p.hazard),
        h("td", { class: "small" }, p.communities.map((c) => c.name).join("、")),
        h("td", { class: "small" }, p.checklist.map((c) => `${c.step}（${c.unit_name}，${c.within}）`).join("；")),
        h("td", { class: "nowrap" }, canRun && !p.active ? [
          h("button", { class: "btn", dataset: { act: "drill" }, onclick: () => start(p, true) }, t("em.drill")), " ",
          h("button", { class: "btn danger", dataset: { act: "activate" }, onclick: () => start(p, false) }, t("em.activate"))]
          : p.active ? h("span", { class: "badge st-reported" }, t("em.state.active")) : null))))));
  }
  load();
})();
