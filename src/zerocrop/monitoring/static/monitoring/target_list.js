/* The targets of the list on a small map, coloured by state; a marker links to its target. */
(function () {
  "use strict";
  const el = document.getElementById("target-list-config");
  if (!el) return;
  const cfg = JSON.parse(el.textContent);
  const colours = { pending: "#6c757d", overdue: "#dc3545", submitted: "#0dcaf0", approved: "#198754", returned: "#fd7e14" };
  const map = L.map("target-list-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  // The villages' outlines under the targets, for orientation (no basemap in the field).
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
  cfg.points.forEach(function (p) {
    const marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: colours[p.state] || "#6c757d", weight: 3 });
    const link = zcDom.el("a", { href: p.url }, p.label); // text only: no HTML from the data
    marker.bindPopup(() => link);
    marker.addTo(group);
  });
  if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 14 }); // one target: still its village around it
  else map.setView([37.9, 108.6], 11);
})();
