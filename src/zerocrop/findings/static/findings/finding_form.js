/* The record form's small map: a click (or the phone's position) fills longitude and latitude. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("finding-form-config").textContent);
  const lon = document.getElementById("id_lon");
  const lat = document.getElementById("id_lat");
  const crs = document.getElementById("id_source_crs");
  const outline = document.getElementById("id_outline");
  const map = L.map("finding-pick-map", { maxZoom: 19 });
  if (cfg.basemap) L.tileLayer(cfg.basemap, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const outlines = L.geoJSON(cfg.boundaries || [], { style: { color: "#6c757d", weight: 1, fillOpacity: 0.03 } }).addTo(map);
  let marker = null;
  function place(la, lo, move) {
    if (marker) marker.setLatLng([la, lo]);
    else marker = L.circleMarker([la, lo], { radius: 8, color: "#dc3545", weight: 3 }).addTo(map);
    if (move) map.setView([la, lo], Math.max(map.getZoom() || 0, 15), { animate: false });
  }
  function set(la, lo) {
    lon.value = lo.toFixed(6);
    lat.value = la.toFixed(6);
    crs.value = "wgs84"; // the map and the phone's GPS are both WGS84
    place(la, lo, false);
  }
  if (outlines.getLayers().length) map.fitBounds(outlines.getBounds(), { padding: [10, 10] });
  else map.setView([37.9, 108.6], 11);
  if (lon.value && lat.value) place(parseFloat(lat.value), parseFloat(lon.value), true);
  // While a drawn outline stands, a click does not move the point (clear the outline first).
  map.on("click", function (e) { if (!outline.value) set(e.latlng.lat, e.latlng.lng); });
  function typed() {
    const lo = parseFloat(lon.value), la = parseFloat(lat.value);
    if (!isNaN(lo) && !isNaN(la)) place(la, lo, true);
  }
  lon.addEventListener("change", typed);
  lat.addEventListener("change", typed);
  // A planted patch drawn as a polygon: kept as GeoJSON, its centre fills lon/lat.
  const note = document.getElementById("finding-outline-note");
  const drawn = L.featureGroup().addTo(map);
  function showOutline(geometry) {
    drawn.clearLayers();
    if (!geometry) { outline.value = ""; note.hidden = true; return; }
    L.geoJSON(geometry, { style: { color: "#dc3545", weight: 2 } }).eachLayer((l) => drawn.addLayer(l));
    outline.value = JSON.stringify(geometry);
    note.hidden = false;
    const c = drawn.getBounds().getCenter();
    set(c.lat, c.lng);
  }
  if (L.Control.Draw) {
    map.addControl(new L.Control.Draw({
      draw: { polygon: { allowIntersection: false, showArea: true }, polyline: false, rectangle: false, circle: false, marker: false, circlemarker: false },
      edit: false,
    }));
    map.on(L.Draw.Event.CREATED, (e) => showOutline(e.layer.toGeoJSON().geometry));
  }
  document.getElementById("finding-outline-clear").addEventListener("click", () => showOutline(null));
  if (outline.value) {
    try { showOutline(JSON.parse(outline.value)); } catch (err) { outline.value = ""; }
  }
  const locate = document.getElementById("finding-locate");
  if (!navigator.geolocation) locate.hidden = true;
  locate.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (p) {
      set(p.coords.latitude, p.coords.longitude);
      map.setView([p.coords.latitude, p.coords.longitude], 16);
    });
  });
})();
