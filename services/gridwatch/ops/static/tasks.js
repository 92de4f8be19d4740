/* Task board: one column per stage of the case loop, SLA countdowns, overdue highlighted. */
"use strict";
(() => {
  const { typeName, fill, t, h, clear, $, api, slaBadge, option, queryParams, setQuery, liveFeed, organisation } = window.GW;
  const COLUMNS = [
    ["confirm", ["reported"]],
    ["dispatch", ["filed", "returned"]],
    ["accept", ["dispatched"]],
    ["handle", ["accepted", "handling"]],
    ["verify", ["handled"]],
    ["close", ["verified"]],
    ["done", ["closed", "evaluated"]],
  ];
  const form = $("#filters");
  const board = $("#board");

  function card(task) {
    return h("a", { class: "tcard" + (task.deadline && task.deadline.overdue ? " overdue" : ""), href: `/ops/tasks/${task.task_id}`, dataset: { taskId: task.task_id, state: task.state } },
      h("div", { class: "line1" }, h("span", {}, typeName(task.event_type, task.event_type_name)), h("span", { class: "badge st-" + task.state }, t("state." + task.state))),
      h("div", { class: "line2" }, `${task.grid_name} · ${task.device_name || t("source." + task.source)}`),
      h("div", { class: "line3" }, h("span", {}, task.assignee_name), slaBadge(task.deadline)));
  }

  function filters() {
    const f = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === "checkbox") f[el.name] = el.checked ? "1" : "";
      else f[el.name] = el.value;
    }
    return f;
  }

  async function load() {
    const f = filters();
    setQuery(f);
    const q = new URLSearchParams();
    for (const k of ["community", "grid", "squad", "algorithm", "source"]) if (f[k]) q.set(k, f[k]);
    q.set("limit", "1000");
    let tasks = await api("GET", "/api/tasks?" + q);
    if (f.overdue) tasks = tasks.filter((x) => x.deadline && x.deadline.overdue);
    clear(board);
    for (const [key, states] of COLUMNS) {
      const items = tasks.filter((x) => states.includes(x.state));
      if (key === "done") items.splice(30); // the newest closed ones; the rest are history
      board.append(h("section", { class: "column", dataset: { column: key } },
        h("h3", {}, h("span", {}, t("board.col." + key)), h("span", { class: "muted" }, String(items.length))),
        h("div", { class: "items" }, items.map(card))));
    }
    $("#count").textContent = t("board.count", { n: tasks.length });
  }

  async function init() {
    const org = await organisation();
    const q = queryParams();
    const fillSelect = (name, pairs) => {
      const sel = form.elements[name];
      pairs.forEach(([v, txt]) => sel.append(option(v, txt, q.get(name) === v)));
    };
    fillSelect("community", org.communities.map((c) => [c.id, c.name]));
    fillSelect("grid", org.grids.map((g) => [g.id, g.name]));
    fillSelect("squad", org.squads.map((s) => [s.id, s.name]));
    fillSelect("algorithm", org.algorithms.map((a) => [a.id, typeName(a.id, a.name)]));
    fillSelect("source", ["ai", "grid_leader", "citizen", "system"].map((s) => [s, t("source." + s)]));
    form.elements.overdue.checked = q.get("overdue") === "1";
    form.elements.community.addEventListener("change", () => {
      const c = form.elements.community.value;
      const sel = form.elements.grid;
      fill(sel, option("", t("common.all")));
      org.grids.filter((g) => !c || g.community === c).forEach((g) => sel.append(option(g.id, g.name)));
    });
    form.addEventListener("change", load);
    form.addEventListener("reset", () => setTimeout(load, 0));
    await load();
    let pending = null;
    liveFeed({
      event: () => { clearTimeout(pending); pending = setTimeout(load, 300); },
      task: () => { clearTimeout(pending); pending = setTimeout(load, 300); },
    }, $("#live"));
  }
  init();
})();
