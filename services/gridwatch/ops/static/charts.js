/* Two small SVG charts (bars with labels, lines over days); no chart library needed. */
"use strict";
(() => {
  const { h } = window.GW;

  /* rows: [{label, value (0-1 or count), text}] */
  function bars(rows, opts) {
    const o = Object.assign({ width: 560, bar: 22, gap: 8, label: 150, max: null, cls: "" }, opts || {});
    const height = rows.length * (o.bar + o.gap) + o.gap;
    const max = o.max || Math.max(1, ...rows.map((r) => r.value || 0));
    const plot = o.width - o.label - 70;
    const svg = h("svg", { class: "chart", viewBox: `0 0 ${o.width} ${height}`, role: "img" });
    rows.forEach((r, i) => {
      const y = o.gap + i * (o.bar + o.gap);
      const w = r.value === null ? 0 : Math.max(1, (r.value / max) * plot);
      svg.append(
        h("text", { x: o.label - 8, y: y + o.bar * 0.7, "text-anchor": "end" }, r.label),
        h("rect", { class: "bar " + o.cls, x: o.label, y, width: w, height: o.bar, rx: 3 }),
        h("text", { x: o.label + w + 6, y: y + o.bar * 0.7 }, r.text));
    });
    return svg;
  }

  /* series: [{name, colour, values: [number]}], labels: [string] */
  function lines(labels, series, opts) {
    const o = Object.assign({ width: 1400, height: 260, left: 36, bottom: 26, top: 10 }, opts || {});
    const plotW = o.width - o.left - 10, plotH = o.height - o.bottom - o.top;
    const max = Math.max(1, ...series.flatMap((s) => s.values));
    const x = (i) => o.left + (labels.length < 2 ? plotW / 2 : (i * plotW) / (labels.length - 1));
    const y = (v) => o.top + plotH - (v / max) * plotH;
    const svg = h("svg", { class: "chart", viewBox: `0 0 ${o.width} ${o.height}`, role: "img" },
      h("line", { class: "axis", x1: o.left, y1: o.top + plotH, x2: o.width - 10, y2: o.top + plotH }),
      h("text", { x: 4, y: o.top + 10 }, String(max)), h("text", { x: 4, y: o.top + plotH }, "0"));
    const every = Math.max(1, Math.ceil(labels.length / 10));
    labels.forEach((l, i) => { if (i % every === 0) svg.append(h("text", { x: x(i), y: o.height - 6, "text-anchor": "middle" }, l)); });
    for (const s of series) {
      svg.append(h("polyline", { class: "line", stroke: s.colour, points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
      s.values.forEach((v, i) => svg.append(h("circle", { cx: x(i), cy: y(v), r: 2.5, fill: s.colour }, h("title", {}, `${labels[i]} ${s.name}: ${v}`))));
    }
    return svg;
  }

  window.GW.charts = { bars, lines };
})();
