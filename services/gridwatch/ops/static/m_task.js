/* Field app task page: the picture, what to do (big buttons), feedback with a photo. */
"use strict";
(() => {
  const { fill, t, h, clear, $, api, actionButtons, feedbackForm, taskview } = window.GW;
  const root = $("#task");
  const id = root.dataset.taskId;

  async function load() {
    let task;
    try { task = await api("GET", `/api/tasks/${id}`); } catch (e) { fill(root, h("p", { class: "muted" }, e.message)); return; }
    const canFeedback = task.allowed_actions.includes("feedback");
    const buttons = actionButtons(task, load, { big: true, feedbackForm: canFeedback });
    fill(root, 
      taskview.pictures(task),
      h("div", { class: "card" }, taskview.facts(task)),
      buttons.length ? h("div", { class: "stack", id: "actions" }, buttons) : null,
      canFeedback ? feedbackForm(task, load) : null,
      h("div", { class: "card" }, h("h2", {}, t("task.audit")), taskview.audit(task)),
      h("details", { class: "card" }, h("summary", {}, t("task.routing")), taskview.routing(task)));
  }
  load();
})();
