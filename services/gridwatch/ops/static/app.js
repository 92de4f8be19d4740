/* Shared helpers for every page: texts, DOM building, the REST client, time, live feed,
   dialogs and the task-action panel. No framework; data only ever goes in as text. */
"use strict";

const BOOT = JSON.parse(document.getElementById("boot").textContent);
const T = BOOT.t;

function t(key, vars) {
  let s = T[key] !== undefined ? T[key] : key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", v);
  return s;
}

/* h("div", {class: "x", onclick: fn}, "text", child, [more]) */
function h(tag, attrs, ...children) {
  const ns = ["svg", "g", "path", "polygon", "circle", "rect", "text", "line", "polyline", "title"];
  const el = ns.includes(tag) ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  const add = (c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  };
  children.forEach(add);
  return el;
}

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
/* Replace an element's children (arrays are flattened, null skipped). */
function fill(el, ...children) {
  clear(el);
  const add = (c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  };
  children.forEach(add);
  return el;
}
function $(sel, root) { return (root || document).querySelector(sel); }

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, url, body, opts) {
  const headers = { "Accept": "application/json" };
  let payload;
  if (opts && opts.form) payload = body;
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  if (method !== "GET") headers["X-CSRF-Token"] = BOOT.csrf;
  const r = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); throw new ApiError(401, "sign in"); }
  if (r.status === 204) return null;
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    let msg = data.detail;
    if (Array.isArray(msg)) msg = msg.map((d) => (d.loc || []).slice(1).join(".") + ": " + d.msg).join("; ");
    throw new ApiError(r.status, msg || r.statusText);
  }
  return data;
}

/* ------------------------------------------------------------------ time */
const pad = (n) => String(n).padStart(2, "0");
function fmtTime(iso, withDate) {
  if (!iso) return "—";
  const d = new Date(iso);
  const time = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  if (withDate === false) return time;
  return pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + time;
}
function fmtDuration(sec) {
  const s = Math.abs(Math.round(sec));
  const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  const zh = BOOT.lang === "zh-CN";
  if (d) return zh ? `${d}天${hh}小时` : `${d}d ${hh}h`;
  if (hh) return zh ? `${hh}小时${pad(m)}分` : `${hh}h ${pad(m)}m`;
  return zh ? `${m}分${pad(s % 60)}秒` : `${m}m ${pad(s % 60)}s`;
}
/* Event type names: the config's zh-CN name, or the English one when the page is in English. */
function typeName(type, zhName) {
  return BOOT.lang === "en" && T["et." + type] ? T["et." + type] : zhName || type;
}
function pct(x) { return x === null || x === undefined ? "—" : (x * 100).toFixed(1) + "%"; }

/* SLA badge that counts down by itself (see the ticker below). */
function slaBadge(deadline) {
  if (!deadline) return null;
  const due = Date.now() + deadline.seconds_left * 1000;
  const el = h("span", { class: "sla", dataset: { due: String(due), kind: deadline.kind } });
  paintSla(el);
  return el;
}
function paintSla(el) {
  const left = (Number(el.dataset.due) - Date.now()) / 1000;
  const kind = t("board.sla." + el.dataset.kind);
  el.classList.toggle("overdue", left < 0);
  el.classList.toggle("soon", left >= 0 && left < 900);
  el.textContent = left < 0 ? `${kind}${t("board.over")} ${fmtDuration(left)}`
    : `${kind}${t("board.left")} ${fmtDuration(left)}`;
  const card = el.closest(".tcard");
  if (card) card.classList.toggle("overdue", left < 0);
}
setInterval(() => document.querySelectorAll(".sla[data-due]").forEach(paintSla), 1000);

/* ------------------------------------------------------------------ small views */
function stateBadge(state) { return h("span", { class: "badge st-" + state, dataset: { state } }, t("state." + state)); }
function sevBadge(sev) { return h("span", { class: "badge sev-" + sev }, t("severity." + sev)); }
function sourceBadge(src) { return h("span", { class: "badge" }, t("source." + src)); }

function toast(msg, bad) {
  const el = $("#toast");
  el.textContent = msg;
  el.className = "show" + (bad ? " bad" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.className = ""; }, bad ? 5000 : 2500);
}

function option(value, text, selected) {
  return h("option", { value, selected: selected ? "selected" : null }, text);
}

/* Filters kept in the address bar so a view can be bookmarked and shared. */
function queryParams() { return new URLSearchParams(location.search); }
function setQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
}

/* ------------------------------------------------------------------ live feed */
function liveFeed(handlers, statusEl) {
  const es = new EventSource("/api/live");
  const set = (cls, text) => { if (statusEl) { statusEl.className = "live-dot " + cls; statusEl.textContent = text; } };
  es.addEventListener("hello", () => set("on", t("wall.live")));
  es.addEventListener("event", (m) => handlers.event && handlers.event(JSON.parse(m.data)));
  es.addEventListener("task", (m) => handlers.task && handlers.task(JSON.parse(m.data)));
  es.addEventListener("notification", (m) => {
    const n = JSON.parse(m.data);
    if (handlers.notification) handlers.notification(n);
    else if (n.kind === "escalation") toast(`${t("action.escalate")}: ${n.message}`, true);
  });
  es.addEventListener("degraded", () => set("off", t("wall.offline")));
  es.onerror = () => set("off", t("wall.offline"));
  window.addEventListener("beforeunload", () => es.close());
  return es;
}

/* ------------------------------------------------------------------ dialogs */
/* fields: [{name, label, type: "textarea"|"select"|"number"|"text", options, required}] */
function ask(title, fields, submitText) {
  return new Promise((resolve) => {
    const inputs = {};
    const body = fields.map((f) => {
      let input;
      if (f.type === "select") input = h("select", { name: f.name, required: f.required ? "required" : null }, f.options.map(([v, txt]) => option(v, txt)));
      else if (f.type === "textarea") input = h("textarea", { name: f.name, required: f.required ? "required" : null, maxlength: "4000" });
      else input = h("input", { name: f.name, type: f.type || "text", required: f.required ? "required" : null, min: f.min, step: f.step });
      if (f.value !== undefined) input.value = f.value;
      inputs[f.name] = input;
      return h("label", { class: "field" }, f.label, input);
    });
    const dlg = h("dialog", {},
      h("form", { method: "dialog" },
        h("h2", {}, title), body,
        h("div", { class: "buttons" },
          h("button", { class: "btn", value: "cancel", formnovalidate: "formnovalidate" }, t("common.cancel")),
          h("button", { class: "btn primary", value: "ok" }, submitText || t("common.submit")))));
    document.body.append(dlg);
    dlg.addEventListener("close", () => {
      const ok = dlg.returnValue === "ok";
      const values = {};
      for (const [k, el] of Object.entries(inputs)) values[k] = el.value;
      dlg.remove();
      resolve(ok ? values : null);
    });
    dlg.showModal();
  });
}

/* ------------------------------------------------------------------ organisation */
let orgCache = null;
async function organisation() {
  if (!orgCache) orgCache = await api("GET", "/api/organisation");
  return orgCache;
}

/* ------------------------------------------------------------------ task actions */
const NEEDS_NOTE = ["reject", "return", "feedback", "rework", "request_extension", "merge"];
const PRIMARY = ["accept", "feedback", "verify", "close", "file", "dispatch", "start"];

async function uploadPhoto(file) {
  const fd = new FormData();
  fd.append("file", file);
  return api("POST", "/api/photos", fd, { form: true });
}

/* Ask for what an action needs, run it; resolves to the updated task card or null. */
async function runAction(task, action) {
  const body = { action };
  const fields = [];
  if (action === "dispatch") {
    const org = await organisation();
    fields.push({ name: "assignee", label: t("wall.unit"), type: "select", required: true, options: org.units.map((u) => [u.id, u.name]) });
  }
  if (action === "request_extension") fields.push({ name: "hours", label: t("task.extension"), type: "number", min: "1", step: "1", value: "2", required: true });
  if (action === "merge") fields.push({ name: "merged_into", label: t("task.merge_into"), type: "text", required: true });
  if (action === "reject") {
    fields.push({ name: "verdict", label: t("task.verdict"), type: "select", required: true,
      options: ["false_alarm", "invalid", "duplicate"].map((v) => [v, t("verdict." + v)]) });
  }
  if (action === "verify") {
    fields.push({ name: "verdict", label: t("task.verdict"), type: "select", required: true,
      options: ["confirmed", "false_alarm"].map((v) => [v, t("verdict." + v)]) });
  }
  if (NEEDS_NOTE.includes(action) || fields.length) {
    fields.push({ name: "note", label: action === "reject" ? t("wall.reason") : t("f.note"), type: "textarea", required: NEEDS_NOTE.includes(action) });
  }
  if (fields.length) {
    const v = await ask(t("action." + action), fields);
    if (!v) return null;
    body.note = v.note || "";
    if (v.assignee) body.assignee = v.assignee;
    if (v.hours) body.extension_s = Math.round(Number(v.hours) * 3600);
    if (v.merged_into) body.merged_into = v.merged_into.trim();
    if (v.verdict) body.verdict = v.verdict;
  }
  try {
    const out = await api("POST", `/api/tasks/${task.task_id}/actions`, body);
    toast(t("action." + action) + " · " + t("state." + out.state));
    return out;
  } catch (e) { toast(`${t("common.error")}: ${e.message}`, true); return null; }
}

/* Confirming a case that waits for the desk (held for review, or muted) is the case loop's
   `file`: the server then dispatches it by its plan when one matched. */
async function confirmCase(task) {
  try {
    const out = await api("POST", `/api/tasks/${task.task_id}/actions`, { action: "file" });
    toast(t("action.confirm") + " · " + t("state." + out.state));
    return out;
  } catch (e) { toast(`${t("common.error")}: ${e.message}`, true); return null; }
}

/* Buttons for what this account may do next. */
function actionButtons(task, onDone, opts) {
  const acts = task.allowed_actions.filter((a) => a !== "file" && (!opts || !opts.only || opts.only.includes(a)));
  const buttons = [];
  if (task.allowed_actions.includes("file")) {
    buttons.push(h("button", { class: "btn primary" + (opts && opts.big ? " big" : ""), dataset: { act: "confirm" },
      onclick: async (e) => { e.target.disabled = true; const r = await confirmCase(task); e.target.disabled = false; if (r) onDone(r); } },
    t("action.confirm")));
  }
  for (const a of acts) {
    if (a === "feedback" && opts && opts.feedbackForm) continue;
    const cls = a === "reject" || a === "return" || a === "rework" ? "btn danger" : PRIMARY.includes(a) ? "btn primary" : "btn";
    buttons.push(h("button", { class: cls + (opts && opts.big ? " big" : ""), dataset: { act: a },
      onclick: async (e) => { e.target.disabled = true; const r = await runAction(task, a); e.target.disabled = false; if (r) onDone(r); } },
    a === "reject" ? t("wall.reject") : a === "dispatch" ? t("wall.dispatch") : t("action." + a)));
  }
  return buttons;
}

/* Feedback with a photo from the phone camera (or a file on a desktop). */
function feedbackForm(task, onDone) {
  const note = h("textarea", { name: "note", required: "required", maxlength: "4000", placeholder: t("m.feedback_note") });
  const preview = h("img", { class: "hidden", alt: "" });
  const file = h("input", { type: "file", accept: "image/*", capture: "environment", name: "photo",
    onchange: () => {
      if (file.files[0]) { preview.src = URL.createObjectURL(file.files[0]); preview.classList.remove("hidden"); }
    } });
  const send = h("button", { class: "btn primary big", type: "submit", dataset: { act: "feedback" } }, t("action.feedback"));
  const form = h("form", { class: "action-form card", id: "feedback-form",
    onsubmit: async (e) => {
      e.preventDefault();
      if (!note.value.trim()) { toast(t("task.needs_note"), true); return; }
      send.disabled = true;
      try {
        let attachment = null;
        if (file.files[0]) { send.textContent = t("m.sending"); attachment = (await uploadPhoto(file.files[0])).photo; }
        const out = await api("POST", `/api/tasks/${task.task_id}/actions`, { action: "feedback", note: note.value, attachment });
        toast(t("action.feedback") + " · " + t("state." + out.state));
        onDone(out);
      } catch (err) { toast(`${t("common.error")}: ${err.message}`, true); }
      send.disabled = false; send.textContent = t("action.feedback");
    } },
  h("h2", {}, t("action.feedback")),
  h("label", { class: "field" }, t("m.feedback_note"), note),
  h("div", { class: "photo-pick" }, h("label", { class: "field" }, t("m.take_photo"), file), preview),
  send);
  return form;
}

window.GW = { BOOT, T, t, h, clear, fill, $, typeName, api, fmtTime, fmtDuration, pct, slaBadge, stateBadge, sevBadge,
  sourceBadge, toast, option, queryParams, setQuery, liveFeed, ask, organisation, runAction,
  confirmCase, actionButtons, feedbackForm, uploadPhoto };
