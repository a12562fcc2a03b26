/* One patrol record's track on its page. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("patrol-config").textContent);
  const map = L.map("patrol-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  if (cfg.track) {
    const line = L.geoJSON(cfg.track, { style: { color: "#6610f2", weight: 3 } }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [20, 20], maxZoom: 18 });
  } else {
    map.setView([37.9, 108.6], 11);
  }
})();
