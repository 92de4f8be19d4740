/* One grid: its numbers, its devices' health and its tasks. */
"use strict";
(() => {
  const { typeName, fill, t, h, clear, $, api, fmtTime, stateBadge, slaBadge } = window.GW;
  const root = $("#grid");
  api("GET", `/api/grids/${root.dataset.gridId}`).then((d) => {
    const g = d.grid;
    document.querySelector(".page-head h1").textContent = `${g.name} · ${g.community_name}`;
    fill(root, 
      h("div", { class: "card" }, h("div", { class: "stats" },
        h("div", { class: "stat" }, h("b", {}, `${g.leader_name}`), h("span", {}, t("map.leader"))),
        h("div", { class: "stat" }, h("b", {}, String(g.open_tasks)), h("span", {}, t("map.open"))),
        h("div", { class: "stat" }, h("b", {}, String(g.overdue_tasks)), h("span", {}, t("map.overdue"))),
        h("div", { class: "stat" }, h("b", {}, String(g.devices)), h("span", {}, t("map.devices"))),
        h("div", { class: "stat" }, h("b", {}, String(g.devices_down)), h("span", {}, t("map.down"))))),
      h("div", { class: "cols-2" },
        h("div", { class: "card" }, h("h2", {}, t("map.grid_tasks")),
          d.tasks.length ? h("div", { class: "table-wrap" }, h("table", { class: "data" },
            h("thead", {}, h("tr", {}, h("th", {}, t("f.type")), h("th", {}, t("f.state")), h("th", {}, t("f.assignee")), h("th", {}, t("f.deadline")))),
            h("tbody", {}, d.tasks.map((x) => h("tr", {},
              h("td", {}, h("a", { href: `/ops/tasks/${x.task_id}` }, typeName(x.event_type, x.event_type_name))),
              h("td", {}, stateBadge(x.state)), h("td", {}, x.assignee_name), h("td", {}, slaBadge(x.deadline) || "—"))))))
            : h("p", { class: "muted" }, t("common.empty"))),
        h("div", { class: "card" }, h("h2", {}, t("map.grid_devices")),
          h("div", { class: "table-wrap" }, h("table", { class: "data" },
            h("tbody", {}, d.devices.map((x) => h("tr", {},
              h("td", {}, x.name, h("div", { class: "small muted" }, x.device_id)),
              h("td", {}, h("span", { class: "badge on-" + x.status }, t("status." + x.status))),
              h("td", { class: "small muted" }, fmtTime(x.last_seen))))))))));
  }).catch((e) => fill(root, h("p", { class: "muted" }, e.message)));
})();
