/* Ops task page: evidence, facts, actions, routing explanation and the audit trail. */
"use strict";
(() => {
  const { typeName, fill, t, h, clear, $, api, actionButtons, feedbackForm, taskview } = window.GW;
  const root = $("#task");
  const id = root.dataset.taskId;

  async function load() {
    let task;
    try { task = await api("GET", `/api/tasks/${id}`); } catch (e) { fill(root, h("p", { class: "muted" }, e.message)); return; }
    const canFeedback = task.allowed_actions.includes("feedback");
    const buttons = actionButtons(task, load, { feedbackForm: canFeedback });
    fill(root, 
      h("div", { class: "stack" },
        h("div", { class: "card" }, h("h2", {}, t("task.evidence")), taskview.pictures(task).length ? taskview.pictures(task) : h("p", { class: "muted" }, t("common.none"))),
        h("div", { class: "card" }, h("h2", {}, `${typeName(task.event_type, task.event_type_name)} · ${task.task_id}`), taskview.facts(task))),
      h("div", { class: "stack" },
        h("div", { class: "card" }, h("h2", {}, t("task.actions")),
          buttons.length ? h("div", { class: "actions", id: "actions" }, buttons) : h("p", { class: "muted" }, t("task.no_actions"))),
        canFeedback ? feedbackForm(task, load) : null,
        h("div", { class: "card" }, h("h2", {}, t("task.routing")), taskview.routing(task)),
        h("div", { class: "card" }, h("h2", {}, t("task.audit")), taskview.audit(task)),
        h("div", { class: "card" }, h("h2", {}, t("task.notices")), taskview.notices(task))));
  }
  load();
})();
