/* ZeroCrop map: boundaries, zones and plots in view, a layer switcher, search, drawing. */
(function () {
  "use strict";
  const { el, text, options } = window.zcDom;
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const statusEl = document.getElementById("map-status");
  const map = L.map("map", { preferCanvas: true, zoomControl: true, maxZoom: 19, minZoom: 5 });
  window.zcMap = map;
  if (cfg.basemap) {
    L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  }
  // ?bbox=west,south,east,north (a link to one task or plot) wins over the town's extent.
  const box = (new URLSearchParams(window.location.search).get("bbox") || "").split(",").map(Number);
  if (box.length === 4 && box.every(Number.isFinite) && box[0] <= box[2] && box[1] <= box[3]) {
    map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { padding: [30, 30], maxZoom: 18 });
  } else if (cfg.extent) {
    map.fitBounds([[cfg.extent[0], cfg.extent[1]], [cfg.extent[2], cfg.extent[3]]]);
  } else {
    map.setView([37.9, 108.6], 11);
  }
  L.control.scale({ imperial: false }).addTo(map);

  const zoneStyle = {
    key: { color: "#d63384", fillOpacity: 0.08, dashArray: "6 4", weight: 2 },
    traditional: { color: "#fd7e14", fillOpacity: 0.06, dashArray: "6 4", weight: 2 },
    potential: { color: "#0d6efd", fillOpacity: 0.04, dashArray: "2 4", weight: 2 },
  };
  const zoneLabel = { key: "重点区域", traditional: "传统区域", potential: "潜在区域" };
  const boundaries = L.geoJSON(null, {
    style: (f) => ({ color: f.properties.level === "town" ? "#222" : "#666", weight: f.properties.level === "grid" ? 0.6 : 1.5, fill: false, dashArray: f.properties.level === "grid" ? "3 3" : null }),
    onEachFeature: (f, layer) => { if (f.properties.level !== "grid" && f.properties.level !== "town") layer.bindTooltip(text(f.properties.name), { permanent: true, direction: "center", className: "zc-unit-label" }); },
  }).addTo(map);
  const zones = L.geoJSON(null, {
    style: (f) => zoneStyle[f.properties.kind] || {},
    onEachFeature: (f, layer) => layer.bindPopup(() => el("div", null, el("strong", null, f.properties.name), el("br"), zoneLabel[f.properties.kind] || "")),
  }).addTo(map);
  const managed = new Set(cfg.units.map((u) => u.name));
  const plotPopup = (p) => el("div", { class: "zc-popup" },
    el("strong", null, p.name), " ", el("span", { class: "text-secondary" }, p.code || ""), el("br"),
    `${cfg.kindLabels[p.kind] || p.kind} · 风险${cfg.riskLabels[p.risk] || p.risk}`, el("br"),
    `${p.unit} · 责任人：`, p.responsible || el("span", { class: "text-danger" }, "未包保"), el("br"),
    el("a", { href: `/geo/plots/${encodeURIComponent(p.id)}/`, "data-testid": "plot-link" }, "查看地块"),
    managed.has(p.unit) && [" · ", el("a", { href: "#", dataset: { edit: p.id }, "data-testid": "plot-edit" }, "编辑边界")]);
  // Below zoom 13 the server sends clusters (plots sharing ~64 px) and lone plots as points.
  const clusterIcon = (p) => L.divIcon({
    className: "zc-cluster",
    html: el("span", { style: { background: cfg.riskColours[p.risk] } }, p.count),
    iconSize: [34, 34],
  });
  const plots = L.geoJSON(null, {
    style: (f) => ({ color: cfg.riskColours[f.properties.risk], weight: 1.5, fillOpacity: 0.35 }),
    pointToLayer: (f, latlng) => f.properties.cluster
      ? L.marker(latlng, { icon: clusterIcon(f.properties), title: `${f.properties.count} 个地块` })
      : L.circleMarker(latlng, { radius: 5, color: cfg.riskColours[f.properties.risk], weight: 1, fillOpacity: 0.8 }),
    onEachFeature: (f, layer) => {
      if (f.properties.cluster) {
        const b = f.properties.bbox;
        layer.on("click", () => map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20] }));
      } else {
        layer.bindPopup(() => plotPopup(f.properties));
      }
    },
  });
  const plotGroup = L.layerGroup([plots]).addTo(map);

  L.control.layers(null, { "村（社区）边界": boundaries, "重点/传统/潜在区域": zones, "地块": plotGroup }, { collapsed: false }).addTo(map);
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "zc-legend");
    div.append(...Object.entries(cfg.riskColours).map(([k, c]) => el("div", null, el("i", { style: { background: c } }), cfg.riskLabels[k])));
    return div;
  };
  legend.addTo(map);

  function bboxParam() {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
  }
  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!r.ok) throw new Error((await r.json()).detail || r.statusText);
    return r.json();
  }
  let seq = 0;
  let editing = null; // { layer, id } while a plot's outline is being edited
  async function refresh() {
    const mine = ++seq;
    const q = `bbox=${bboxParam()}&zoom=${map.getZoom()}`;
    const [pl, zn] = await Promise.all([getJSON(`/api/v1/geo/plots?${q}`), getJSON(`/api/v1/geo/zones?${q}`)]);
    if (mine !== seq) return;
    zones.clearLayers().addData(zn);
    // Replacing the plot layers would drop the outline being edited, and the user's
    // dragged vertices with it; stopEditing() refreshes once editing ends.
    if (editing) return;
    plots.clearLayers().addData(pl);
    const count = pl.features.reduce((n, f) => n + (f.properties.count || 1), 0);
    statusEl.textContent = `视野内地块 ${count} 个${pl.features.some((f) => f.geometry.type === "Point") ? "（放大后显示地块边界）" : ""}`;
    statusEl.dataset.count = count;
  }
  getJSON(`/api/v1/geo/boundaries?zoom=${map.getZoom()}`).then((d) => boundaries.addData(d));
  map.on("moveend", () => refresh().catch((e) => (statusEl.textContent = `加载失败：${e.message}`)));
  refresh().catch((e) => (statusEl.textContent = `加载失败：${e.message}`));

  // Search by name, code or responsible person.
  const results = document.getElementById("map-search-results");
  document.getElementById("map-search").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = document.getElementById("map-search-input").value.trim();
    results.replaceChildren();
    if (!q) return;
    const found = await getJSON(`/api/v1/geo/plots/search?q=${encodeURIComponent(q)}`);
    if (!found.length) { results.replaceChildren(el("div", { class: "list-group-item small text-secondary" }, "没有找到")); return; }
    for (const p of found) {
      const a = document.createElement("button");
      a.type = "button";
      a.className = "list-group-item list-group-item-action small";
      a.textContent = `${p.name}（${p.unit}${p.responsible ? " · " + p.responsible : ""}）`;
      a.addEventListener("click", () => { results.replaceChildren(); map.fitBounds([[p.bbox[1], p.bbox[0]], [p.bbox[3], p.bbox[2]]], { maxZoom: 17 }); });
      results.appendChild(a);
    }
  });

  // Editing a plot's outline: drag its vertices, then save or cancel.
  const editBar = document.getElementById("edit-bar");
  map.on("popupopen", (e) => {
    const link = e.popup.getElement().querySelector("[data-edit]");
    if (!link) return;
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      const layer = e.popup._source;
      map.closePopup();
      if (!layer || !layer.editing || editing) return;
      editing = { layer, id: link.dataset.edit };
      layer.editing.enable();
      document.getElementById("edit-error").classList.add("d-none");
      editBar.classList.remove("d-none");
    });
  });
  async function stopEditing() {
    editing.layer.editing.disable();
    editing = null;
    editBar.classList.add("d-none");
    await refresh();
  }
  document.getElementById("edit-cancel").addEventListener("click", () => stopEditing());
  document.getElementById("edit-save").addEventListener("click", async () => {
    const r = await fetch(`/api/v1/geo/plots/${editing.id}/geometry`, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ geometry: editing.layer.toGeoJSON().geometry }),
    });
    const data = await r.json();
    if (!r.ok) {
      const el = document.getElementById("edit-error");
      el.textContent = data.detail || "保存失败";
      el.classList.remove("d-none");
      return;
    }
    statusEl.dataset.edited = `${data.id}:${Math.round(data.area_m2)}`;
    await stopEditing();
  });

  // Drawing a new plot (for users who manage at least one village).
  if (cfg.units.length) {
    const drawn = new L.FeatureGroup().addTo(map);
    map.addControl(new L.Control.Draw({
      draw: { polygon: { allowIntersection: false, showArea: true }, polyline: false, rectangle: false, circle: false, marker: false, circlemarker: false },
      edit: false,
    }));
    const modalEl = document.getElementById("plot-modal");
    const modal = new bootstrap.Modal(modalEl);
    const unitSel = document.getElementById("plot-unit");
    options(unitSel, cfg.units.map((u) => [u.id, u.name]));
    options(document.getElementById("plot-kind"), Object.entries(cfg.kindLabels));
    options(document.getElementById("plot-risk"), Object.entries(cfg.riskLabels));
    let pending = null;
    map.on(L.Draw.Event.CREATED, (e) => {
      pending = e.layer;
      drawn.addLayer(pending);
      const area = L.GeometryUtil ? L.GeometryUtil.geodesicArea(pending.getLatLngs()[0]) : 0;
      document.getElementById("plot-area").textContent = area ? `面积约 ${Math.round(area)} 平方米（${(area / cfg.squareMetresPerMu).toFixed(2)} 亩）` : "";
      document.getElementById("plot-form-error").classList.add("d-none");
      modal.show();
    });
    modalEl.addEventListener("hidden.bs.modal", () => { if (pending) { drawn.removeLayer(pending); pending = null; } });
    document.getElementById("plot-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = {
        unit_id: unitSel.value,
        name: document.getElementById("plot-name").value,
        kind: document.getElementById("plot-kind").value,
        risk: document.getElementById("plot-risk").value,
        geometry: pending.toGeoJSON().geometry,
      };
      const r = await fetch("/api/v1/geo/plots", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(body) });
      const data = await r.json();
      if (!r.ok) {
        const el = document.getElementById("plot-form-error");
        el.textContent = data.detail || "保存失败";
        el.classList.remove("d-none");
        return;
      }
      drawn.removeLayer(pending);
      pending = null;
      modal.hide();
      await refresh();
      statusEl.dataset.created = data.id;
    });
  }
})();
