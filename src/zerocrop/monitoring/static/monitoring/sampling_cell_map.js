/* One drawn cell on a small map, inside its village's outline: where the team has to walk. */
(function () {
  "use strict";
  const node = document.getElementById("cell-map");
  const source = document.getElementById("cell-map-config");
  if (!node || !source) return;
  const cfg = JSON.parse(source.textContent);
  const map = L.map(node, { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
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
  const cell = L.geoJSON(cfg.geometry, { style: { color: "#dc3545", weight: 3, fillOpacity: 0.15 } })
    .bindTooltip(zcDom.text("抽测网格 " + cfg.code))
    .addTo(map);
  if (cell.getLayers().length) map.fitBounds(cell.getBounds(), { padding: [40, 40], maxZoom: 15 });
  else map.setView([37.9, 108.6], 11);
  node.dataset.ready = String(cell.getLayers().length);
})();
