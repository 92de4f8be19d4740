/* Device health: status per device, frames/s, detector lag, last frame; refreshed every 10 s. */
"use strict";
(() => {
  const { fill, t, h, clear, $, api, option, organisation, queryParams, setQuery } = window.GW;
  const form = $("#filters");
  const body = $("#devices tbody");

  function ago(s) { return s === null ? "—" : t("dev.ago", { s }); }

  async function load() {
    const f = {};
    for (const el of form.elements) if (el.name) f[el.name] = el.type === "checkbox" ? (el.checked ? "true" : "") : el.value;
    setQuery(f);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
    const d = await api("GET", "/api/devices?" + q);
    fill($("#summary"), h("div", { class: "stats" },
      h("div", { class: "stat" }, h("b", {}, String(d.total)), h("span", {}, t("map.devices"))),
      ["online", "offline", "error", "never_seen"].map((s) => h("div", { class: "stat" }, h("b", {}, String(d.by_status[s] || 0)), h("span", {}, t("status." + s))))));
    fill(body, d.devices.slice(0, 400).map((x) => h("tr", { dataset: { device: x.device_id, status: x.status } },
      h("td", {}, x.thumbnail_url ? h("img", { class: "thumb", src: x.thumbnail_url + "?t=" + Date.now(), alt: "", loading: "lazy", onerror: (e) => e.target.classList.add("hidden") }) : null),
      h("td", {}, x.name, h("div", { class: "small muted" }, `${x.device_id} · ${t("dev.kind." + x.kind)}${x.ai ? " · AI" : ""}`)),
      h("td", {}, h("span", { class: "badge on-" + x.status }, t("status." + x.status)), x.error ? h("div", { class: "small muted" }, x.error) : null),
      h("td", { class: "num", title: x.decode_errors ? `decode errors: ${x.decode_errors}` : "" },
        x.fps === null ? "—" : x.fps.toFixed(1) + (x.wanted_fps === null ? "" : ` / ${x.wanted_fps.toFixed(1)}`)),
      h("td", { class: "num" }, x.lag_ms === null ? "—" : `${Math.round(x.lag_ms)} ms`),
      h("td", { class: "small" }, ago(x.seconds_since)),
      h("td", { class: "hide-narrow small" }, x.grid_name),
      h("td", { class: "hide-narrow small" }, x.last_value || "—"))));
  }

  async function init() {
    const org = await organisation();
    const q = queryParams();
    ["online", "offline", "error", "never_seen"].forEach((s) => form.elements.status.append(option(s, t("status." + s), q.get("status") === s)));
    ["camera", "sensor"].forEach((s) => form.elements.kind.append(option(s, t("dev.kind." + s), q.get("kind") === s)));
    org.communities.forEach((c) => form.elements.community.append(option(c.id, c.name, q.get("community") === c.id)));
    form.elements.ai.checked = q.get("ai") === "true";
    form.addEventListener("change", load);
    await load();
    setInterval(load, 10000);
  }
  init();
})();
