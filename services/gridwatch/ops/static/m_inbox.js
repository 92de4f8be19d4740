/* Field app inbox: my tasks by what they need from me; new ones arrive live. */
"use strict";
(() => {
  const { typeName, fill, t, h, clear, $, api, stateBadge, slaBadge, liveFeed, toast } = window.GW;
  const list = $("#list");
  const tabs = $("#tabs");
  let tab = new URLSearchParams(location.search).get("tab") || "todo";
  let tasks = [];

  function group(task) {
    const a = task.allowed_actions;
    if (a.includes("verify") || a.includes("rework")) return "check";
    if (["dispatched", "returned", "reported", "filed"].includes(task.state) && a.length) return "todo";
    if (["accepted", "handling"].includes(task.state) && a.length) return "doing";
    if (["closed", "evaluated", "verified", "rejected", "merged", "suppressed"].includes(task.state)) return "done";
    return a.length ? "todo" : "doing";
  }

  function row(task) {
    const img = task.evidence_url ? h("img", { src: task.evidence_url, alt: "", loading: "lazy" }) : h("div", { class: "noimg" });
    return h("a", { class: "mtask", href: `/m/tasks/${task.task_id}`, dataset: { taskId: task.task_id, state: task.state } }, img,
      h("div", {},
        h("div", { class: "t" }, typeName(task.event_type, task.event_type_name)),
        h("div", { class: "s" }, `${task.grid_name} · ${task.device_name || t("source." + task.source)}`),
        h("div", { class: "b" }, stateBadge(task.state), slaBadge(task.deadline))));
  }

  function show() {
    for (const b of tabs.querySelectorAll("button")) {
      b.classList.toggle("on", b.dataset.tab === tab);
      b.querySelector("span").textContent = String(tasks.filter((x) => group(x) === b.dataset.tab).length || "");
    }
    const mine = tasks.filter((x) => group(x) === tab);
    fill(list, mine.length ? mine.map(row) : h("p", { class: "muted" }, t("m.empty")));
  }

  async function load() {
    tasks = await api("GET", "/api/tasks?limit=300");
    show();
  }

  tabs.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    tab = b.dataset.tab;
    history.replaceState(null, "", location.pathname + "?tab=" + tab);
    show();
  });
  load().then(() => liveFeed({
    event: () => { toast(t("m.new_task")); load(); },
    task: () => load(),
  }, $("#live")));
})();
