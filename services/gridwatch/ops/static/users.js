/* Accounts (admin) and the activity log. */
"use strict";
(() => {
  const { fill, BOOT, t, h, clear, $, api, fmtTime, option, organisation, toast } = window.GW;
  const ROLES = ["admin", "duty_officer", "dispatcher", "squad_member", "grid_leader", "algo_engineer"];

  async function users() {
    const list = await api("GET", "/api/users");
    fill($("#users"), h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, t("login.user")), h("th", {}, t("users.name")), h("th", {}, t("users.role")), h("th", {}, t("f.grid")), h("th", {}, t("f.squad")))),
      h("tbody", {}, list.map((u) => h("tr", {}, h("td", {}, u.user_id), h("td", {}, u.name), h("td", {}, t("role." + u.role)), h("td", {}, u.grid || ""), h("td", {}, u.squad || ""))))));
  }

  async function activity() {
    const list = await api("GET", "/api/activity?limit=200");
    fill($("#activity"), h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, t("f.time")), h("th", {}, t("login.user")), h("th", {}, "action"), h("th", {}, "subject"), h("th", {}, "client"), h("th", {}, "outcome"))),
      h("tbody", {}, list.map((a) => h("tr", {}, h("td", { class: "nowrap" }, fmtTime(a.at)), h("td", {}, a.actor), h("td", {}, a.action), h("td", { class: "small" }, a.subject), h("td", { class: "small" }, a.client), h("td", {}, a.outcome))))));
  }

  async function init() {
    if (BOOT.me.permissions.includes("manage_users")) {
      $("#accounts").classList.remove("hidden");
      const org = await organisation();
      const f = $("#new-user");
      ROLES.forEach((r) => f.elements.role.append(option(r, t("role." + r))));
      org.grids.forEach((g) => f.elements.grid.append(option(g.id, g.name)));
      org.squads.forEach((s) => f.elements.squad.append(option(s.id, s.name)));
      f.addEventListener("submit", async (e) => {
        e.preventDefault();
        const body = { user_id: f.elements.user_id.value, name: f.elements.name.value, role: f.elements.role.value, password: f.elements.password.value };
        if (body.role === "grid_leader") body.grid = f.elements.grid.value || null;
        if (body.role === "squad_member") body.squad = f.elements.squad.value || null;
        try { await api("POST", "/api/users", body); f.reset(); toast(t("common.saved")); users(); activity(); } catch (err) { toast(err.message, true); }
      });
      users();
    }
    activity();
  }
  init();
})();
