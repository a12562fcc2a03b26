/* 地图: the cached vectors (cells by state, plots, targets, findings), my position with its
   accuracy, and the current patrol's track. No base map unless one is configured (as on the web). */
import { patrolFixes, patrolGaps } from "../db.js";
import { h, put, notice } from "../forms.js";
import * as gps from "../gps.js";
import * as recorder from "./patrol_recorder.js";
import { featureId, loadPackage } from "./tasks_package.js";
import { dueText, viewSwitch } from "./tasks.js";

const CELL_COLOURS = { ready: "#6c757d", assigned: "#6c757d", surveyed: "#0a8fb0", validated: "#198754", invalidated: "#b8860b", unreachable: "#495057" };

// The web map's setting (ZEROCROP_BASEMAP_URL): from the package, or a meta tag in the shell.
function basemap(pkg) {
  const tag = document.querySelector('meta[name="zc-basemap"]');
  return {
    url: pkg?.basemap || tag?.content || "",
    attribution: pkg?.basemap_attribution || document.querySelector('meta[name="zc-basemap-attribution"]')?.content || "",
  };
}

function popup(...lines) {
  return h("div", { class: "zf-popup" }, lines.filter(Boolean).map((l, i) => (i ? [h("br"), l] : l)));
}

export async function render(root) {
  const L = window.L;
  const pkg = await loadPackage();
  const mapEl = h("div", { class: "zf-map", id: "zf-map", testid: "field-map" });
  const status = h("div", { class: "zf-hint", testid: "map-status" });
  put(root, viewSwitch("map"), mapEl, status);
  if (!L) { mapEl.replaceChildren(notice("地图组件未加载", "danger")); return null; }
  const map = L.map(mapEl, { preferCanvas: true, maxZoom: 19, zoomControl: false });
  // The shell does not load the web's map_locale.js: the controls' texts are set here in Chinese.
  L.control.zoom({ zoomInTitle: "放大", zoomOutTitle: "缩小" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.setView([37.9, 108.6], 11); // Leaflet needs a view before vector layers are added
  const base = basemap(pkg);
  if (base.url) L.tileLayer(base.url, { attribution: base.attribution, maxZoom: 19 }).addTo(map);
  map.on("popupopen", (e) => e.popup.getElement()?.querySelector(".leaflet-popup-close-button")?.setAttribute("aria-label", "关闭"));
  const layers = {};
  if (pkg) {
    layers["踏查任务"] = L.geoJSON(pkg.cells, {
      style: (f) => ({ color: CELL_COLOURS[f.properties.state] || "#6c757d", weight: 1.5, fillOpacity: 0.25 }),
      onEachFeature: (f, layer) => layer.bindPopup(() => popup(h("strong", null, f.properties.label || "踏查任务"), `${f.properties.unit || ""} · ${f.properties.state_label || ""}`, h("a", { href: `#/cell/${encodeURIComponent(featureId(f))}` }, "详情"))),
    }).addTo(map);
    layers["地块"] = L.geoJSON(pkg.plots, {
      style: { color: "#7a4b00", weight: 1, fillOpacity: 0.1 },
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 5, color: "#7a4b00" }),
      onEachFeature: (f, layer) => layer.bindPopup(() => popup(h("strong", null, f.properties.name || "地块"), f.properties.code || "", f.properties.owner ? `户主：${f.properties.owner}` : "")),
    }).addTo(map);
    layers["靶点"] = L.geoJSON(pkg.targets, {
      style: { color: "#d0021b", weight: 3, fillOpacity: 0.15 },
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 9, color: "#d0021b", weight: 3, fillColor: "#fff", fillOpacity: 0.9 }),
      onEachFeature: (f, layer) => layer.bindPopup(() => popup(h("strong", null, `靶点 ${f.properties.code || ""}`), dueText(f.properties).text, h("a", { href: `#/target/${encodeURIComponent(featureId(f))}` }, "核查 / 导航"))),
    }).addTo(map);
    layers["发现点"] = L.geoJSON(pkg.findings, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 8, color: "#6f00b0", weight: 3, fillOpacity: 0.7 }),
      onEachFeature: (f, layer) => layer.bindPopup(() => popup(h("strong", null, `发现点 ${f.properties.code || ""}`), `${f.properties.species_label || ""} ${f.properties.plant_count ?? ""} 株`, h("a", { href: `#/finding/${encodeURIComponent(featureId(f))}` }, "登记铲除 / 导航"))),
    }).addTo(map);
  } else {
    status.textContent = "本机还没有任务数据（联网同步一次后显示）。";
  }
  const track = L.polyline([], { color: "#0047ff", weight: 4 }).addTo(map);
  layers["本次轨迹"] = track;
  const switcher = L.control.layers(null, layers, { collapsed: true }).addTo(map);
  const link = switcher.getContainer().querySelector(".leaflet-control-layers-toggle");
  if (link) { link.title = "图层"; link.setAttribute("aria-label", "图层"); }

  const bounds = L.latLngBounds([]);
  Object.values(layers).forEach((l) => { if (l.getBounds && l.getBounds().isValid()) bounds.extend(l.getBounds()); });
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
  mapEl.dataset.cells = String(pkg?.cells.features.length || 0);
  mapEl.dataset.targets = String(pkg?.targets.features.length || 0);

  // A gap splits the track: the two sides are not joined on the map either.
  const segments = [[]];
  let gapCount = 0;
  const running = recorder.current();
  if (running) {
    const [fixes, gaps] = await Promise.all([patrolFixes(running.patrol.uuid), patrolGaps(running.patrol.uuid)]);
    const breaks = gaps.map((g) => Date.parse(g.to));
    let prev = null;
    for (const f of fixes) {
      const t = Date.parse(f.t);
      if (prev !== null && breaks.some((b) => b > prev && b <= t)) segments.push([]);
      segments[segments.length - 1].push([f.lat, f.lon]);
      prev = t;
    }
    gapCount = running.gapCount;
    track.setLatLngs(segments);
    if (fixes.length > 1) map.fitBounds(track.getBounds(), { padding: [40, 40], maxZoom: 17 });
  }
  const offTrack = recorder.onChange((s) => {
    if (!s?.lastFix) return;
    if (s.gapCount !== gapCount) { segments.push([]); gapCount = s.gapCount; }
    const seg = segments[segments.length - 1];
    const last = seg[seg.length - 1];
    if (!last || last[0] !== s.lastFix.lat || last[1] !== s.lastFix.lon) seg.push([s.lastFix.lat, s.lastFix.lon]);
    track.setLatLngs(segments);
    mapEl.dataset.track = String(segments.reduce((n, x) => n + x.length, 0));
  });

  let me = null;
  let ring = null;
  let centred = false;
  const stop = gps.watch((fix) => {
    if (!fix) return;
    const ll = [fix.lat, fix.lon];
    if (!me) {
      ring = L.circle(ll, { radius: fix.acc, color: "#0047ff", weight: 1, fillOpacity: 0.1, interactive: false }).addTo(map);
      me = L.circleMarker(ll, { radius: 8, color: "#fff", weight: 3, fillColor: "#0047ff", fillOpacity: 1 }).addTo(map).bindTooltip(() => h("span", null, "我的位置"));
    }
    me.setLatLng(ll);
    ring.setLatLng(ll).setRadius(fix.acc);
    status.textContent = `我的位置：精度约 ${Math.round(fix.acc)} 米`;
    if (!centred && !bounds.isValid()) { map.setView(ll, 16); centred = true; }
  });
  setTimeout(() => map.invalidateSize(), 50);
  return () => { stop(); offTrack(); map.remove(); };
}
