/* Views of one task shared by the ops task page and the field app: facts, audit trail,
   routing explanation. */
"use strict";
(() => {
  const { typeName, t, h, fmtTime, stateBadge, sevBadge, sourceBadge, slaBadge } = window.GW;

  function facts(task) {
    const e = task.event;
    const conf = e.confidence === null ? null : e.confidence.toFixed(2);
    return h("dl", { class: "kv" },
      h("dt", {}, t("f.state")), h("dd", {}, stateBadge(task.state), " ", slaBadge(task.deadline)),
      h("dt", {}, t("f.type")), h("dd", {}, typeName(task.event_type, task.event_type_name), " ", sevBadge(e.severity), " ", sourceBadge(e.source)),
      h("dt", {}, t("f.time")), h("dd", {}, fmtTime(e.occurred_at)),
      h("dt", {}, t("f.grid")), h("dd", {}, `${task.grid_name} · ${task.community_name}`),
      e.device_name ? [h("dt", {}, t("f.device")), h("dd", {}, e.device_name)] : null,
      e.reporter ? [h("dt", {}, t("f.reporter")), h("dd", {}, e.reporter)] : null,
      e.lon !== null && e.lon !== undefined ? [h("dt", {}, t("f.location")), h("dd", { class: "num" }, `${e.lon.toFixed(5)}, ${e.lat.toFixed(5)}`)] : null,
      e.algorithm ? [h("dt", {}, t("f.algorithm")), h("dd", {}, `${e.algorithm}${conf ? " · " + t("f.confidence") + " " + conf : ""}`)] : null,
      e.description ? [h("dt", {}, t("f.description")), h("dd", {}, e.description)] : null,
      h("dt", {}, t("f.assignee")), h("dd", {}, task.assignee_name),
      h("dt", {}, t("f.verifier")), h("dd", {}, task.verifier_name),
      h("dt", {}, t("f.plan")), h("dd", {}, task.route_name || "—"));
  }

  function audit(task) {
    if (!task.audit.length) return h("p", { class: "muted" }, t("common.empty"));
    return h("ol", { class: "timeline", id: "audit" }, task.audit.map((a) =>
      h("li", { dataset: { action: a.action } },
        h("div", { class: "when" }, `${fmtTime(a.at)} · ${a.actor} (${t("role." + a.role)})`),
        h("div", { class: "what" }, `${t("action." + a.action)} → ${t("state." + a.to_state)}`,
          a.verdict ? h("span", { class: "badge verdict", dataset: { verdict: a.verdict } }, t("verdict." + a.verdict)) : null),
        a.note ? h("div", { class: "note" }, a.note) : null,
        a.attachment_url ? h("a", { href: a.attachment_url, target: "_blank" }, h("img", { src: a.attachment_url, alt: t("f.photo"), loading: "lazy" })) : null)));
  }

  function routing(task) {
    const r = task.routing;
    if (!r) return h("p", { class: "muted" }, t("common.none"));
    const matched = r.considered.filter((c) => c.matched && c.route !== "root");
    return h("div", { class: "stack", id: "routing" },
      h("div", { class: "why" },
        r.fallback ? t("task.routing.fallback")
          : `${t("task.routing.matched")}: ${r.route_name} (${r.route_id}) → ${task.assignee_name}`,
        matched.length ? h("div", { class: "small muted" }, matched.map((c) => c.reason).join("；")) : null,
        r.also.length ? h("div", { class: "small" }, `${t("task.routing.also")}: ${r.also.join(", ")}`) : null),
      h("div", { class: "small muted" }, `${t("task.routing.path")}: ${r.path.join(" › ")}`),
      r.legal_duties.length ? [h("h3", {}, t("task.legal")), h("ul", { class: "route-list", id: "legal-duties" }, r.legal_duties.map((d) =>
        h("li", {}, h("div", {}, h("div", {}, `${d.name} · ${d.unit}`), h("div", { class: "small muted" }, d.legal_basis),
          d.matter_name ? h("div", { class: "small muted" }, `${d.matter_name}${d.penalty_basis ? " · " + d.penalty_basis : ""}`) : null))))] : null,
      h("h3", {}, t("task.routing.considered")),
      h("ul", { class: "route-list" }, r.considered.map((c) =>
        h("li", {}, h("span", { class: c.matched ? "mark ok" : "mark no" }, c.matched ? "✓" : "✗"),
          h("div", {}, h("div", {}, c.route), h("code", {}, c.reason))))));
  }

  function notices(task) {
    if (!task.notices.length) return h("p", { class: "muted" }, t("common.empty"));
    return h("ol", { class: "timeline", id: "notices" }, task.notices.map((n) =>
      h("li", { dataset: { kind: n.kind } },
        h("div", { class: "when" }, `${fmtTime(n.created_at)} · ${n.recipient_name}`),
        h("div", { class: n.kind === "escalation" ? "what sla overdue" : "what" }, n.message))));
  }

  function pictures(task) {
    const out = [];
    if (task.event.evidence_url) out.push(h("img", { class: "evidence-img", src: task.event.evidence_url, alt: t("task.evidence") }));
    return out;
  }

  window.GW.taskview = { facts, audit, routing, notices, pictures };
})();
