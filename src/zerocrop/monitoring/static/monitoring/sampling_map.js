/* A sampling frame on the map: cells coloured by stratum, the drawn cells outlined. */
(function () {
  "use strict";
  const { el, text } = window.zcDom;
  const cfg = JSON.parse(document.getElementById("sampling-config").textContent);
  const mapEl = document.getElementById("sampling-map");
  const map = L.map(mapEl, { preferCanvas: true, maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  Promise.all([
    fetch(cfg.cells, { credentials: "same-origin" }).then((r) => r.json()),
    fetch("/api/v1/geo/boundaries?zoom=14", { credentials: "same-origin" }).then((r) => r.json()),
  ]).then(([data, outlines]) => {
    L.geoJSON(outlines, {
      filter: (f) => f.properties.level !== "grid",
      style: { color: "#666", weight: 1.2, fill: false },
      onEachFeature: (f, layer) => { if (f.properties.level !== "town") layer.bindTooltip(text(f.properties.name), { permanent: true, direction: "center", className: "zc-unit-label" }); },
    }).addTo(map);
    const style = (f) => {
      const colour = cfg.colours[f.properties.stratum] || "#adb5bd";
      if (f.properties.drawn) return { color: "#dc3545", weight: 3, fillColor: colour, fillOpacity: f.properties.checked ? 0.75 : 0.5 };
      return { color: colour, weight: 0.5, fillColor: colour, fillOpacity: 0.15 };
    };
    const popup = (p) => el("div", { class: "zc-popup" },
      el("strong", null, p.code), el("br"),
      `${p.unit} · ${p.stratum}`, el("br"),
      p.drawn ? (p.checked ? `已登记：${p.plants} 株` : "抽中，未登记") : "未抽中");
    const frame = L.geoJSON(data, { filter: (f) => !f.properties.drawn, style, onEachFeature: (f, layer) => layer.bindPopup(() => popup(f.properties)) }).addTo(map);
    const drawn = L.geoJSON(data, { filter: (f) => f.properties.drawn, style, onEachFeature: (f, layer) => layer.bindPopup(() => popup(f.properties)) }).addTo(map);
    L.control.layers(null, { "抽样框网格": frame, "抽中网格": drawn }, { collapsed: true }).addTo(map);
    const bounds = frame.getBounds().extend(drawn.getBounds());
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] }); else map.setView([37.9, 108.6], 11);
    mapEl.dataset.cells = data.features.length;
    mapEl.dataset.drawn = data.features.filter((f) => f.properties.drawn).length;
  });
})();
