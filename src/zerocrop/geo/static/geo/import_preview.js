/* Preview of an uploaded geo file: its features over the village outlines, the chosen one bold.
   Feature and unit names come from the file and the database: shown as text, never as HTML. */
(function () {
  "use strict";
  const { text } = window.zcDom;
  const cfg = JSON.parse(document.getElementById("import-config").textContent);
  const map = L.map("import-map", { maxZoom: 19 });
  window.zcImportMap = map;
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  const thin = { color: "#6c757d", weight: 1, dashArray: "4 4", fill: false };
  const bold = { color: "#198754", weight: 3, dashArray: null, fill: false };
  const units = {};
  L.geoJSON(cfg.boundaries, {
    style: thin,
    onEachFeature: (f, layer) => { units[f.properties.id] = layer; layer.bindTooltip(text(f.properties.name), { sticky: true }); },
  }).addTo(map);
  L.geoJSON(cfg.features, {
    style: { color: "#d63384", weight: 2, fillOpacity: 0.3 },
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: "#d63384", weight: 2, fillOpacity: 0.6 }),
    onEachFeature: (f, layer) => layer.bindTooltip(text(`${f.properties.n}. ${f.properties.name ?? ""}`)),
  }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const select = document.getElementById("id_unit");
  // Zoom to the file; if it reaches outside the chosen village, show both so the mismatch is seen.
  const show = () => {
    const bounds = L.latLngBounds(cfg.bounds);
    Object.values(units).forEach((layer) => layer.setStyle(thin));
    const chosen = select && units[select.value];
    if (chosen) {
      chosen.setStyle(bold).bringToFront();
      if (!chosen.getBounds().contains(bounds)) bounds.extend(chosen.getBounds());
    }
    map.fitBounds(bounds, { maxZoom: 17, padding: [20, 20] });
  };
  if (select) select.addEventListener("change", show);
  show();
})();
