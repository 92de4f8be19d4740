/* Report a clue: what, a photo, where (phone location or a tap on the grid map). */
"use strict";
(() => {
  const { typeName, fill, BOOT, t, h, clear, $, api, option, toast, organisation, uploadPhoto, stateBadge } = window.GW;
  const form = $("#clue");
  const where = $("#where");
  const mini = $("#minimap");
  const preview = $("#preview");
  let point = null; // {lon, lat}
  let bbox = null;
  // The phone's id for this report: sending again after a lost answer opens no second case.
  const clientRef = "web-" + BOOT.me.user_id + "-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);

  const toLonLat = (x, y) => ({ lon: bbox.lon_min + x * (bbox.lon_max - bbox.lon_min), lat: bbox.lat_max - y * (bbox.lat_max - bbox.lat_min) });
  const toXY = (lon, lat) => [(lon - bbox.lon_min) / (bbox.lon_max - bbox.lon_min), (bbox.lat_max - lat) / (bbox.lat_max - bbox.lat_min)];

  function setPoint(p, how) {
    point = p;
    where.textContent = `${how}: ${p.lon.toFixed(5)}, ${p.lat.toFixed(5)}`;
    const dot = mini.querySelector("circle.pick");
    if (dot && bbox) { const [x, y] = toXY(p.lon, p.lat); dot.setAttribute("cx", x * 1000); dot.setAttribute("cy", y * 1000); dot.classList.remove("hidden"); }
  }

  async function drawGrid(gridId) {
    clear(mini);
    if (!gridId) return;
    const g = await api("GET", `/api/grids/${gridId}`);
    bbox = g.bbox;
    const pts = g.grid.polygon;
    const xs = pts.map((p) => p[0] * 1000), ys = pts.map((p) => p[1] * 1000);
    const pad = 8, minX = Math.min(...xs) - pad, minY = Math.min(...ys) - pad;
    const w = Math.max(...xs) - minX + pad, hgt = Math.max(...ys) - minY + pad;
    const svg = h("svg", { class: "minimap", viewBox: `${minX} ${minY} ${w} ${hgt}`, role: "img", "aria-label": g.grid.name },
      h("polygon", { points: pts.map((p) => `${p[0] * 1000},${p[1] * 1000}`).join(" "), fill: "#cfe3f7", stroke: "#1f6feb", "stroke-width": w / 150 }),
      g.devices.map((d) => h("circle", { cx: d.x * 1000, cy: d.y * 1000, r: w / 90, fill: "#64748b" }, h("title", {}, d.name))),
      h("circle", { class: "pick hidden", cx: 0, cy: 0, r: w / 45, fill: "#d1242f", stroke: "#fff", "stroke-width": w / 300 }));
    svg.addEventListener("click", (e) => {
      const m = svg.getScreenCTM().inverse();
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m);
      setPoint(toLonLat(p.x / 1000, p.y / 1000), t("f.location"));
    });
    mini.append(svg);
  }

  async function init() {
    const org = await organisation();
    org.clue_types.forEach((e) => form.elements.event_type.append(option(e.id, typeName(e.id, e.name))));
    if (org.clue_types.some((e) => e.id === "garbage_dumping")) form.elements.event_type.value = "garbage_dumping";
    if (BOOT.me.grid) {
      await drawGrid(BOOT.me.grid);
    } else {
      $("#grid-field").classList.remove("hidden");
      org.grids.forEach((g) => form.elements.grid.append(option(g.id, g.name)));
      form.elements.grid.addEventListener("change", () => drawGrid(form.elements.grid.value));
      await drawGrid(form.elements.grid.value);
    }
  }

  form.elements.photo.addEventListener("change", () => {
    const f = form.elements.photo.files[0];
    if (f) { preview.src = URL.createObjectURL(f); preview.classList.remove("hidden"); }
  });
  $("#gps").addEventListener("click", () => {
    if (!navigator.geolocation) { where.textContent = t("m.gps_fail"); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => setPoint({ lon: pos.coords.longitude, lat: pos.coords.latitude }, t("m.gps_ok")),
      () => { where.textContent = t("m.gps_fail"); }, { enableHighAccuracy: true, timeout: 8000 });
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const send = $("#send");
    send.disabled = true;
    try {
      let photo = null;
      const f = form.elements.photo.files[0];
      if (f) { send.textContent = t("m.sending"); photo = (await uploadPhoto(f)).photo; }
      const body = {
        event_type: form.elements.event_type.value,
        description: form.elements.description.value,
        client_ref: clientRef,
        photo,
      };
      if (!BOOT.me.grid) body.grid = form.elements.grid.value;
      if (point) { body.lon = point.lon; body.lat = point.lat; }
      const out = await api("POST", "/api/clues", body);
      form.classList.add("hidden");
      fill($("#done"), h("h2", {}, t("m.reported")),
        h("p", {}, stateBadge(out.state), " ", out.assignee_name),
        h("a", { class: "btn primary big", href: BOOT.me.permissions.includes("work_tasks") ? "/m/inbox" : "/ops/wall" }, t("m.back")));
      $("#done").classList.remove("hidden");
    } catch (err) { toast(`${t("common.error")}: ${err.message}`, true); }
    send.disabled = false;
    send.textContent = t("m.send");
  });
  init();
})();
