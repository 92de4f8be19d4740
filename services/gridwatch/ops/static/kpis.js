/* KPIs and league tables (赛马比拼), false alarms per algorithm, daily trend. */
"use strict";
(() => {
  const { typeName, fill, t, h, clear, $, api, pct, charts } = window.GW;
  const root = $("#kpis");

  function league(rows, id) {
    return h("div", { class: "table-wrap" }, h("table", { class: "data", id },
      h("thead", {}, h("tr", {}, h("th", {}, t("kpi.rank")), h("th", {}, t("users.name")), h("th", { class: "num" }, t("kpi.tasks")),
        h("th", { class: "num" }, t("kpi.accept_on_time")), h("th", { class: "num" }, t("kpi.on_time")), h("th", { class: "num" }, t("kpi.rework")),
        h("th", { class: "num" }, t("kpi.closed")), h("th", { class: "num" }, t("kpi.overdue")), h("th", { class: "num" }, t("kpi.score")))),
      h("tbody", {}, rows.map((r) => h("tr", {},
        h("td", {}, r.rank ? h("span", { class: "rank r" + r.rank }, String(r.rank)) : "—"),
        h("td", {}, r.name),
        h("td", { class: "num" }, String(r.tasks)),
        h("td", { class: "num" }, pct(r.accepted_on_time_rate)),
        h("td", { class: "num" }, pct(r.handled_on_time_rate)),
        h("td", { class: "num" }, pct(r.rework_rate)),
        h("td", { class: "num" }, String(r.closed)),
        h("td", { class: "num" }, String(r.open_overdue)),
        h("td", { class: "num" }, r.score === null ? "—" : r.score.toFixed(1)))))));
  }

  async function load() {
    const k = await api("GET", "/api/kpis?days=" + $("#days").value);
    const scored = (rows) => rows.filter((r) => r.score !== null).map((r) => ({ label: r.name, value: r.score, text: r.score.toFixed(1) }));
    const algos = k.algorithms.filter((a) => a.events > 0);
    fill(root, 
      h("div", { class: "card" }, h("div", { class: "stats" },
        h("div", { class: "stat" }, h("b", {}, String(k.events)), h("span", {}, t("kpi.events"))),
        h("div", { class: "stat" }, h("b", {}, String(k.closed)), h("span", {}, t("kpi.closed"))),
        h("div", { class: "stat" }, h("b", {}, pct(k.closure_rate)), h("span", {}, t("kpi.closure_rate"))),
        h("div", { class: "stat" }, h("b", {}, pct(k.on_time_rate)), h("span", {}, t("kpi.on_time")))),
      h("p", { class: "small muted" }, t("kpi.definitions"))),
      h("div", { class: "card" }, h("h2", {}, t("kpi.trend")),
        charts.lines(k.trend.map((p) => p.day.slice(5)), [
          { name: t("kpi.events"), colour: "#1f6feb", values: k.trend.map((p) => p.events) },
          { name: t("kpi.closed"), colour: "#1a7f37", values: k.trend.map((p) => p.closed) },
          { name: t("kpi.overdue"), colour: "#d1242f", values: k.trend.map((p) => p.overdue) }]),
        h("div", { class: "legend" }, h("span", {}, "— " + t("kpi.events")), h("span", {}, "— " + t("kpi.closed")), h("span", {}, "— " + t("kpi.overdue")))),
      h("div", { class: "cols-2" },
        h("div", { class: "card" }, h("h2", {}, t("kpi.squads")), scored(k.squads).length ? charts.bars(scored(k.squads), { max: 100 }) : null, league(k.squads, "squad-league")),
        h("div", { class: "card" }, h("h2", {}, t("kpi.communities")), scored(k.communities).length ? charts.bars(scored(k.communities), { max: 100 }) : null, league(k.communities, "community-league"))),
      h("div", { class: "card" }, h("h2", {}, t("kpi.algorithms")),
        algos.length ? charts.bars(algos.map((a) => ({ label: typeName(a.algorithm, a.name), value: a.false_alarm_rate || 0, text: `${pct(a.false_alarm_rate)} (${a.rejected}/${a.confirmed + a.rejected})` })), { max: 1, cls: "alt" }) : null,
        h("div", { class: "table-wrap" }, h("table", { class: "data" },
          h("thead", {}, h("tr", {}, h("th", {}, t("f.algorithm")), h("th", { class: "num" }, t("kpi.events")), h("th", { class: "num" }, t("kpi.confirmed")), h("th", { class: "num" }, t("kpi.rejected")), h("th", { class: "num" }, t("kpi.false_alarm")))),
          h("tbody", {}, k.algorithms.map((a) => h("tr", {}, h("td", {}, typeName(a.algorithm, a.name)), h("td", { class: "num" }, String(a.events)), h("td", { class: "num" }, String(a.confirmed)), h("td", { class: "num" }, String(a.rejected)), h("td", { class: "num" }, pct(a.false_alarm_rate)))))))));
    const lg = root.querySelectorAll(".legend span");
    ["#1f6feb", "#1a7f37", "#d1242f"].forEach((c, i) => { if (lg[i]) lg[i].style.color = c; });
  }
  $("#days").addEventListener("change", load);
  load();
})();
