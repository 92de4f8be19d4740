/* Field app: the running emergencies (and drills) that give my unit checklist steps; I tick
   off my own steps with an optional note. Steps of other units never get a button. */
"use strict";
(() => {
  const { fill, t, h, $, api, fmtTime, toast } = window.GW;
  const runs = $("#runs");

  async function tick(item, form) {
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await api("POST", `/api/emergencies/items/${item.item_id}/done`, { note: form.elements.note.value.trim() });
      toast(t("m.step_done"));
    } catch (e) {
      toast(e.message, true);
    }
    load();
  }

  function step(s, running) {
    const form = running && s.mine && !s.done_at
      ? h("form", { class: "action-form", onsubmit: (e) => { e.preventDefault(); tick(s, e.target); } },
        h("input", { name: "note", maxlength: "2000", placeholder: t("m.step_note"), "aria-label": t("m.step_note") }),
        h("button", { class: "btn ok big", type: "submit", dataset: { act: "done" } }, t("em.done")))
      : null;
    return h("li", { dataset: { item: s.item_id, mine: String(s.mine), done: String(!!s.done_at) } },
      h("span", { class: s.done_at ? "mark ok" : "mark no" }, s.done_at ? "✓" : "○"),
      h("div", { class: "stack" },
        h("div", {}, s.step, " ", h("span", { class: "muted small" }, s.unit_name)),
        h("span", { class: "small " + (s.overdue ? "sla overdue" : "muted") },
          s.done_at ? `${fmtTime(s.done_at)} · ${s.done_by}${s.note ? " · " + s.note : ""}` : `${t("f.deadline")} ${fmtTime(s.due_at)}`),
        s.mine ? form : h("span", { class: "small muted" }, t("m.not_yours"))));
  }

  function activation(a) {
    const running = a.state === "active";
    const done = a.items.filter((s) => s.done_at).length;
    const bar = h("div", { class: "progress" }, h("div", {}));
    bar.firstChild.style.width = `${a.items.length ? (100 * done) / a.items.length : 0}%`;
    return h("div", { class: "card stack", dataset: { activation: a.activation_id, state: a.state } },
      h("div", {},
        h("h2", {}, a.plan_name),
        h("span", { class: "badge " + (a.drill ? "st-dispatched" : "st-rejected") }, a.drill ? t("em.drill_tag") : t("em.real_tag")), " ",
        h("span", { class: "muted small" }, fmtTime(a.activated_at))),
      h("div", { class: "small muted" }, `${t("em.progress")} ${done}/${a.items.length}`), bar,
      h("ul", { class: "route-list" }, a.items.map((s) => step(s, running))));
  }

  async function load() {
    try {
      const list = await api("GET", "/api/emergencies?state=active");
      const full = await Promise.all(list.map((a) => api("GET", `/api/emergencies/${a.activation_id}`)));
      fill(runs, full.length ? full.map(activation) : h("p", { class: "muted" }, t("m.checklist_empty")));
    } catch (e) {
      toast(e.message, true);
    }
  }
  load();
})();
