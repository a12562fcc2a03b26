/* The findings of the list on a small map; a marker links to its finding. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("finding-list-config").textContent);
  const colours = { open: "#6c757d", overdue: "#dc3545", eradicated: "#0d6efd", recheck_due: "#fd7e14", rechecked: "#198754" };
  const map = L.map("finding-list-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const group = L.featureGroup().addTo(map);
  cfg.points.forEach(function (p) {
    const marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: colours[p.state] || "#6c757d", weight: 3 });
    const link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.label; // text only: no HTML from the data
    marker.bindPopup(() => link);
    marker.addTo(group);
  });
  if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 15 });
  else map.setView([37.9, 108.6], 11);
})();
