/* One finding's location on its page. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("finding-config").textContent);
  const map = L.map("finding-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const layer = L.geoJSON(cfg.geometry, {
    style: { color: "#dc3545", weight: 3 },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 9, color: "#dc3545", weight: 3 }); },
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 16 });
})();
