/* The target's outline (or point) and, once verified, the arrival position on a small map. */
(function () {
  "use strict";
  const el = document.getElementById("target-detail-config");
  if (!el) return;
  const cfg = JSON.parse(el.textContent);
  const map = L.map("target-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  // The villages' outlines, for orientation when the arrival is far from the target.
  fetch("/api/v1/geo/boundaries?zoom=14", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((outlines) => {
      if (!outlines) return;
      L.geoJSON(outlines, {
        filter: (f) => f.properties.level !== "grid",
        style: { color: "#666", weight: 1, fill: false },
        interactive: false,
      }).addTo(map).bringToBack();
    });
  const group = L.featureGroup().addTo(map);
  L.geoJSON(cfg.geometry, {
    style: { color: "#dc3545", weight: 2 },
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 8, color: "#dc3545", weight: 3 }),
  }).eachLayer(function (layer) {
    layer.bindTooltip(zcDom.text("靶点 " + cfg.code));
    group.addLayer(layer);
  });
  (cfg.plots || []).forEach(function (plot) {
    L.geoJSON(plot, { style: { color: "#198754", weight: 2, fillOpacity: 0.1 } }).eachLayer(function (layer) {
      layer.bindTooltip(zcDom.text("地块 " + plot.properties.name));
      group.addLayer(layer);
    });
  });
  if (cfg.arrival) {
    L.circleMarker([cfg.arrival[1], cfg.arrival[0]], { radius: 6, color: "#0d6efd", weight: 3 })
      .bindTooltip(zcDom.text("到达位置"))
      .addTo(group);
  }
  // A point target alone would fill the map with nothing: keep its surroundings in view.
  const alone = !cfg.arrival && !(cfg.plots || []).length;
  const closest = alone && cfg.geometry && cfg.geometry.type === "Point" ? 15 : 17;
  if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: closest });
  else map.setView([37.9, 108.6], 11);
})();
