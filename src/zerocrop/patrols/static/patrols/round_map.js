/* Task cells of a survey round coloured by state, with uncovered parts and tracks. */
(function () {
  "use strict";
  const { el, text } = window.zcDom;
  const cfg = JSON.parse(document.getElementById("round-config").textContent);
  const mapEl = document.getElementById("round-map");
  const map = L.map(mapEl, { preferCanvas: true, maxZoom: 19 });
  window.zcRoundMap = map;
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const colours = { ready: "#adb5bd", assigned: "#adb5bd", surveyed: "#0dcaf0", validated: "#198754", invalidated: "#ffc107", unreachable: "#6c757d" };
  const labels = { ready: "待分配", assigned: "已分配", surveyed: "已踏查", validated: "已复核", invalidated: "复核退回", unreachable: "无法到达" };
  const params = new URLSearchParams({ zoom: 17 });
  if (cfg.deadOnly) params.set("dead_only", "true");
  if (cfg.unit) params.set("unit", cfg.unit);
  Promise.all([
    fetch(`/api/v1/patrols/rounds/${cfg.round}/cells?${params}`, { credentials: "same-origin" }).then((r) => r.json()),
    fetch(`/api/v1/patrols/rounds/${cfg.round}/tracks`, { credentials: "same-origin" }).then((r) => r.json()),
    fetch("/api/v1/geo/boundaries?zoom=14", { credentials: "same-origin" }).then((r) => r.json()),
  ]).then(([data, tracks, outlines]) => {
    L.geoJSON(outlines, {
      filter: (f) => f.properties.level !== "grid",
      style: { color: "#666", weight: 1.2, fill: false },
      onEachFeature: (f, layer) => { if (f.properties.level !== "town") layer.bindTooltip(text(f.properties.name), { permanent: true, direction: "center", className: "zc-unit-label" }); },
    }).addTo(map);
    const cells = L.geoJSON(data.cells, {
      style: (f) => ({ color: colours[f.properties.state], weight: 1, fillOpacity: 0.35 }),
      onEachFeature: (f, layer) => layer.bindPopup(() => el("div", { class: "zc-popup" },
        el("strong", null, f.properties.code), el("br"),
        `${f.properties.unit} · ${labels[f.properties.state]}`, el("br"),
        `覆盖率 ${(100 * f.properties.fraction).toFixed(1)}%`)),
    }).addTo(map);
    const gaps = L.geoJSON(data.uncovered, { style: { color: "#dc3545", weight: 1, fillOpacity: 0.55 } }).addTo(map);
    const lines = L.geoJSON(tracks, { style: { color: "#6610f2", weight: 2, opacity: 0.8 } }).addTo(map);
    L.control.layers(null, { "踏查任务": cells, "未覆盖部分": gaps, "轨迹": lines }, { collapsed: true }).addTo(map);
    // ?bbox=west,south,east,north (and ?cell=<id>) from a task row: open zoomed to that task.
    const query = new URLSearchParams(window.location.search);
    const box = (query.get("bbox") || "").split(",").map(Number);
    const focus = query.get("cell");
    cells.eachLayer((layer) => {
      if (focus && layer.feature.properties.id === focus) layer.setStyle({ weight: 4, color: "#dc3545" });
    });
    const bounds = cells.getBounds();
    if (box.length === 4 && box.every(Number.isFinite) && box[0] <= box[2] && box[1] <= box[3]) {
      map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { padding: [30, 30], maxZoom: 18 });
      mapEl.dataset.focus = focus || "bbox";
    } else if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] }); else map.setView([37.9, 108.6], 11);
    mapEl.dataset.cells = data.cells.features.length;
    mapEl.dataset.uncovered = data.uncovered.features.length;
  });
})();
