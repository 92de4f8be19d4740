/* Live alert wall: newest events first, each with its evidence and what can be done now. */
"use strict";
(() => {
  const { typeName, t, h, clear, $, api, fmtTime, stateBadge, sevBadge, sourceBadge, liveFeed, actionButtons } = window.GW;
  const wall = $("#wall");
  const empty = $("#wall-empty");
  const onlyPending = $("#only-pending");
  const cards = new Map(); // event id -> {item, el}

  const needsAction = (item) => item.task.allowed_actions.length > 0;

  function heldText(task) {
    if (!task.held) return null;
    return task.held === "review" ? t("wall.held.review") : t("wall.held.muted", { id: task.held });
  }

  function render(item, fresh) {
    const e = item.event, task = item.task;
    const pic = e.evidence_url ? h("img", { src: e.evidence_url, alt: e.title, loading: "lazy" }) : null;
    const conf = e.confidence === null ? "—" : e.confidence.toFixed(2);
    const el = h("article", {
      class: "card alert" + (task.held ? " pending" : "") + (fresh ? " fresh" : ""),
      dataset: { eventId: e.event_id, taskId: task.task_id, state: task.state },
    },
    h("div", { class: "pic" + (pic ? "" : " none") }, pic ? h("a", { href: `/ops/tasks/${task.task_id}` }, pic) : null,
      h("div", { class: "tags" }, stateBadge(task.state), sevBadge(e.severity), sourceBadge(e.source))),
    h("div", { class: "body" },
      h("div", { class: "title" }, h("h2", {}, typeName(e.event_type, e.event_type_name)), h("span", { class: "muted small" }, fmtTime(e.occurred_at))),
      heldText(task) ? h("div", { class: "held" }, heldText(task)) : null,
      h("dl", { class: "kv" },
        h("dt", {}, t("f.device")), h("dd", {}, e.device_name || (e.reporter ? `${t("f.reporter")} ${e.reporter}` : "—")),
        h("dt", {}, t("f.grid")), h("dd", {}, `${e.grid_name} · ${e.community_name}`),
        e.algorithm ? [h("dt", {}, t("f.algorithm")), h("dd", {}, `${e.algorithm} · ${t("f.confidence")} ${conf}`)] : null,
        e.model_version ? [h("dt", {}, t("f.model")), h("dd", { class: "small" }, e.model_version)] : null,
        h("dt", {}, t("f.plan")), h("dd", {}, task.route_name || "—"),
        h("dt", {}, t("f.assignee")), h("dd", {}, task.assignee_name),
        e.description ? [h("dt", {}, t("f.description")), h("dd", {}, e.description)] : null),
      h("div", { class: "actions" }, actionButtons(task, (updated) => refresh(e.event_id, updated), { only: ["reject", "dispatch"] }),
        h("a", { class: "btn", href: `/ops/tasks/${task.task_id}` }, t("common.details")))));
    return el;
  }

  function place(item, fresh) {
    const id = item.event.event_id;
    const el = render(item, fresh);
    const old = cards.get(id);
    if (old) old.el.replaceWith(el);
    else wall.prepend(el);
    cards.set(id, { item, el });
    applyFilter();
  }

  function applyFilter() {
    let shown = 0;
    for (const { item, el } of cards.values()) {
      const hide = onlyPending.checked && !needsAction(item);
      el.classList.toggle("hidden", hide);
      if (!hide) shown += 1;
    }
    empty.classList.toggle("hidden", shown > 0);
  }

  async function refresh(eventId) {
    try { place(await api("GET", `/api/events/${eventId}`), false); } catch (e) { /* gone from view */ }
  }

  async function load() {
    const items = await api("GET", "/api/events?limit=60");
    clear(wall);
    cards.clear();
    items.reverse().forEach((item) => place(item, false));
    applyFilter();
  }

  onlyPending.addEventListener("change", applyFilter);
  load().then(() => {
    liveFeed({
      event: async (m) => {
        const item = await api("GET", `/api/events/${m.event_id}`);
        place(item, true);
        window.gwLastLive = { event_id: m.event_id, shown_at: Date.now() };
      },
      task: (m) => { if (cards.has(m.event_id)) refresh(m.event_id); },
    }, $("#live"));
  });
})();
