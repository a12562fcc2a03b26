/* One plot's outline on its page. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("plot-config").textContent);
  const map = L.map("plot-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  const layer = L.geoJSON(cfg.plot, { style: { color: cfg.riskColours[cfg.risk], weight: 2, fillOpacity: 0.3 } }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 18, padding: [30, 30] });
  L.control.scale({ imperial: false }).addTo(map);
})();
