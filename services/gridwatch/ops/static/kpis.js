/* KPIs and league tables (赛马比拼) from GET /api/kpis: the dispatch chain's numbers over the
   audit log (the same as `gridwatch report kpis`), the daily trend, false alarms per algorithm,
   emergencies, and the overdue list (督查). */
"use strict";
(() => {
  const { typeName, fill, t, h, $, api, pct, fmtDuration, charts, BOOT } = window.GW;
  const root = $("#kpis");
  const canOverdue = BOOT.me.permissions.includes("view_ops");
  const name = (k, id) => k.names[id] || id;
  // Draw charts at about the size they are shown, so their labels stay readable on a phone.
  const narrow = () => root.clientWidth < 700;
  const barOpts = (o) => Object.assign(narrow() ? { width: 340, label: 120 } : {}, o);

  function stat(value, label) {
    return h("div", { class: "stat" }, h("b", {}, value), h("span", {}, label));
  }

  function league(k, rows, id) {
    return h("div", { class: "table-wrap" }, h("table", { class: "data", id },
      h("thead", {}, h("tr", {}, h("th", {}, t("kpi.rank")), h("th", {}, t(id === "community-league" ? "f.community" : "kpi.unit")), h("th", { class: "num" }, t("kpi.cases")),
        h("th", { class: "num" }, t("kpi.acceptance_rate")), h("th", { class: "num" }, t("kpi.closure_rate")),
        h("th", { class: "num" }, t("kpi.on_time")), h("th", { class: "num" }, t("kpi.rework")), h("th", { class: "num" }, t("kpi.score")))),
      h("tbody", {}, rows.map((r) => h("tr", { dataset: { unit: r.unit } },
        h("td", {}, h("span", { class: "rank r" + r.rank }, String(r.rank))),
        h("td", {}, name(k, r.unit)),
        h("td", { class: "num" }, String(r.cases)),
        h("td", { class: "num" }, pct(r.acceptance_rate)),
        h("td", { class: "num" }, pct(r.closure_rate)),
        h("td", { class: "num" }, pct(r.on_time_closure_rate)),
        h("td", { class: "num" }, pct(r.rework_rate)),
        h("td", { class: "num" }, (100 * r.score).toFixed(1)))))));
  }

  function leagueCard(k, title, rows, id) {
    const bars = rows.map((r) => ({ label: name(k, r.unit), value: 100 * r.score, text: (100 * r.score).toFixed(1) }));
    return h("div", { class: "card" }, h("h2", {}, title),
      rows.length ? [charts.bars(bars, barOpts({ max: 100 })), league(k, rows, id)] : h("p", { class: "muted" }, t("common.empty")));
  }

  function algorithms(k) {
    const rows = Object.entries(k.by.algorithm || {});
    return h("div", { class: "card" }, h("h2", {}, t("kpi.algorithms")),
      rows.length ? [
        charts.bars(rows.map(([a, v]) => ({ label: typeName(a, name(k, a)), value: v.false_alarm_rate || 0,
          text: `${pct(v.false_alarm_rate)} (${v.false_alarms}/${v.verdicts})` })), barOpts({ max: 1, cls: "alt" })),
        h("div", { class: "table-wrap" }, h("table", { class: "data", id: "algorithm-kpis" },
          h("thead", {}, h("tr", {}, h("th", {}, t("f.algorithm")), h("th", { class: "num" }, t("kpi.reported")),
            h("th", { class: "num" }, t("kpi.rejected")), h("th", { class: "num" }, t("kpi.verdicts")),
            h("th", { class: "num" }, t("kpi.false_alarms")), h("th", { class: "num" }, t("kpi.false_alarm")))),
          h("tbody", {}, rows.map(([a, v]) => h("tr", {}, h("td", {}, typeName(a, name(k, a))),
            h("td", { class: "num" }, String(v.reported)), h("td", { class: "num" }, String(v.rejected)),
            h("td", { class: "num" }, String(v.verdicts)), h("td", { class: "num" }, String(v.false_alarms)),
            h("td", { class: "num" }, pct(v.false_alarm_rate)))))))] : h("p", { class: "muted" }, t("common.empty")));
  }

  function emergencies(k) {
    return h("div", { class: "card" }, h("h2", {}, t("kpi.emergencies")),
      h("div", { class: "table-wrap" }, h("table", { class: "data" },
        h("thead", {}, h("tr", {}, h("th", {}, t("kpi.em.kind")), h("th", { class: "num" }, t("kpi.em.activations")),
          h("th", { class: "num" }, t("kpi.em.done")), h("th", { class: "num" }, t("kpi.overdue_by")))),
        h("tbody", {}, Object.entries(k.emergencies).map(([kind, e]) => h("tr", {},
          h("td", {}, t(kind === "drill" ? "em.drill_tag" : "em.real_tag")),
          h("td", { class: "num" }, String(e.activations)),
          h("td", { class: "num" }, `${e.done}/${e.checklist_tasks}`),
          h("td", { class: "num" }, String(e.overdue))))))));
  }

  function overdue(k, rows) {
    return h("div", { class: "card" }, h("h2", {}, `${t("kpi.overdue")} · ${rows.length}`),
      rows.length ? h("div", { class: "table-wrap scroll-y" }, h("table", { class: "data", id: "overdue" },
        h("thead", {}, h("tr", {}, h("th", {}, t("f.assignee")), h("th", {}, t("f.grid")), h("th", {}, t("kpi.late_on")), h("th", { class: "num" }, t("kpi.overdue_by")))),
        h("tbody", {}, rows.slice(0, 50).map((r) => h("tr", {},
          h("td", {}, h("a", { href: `/ops/tasks/${r.task_id}` }, name(k, r.assignee))),
          h("td", {}, name(k, r.grid)),
          h("td", {}, t("board.sla." + r.late_on)),
          h("td", { class: "num sla overdue" }, fmtDuration(r.overdue_s))))))) : h("p", { class: "muted" }, t("common.empty")));
  }

  async function load() {
    const until = new Date();
    const since = new Date(until.getTime() - Number($("#days").value) * 86400 * 1000);
    const q = new URLSearchParams({ since: since.toISOString(), until: until.toISOString() });
    const [k, late] = await Promise.all([api("GET", "/api/kpis?" + q), canOverdue ? api("GET", "/api/overdue") : Promise.resolve(null)]);
    const o = k.overall;
    const days = k.trend.map((p) => p.day.slice(5));
    const series = [
      { name: t("kpi.reported"), colour: "#1f6feb", values: k.trend.map((p) => p.kpis.reported) },
      { name: t("kpi.closed"), colour: "#1a7f37", values: k.trend.map((p) => p.kpis.closed) },
      { name: t("kpi.rejected"), colour: "#d1242f", values: k.trend.map((p) => p.kpis.rejected) },
    ];
    fill(root,
      h("div", { class: "card" }, h("div", { class: "stats", id: "kpi-overall" },
        stat(String(o.reported), t("kpi.reported")),
        stat(pct(o.filing_rate), t("kpi.filing_rate")),
        stat(pct(o.closure_rate), t("kpi.closure_rate")),
        stat(pct(o.on_time_closure_rate), t("kpi.on_time")),
        stat(pct(o.rework_rate), t("kpi.rework")),
        stat(pct(o.false_alarm_rate), t("kpi.false_alarm")),
        stat(o.mean_time_to_dispatch_s === null ? "—" : fmtDuration(o.mean_time_to_dispatch_s), t("kpi.mttd")),
        stat(o.mean_time_to_close_s === null ? "—" : fmtDuration(o.mean_time_to_close_s), t("kpi.mttc"))),
      h("p", { class: "small muted" }, t("kpi.definitions"))),
      h("div", { class: "card" }, h("h2", {}, t("kpi.trend")),
        charts.lines(days, series, narrow() ? { width: 360, height: 200 } : {}),
        h("div", { class: "legend" }, series.map((s) => h("span", { dataset: { colour: s.colour } }, "— " + s.name)))),
      h("div", { class: "cols-2" },
        leagueCard(k, t("kpi.squads"), k.league, "unit-league"),
        leagueCard(k, t("kpi.communities"), k.community_league, "community-league")),
      h("div", { class: "cols-2" }, algorithms(k), h("div", { class: "stack" }, emergencies(k), late ? overdue(k, late) : null)));
    root.querySelectorAll(".legend span").forEach((el) => { el.style.color = el.dataset.colour; });
  }
  $("#days").addEventListener("change", load);
  load();
})();
