/* District map drawn from the config: grids coloured by open tasks or device health,
   devices as dots, reported clues as pins; click a grid for its summary and page. */
"use strict";
(() => {
  const { fill, t, h, clear, $, api } = window.GW;
  const W = 1000;
  let data = null;
  let mode = new URLSearchParams(location.search).get("mode") || "tasks";
  let selected = null;

  const TASK_SCALE = ["#e8f1ea", "#fde7b0", "#fbbf6a", "#f2853f", "#d1242f"];
  function taskColour(g) {
    if (g.overdue_tasks > 0) return TASK_SCALE[4];
    return TASK_SCALE[Math.min(3, g.open_tasks)];
  }
  function healthColour(g) {
    if (!g.devices) return "#eef2f6";
    const share = g.devices_down / g.devices;
    return share === 0 ? "#d9f0de" : share < 0.25 ? "#fde7b0" : share < 0.5 ? "#f2853f" : "#d1242f";
  }
  const DEV_COLOUR = { online: "#1a7f37", offline: "#d1242f", error: "#d1242f", never_seen: "#94a3b8" };

  function draw() {
    const H = Math.round(W / data.aspect);
    const sx = (x) => (x * W).toFixed(1), sy = (y) => (y * H).toFixed(1);
    const svg = h("svg", { class: "map", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": t("map.title") });
    for (const g of data.grids) {
      const fill = mode === "tasks" ? taskColour(g) : healthColour(g);
      const poly = h("polygon", {
        class: "grid-cell" + (selected === g.id ? " selected" : ""), fill, dataset: { grid: g.id },
        points: g.polygon.map(([x, y]) => `${sx(x)},${sy(y)}`).join(" "),
        onclick: () => { selected = g.id; draw(); side(g); },
      }, h("title", {}, `${g.name} · ${t("map.open")} ${g.open_tasks} · ${t("map.overdue")} ${g.overdue_tasks} · ${t("map.devices")} ${g.devices}`));
      svg.append(poly);
    }
    // community names at the centre of their grids
    const byCommunity = new Map();
    for (const g of data.grids) {
      const c = byCommunity.get(g.community) || { name: g.community_name, xs: 0, ys: 0, n: 0 };
      for (const [x, y] of g.polygon) { c.xs += x; c.ys += y; c.n += 1; }
      byCommunity.set(g.community, c);
    }
    for (const c of byCommunity.values()) {
      svg.append(h("text", { class: "label", x: sx(c.xs / c.n), y: sy(c.ys / c.n), "text-anchor": "middle" }, c.name));
    }
    for (const d of data.devices) {
      const colour = DEV_COLOUR[d.status] || "#94a3b8";
      const shape = d.kind === "sensor"
        ? h("rect", { class: "dev", x: sx(d.x) - 3.5, y: sy(d.y) - 3.5, width: 7, height: 7, fill: colour })
        : h("circle", { class: "dev", cx: sx(d.x), cy: sy(d.y), r: d.ai ? 5 : 3, fill: d.ai ? colour : "#64748b" });
      shape.append(h("title", {}, `${d.name} · ${t("status." + d.status)}`));
      svg.append(shape);
    }
    for (const c of data.clues) {
      svg.append(h("circle", { cx: sx(c.x), cy: sy(c.y), r: 7, fill: "#7c3aed", stroke: "#fff", "stroke-width": 2 },
        h("title", {}, c.title)));
    }
    fill($("#map"), svg);
    legend();
  }

  function legend() {
    const sw = (colour, text) => h("span", {}, h("i", { style: null, class: "sw", dataset: { c: colour } }), text);
    const items = mode === "tasks"
      ? [[TASK_SCALE[0], "0"], [TASK_SCALE[1], "1"], [TASK_SCALE[2], "2"], [TASK_SCALE[3], "≥3"], [TASK_SCALE[4], t("map.overdue")]]
      : [["#d9f0de", "0%"], ["#fde7b0", "<25%"], ["#f2853f", "<50%"], ["#d1242f", "≥50% " + t("map.down")]];
    const el = clear($("#legend"));
    items.forEach(([c, txt]) => el.append(sw(c, txt)));
    el.append(sw("#1a7f37", t("map.legend.ai")), sw("#64748b", t("map.legend.camera")), sw("#d1242f", t("map.legend.down")), sw("#7c3aed", t("map.legend.clue")));
    // colours come from data attributes so no inline style is needed (strict CSP)
    el.querySelectorAll("i.sw").forEach((i) => { i.style.background = i.dataset.c; });
  }

  function side(g) {
    fill($("#side"), 
      h("h2", {}, g.name),
      h("dl", { class: "kv" },
        h("dt", {}, t("f.community")), h("dd", {}, g.community_name),
        h("dt", {}, t("map.leader")), h("dd", {}, `${g.leader_name} (${g.leader})`),
        h("dt", {}, t("map.open")), h("dd", { class: "num" }, String(g.open_tasks)),
        h("dt", {}, t("map.overdue")), h("dd", { class: "num" }, String(g.overdue_tasks)),
        h("dt", {}, t("map.devices")), h("dd", { class: "num" }, `${g.devices} (${t("map.down")} ${g.devices_down})`)),
      h("p", {}, h("a", { class: "btn primary", href: `/ops/grids/${g.id}` }, t("common.details"))));
  }

  function overview() {
    const open = data.grids.reduce((s, g) => s + g.open_tasks, 0);
    const overdue = data.grids.reduce((s, g) => s + g.overdue_tasks, 0);
    const down = data.devices.filter((d) => d.status === "offline" || d.status === "error").length;
    fill($("#side"), h("h2", {}, t("map.title")),
      h("div", { class: "stats" },
        h("div", { class: "stat" }, h("b", {}, String(data.grids.length)), h("span", {}, t("f.grid"))),
        h("div", { class: "stat" }, h("b", {}, String(open)), h("span", {}, t("map.open"))),
        h("div", { class: "stat" }, h("b", {}, String(overdue)), h("span", {}, t("map.overdue"))),
        h("div", { class: "stat" }, h("b", {}, `${data.devices.length}`), h("span", {}, t("map.devices"))),
        h("div", { class: "stat" }, h("b", {}, String(down)), h("span", {}, t("map.down")))));
  }

  $("#mode").addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    mode = b.dataset.mode;
    $("#mode").querySelectorAll("button").forEach((x) => x.classList.toggle("on", x === b));
    history.replaceState(null, "", location.pathname + "?mode=" + mode);
    draw();
  });
  $("#mode").querySelectorAll("button").forEach((x) => x.classList.toggle("on", x.dataset.mode === mode));
  api("GET", "/api/map").then((d) => { data = d; draw(); overview(); });
})();
