/* A batch's targets (or a file's rows in the import preview) on a small map. */
(function () {
  "use strict";
  const { el } = window.zcDom;
  const node = document.getElementById("batch-map");
  const cfg = JSON.parse(document.getElementById("batch-map-config").textContent);
  if (!node) return;
  const colours = { ok: "#0d6efd", merged: "#6f42c1", outside: "#fd7e14", pending: "#0d6efd", returned: "#ffc107", submitted: "#0dcaf0", approved: "#198754", overdue: "#dc3545" };
  const map = L.map(node, { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  // The villages' outlines under the targets, for orientation.
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
  const colour = (f) => colours[f.properties.state] || "#6c757d";
  const layer = L.geoJSON(cfg.features, {
    style: (f) => ({ color: colour(f), weight: 2, fillOpacity: 0.3 }),
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 6, color: colour(f), weight: 3 }),
    // A batch page's marker links to its target; the import preview's rows have no page yet.
    onEachFeature: (f, item) =>
      item.bindPopup(() =>
        f.properties.url ? el("a", { href: f.properties.url }, f.properties.label) : el("strong", null, f.properties.label)
      ),
  }).addTo(map);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 14 }); // one target: still its village around it
  else map.setView([25.0, 102.7], 10);
})();
