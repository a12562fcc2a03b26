/* 任务: today's targets (overdue first), cells to patrol, open findings, with distances;
   a task's detail with 「导航前往」 (live arrow, the phone's map apps). */
import { anchor, bearingDeg, directionName, distanceM, formatDistance, wgs84ToGcj02 } from "../crs.js";
import { formatTime, h, put, icon, notice } from "../forms.js";
import * as gps from "../gps.js";
import { feature, featureId, loadMe, loadPackage, targetsOnly } from "./tasks_package.js";

const DONE_CELL_STATES = ["surveyed", "validated"];

function viewSwitch(active) {
  return h("div", { class: "zf-segment", role: "tablist" },
    h("a", { href: "#/tasks", class: active === "list" ? "is-active" : "", role: "tab" }, icon("list-ul"), " 列表"),
    h("a", { href: "#/map", class: active === "map" ? "is-active" : "", role: "tab" }, icon("map"), " 地图"));
}
export { viewSwitch };

export function dueText(p) {
  if (p.overdue || p.days_left < 0) return { text: `已超期 ${Math.abs(p.days_left ?? 0)} 天`, kind: "danger" };
  if (p.days_left === 0) return { text: "今天截止", kind: "danger" };
  return { text: `剩 ${p.days_left} 天`, kind: p.days_left <= 3 ? "warn" : "info" };
}

function targetRank(p) {
  return p.overdue || p.days_left < 0 ? -1000 + (p.days_left ?? 0) : p.days_left ?? 999;
}

function row({ href, ic, title, sub, badge, point, testid }) {
  const dist = h("span", { class: "zf-dist", dataset: point ? { lon: point[0], lat: point[1] } : {} });
  return h("a", { class: "zf-task", href, testid },
    h("span", { class: "zf-task-icon" }, icon(ic)),
    h("span", { class: "zf-task-body" }, h("strong", null, title), h("small", null, sub)),
    h("span", { class: "zf-task-side" }, badge ? h("span", { class: `zf-pill zf-pill-${badge.kind}` }, badge.text) : null, dist));
}

function updateDistances(root, fix) {
  for (const span of root.querySelectorAll(".zf-dist[data-lon]")) {
    span.textContent = fix ? formatDistance(distanceM([fix.lon, fix.lat], [Number(span.dataset.lon), Number(span.dataset.lat)])) : "";
  }
}

async function renderList(root) {
  const [pkg, me] = await Promise.all([loadPackage(), loadMe()]);
  const police = targetsOnly(me);
  put(root, h("h1", { class: "zf-title" }, "今日任务"), viewSwitch("list"));
  if (!pkg) {
    put(root, notice("本机还没有任务数据。请在有信号的地方打开本应用，它会自动下载本村的任务、地块和靶点，之后离线也能用。", "info", "tasks-empty"));
    return null;
  }
  const posLine = h("div", { class: "zf-hint", testid: "tasks-position" }, "正在定位…（距离在定位后显示）");
  put(root, h("div", { class: "zf-hint" }, `任务数据更新于 ${formatTime(pkg.generated_at)}`), posLine);

  const targets = (pkg.targets.features || []).filter((f) => ["pending", "returned"].includes(f.properties.status) || !f.properties.status)
    .sort((a, b) => targetRank(a.properties) - targetRank(b.properties));
  const cells = (pkg.cells.features || []).filter((f) => !DONE_CELL_STATES.includes(f.properties.state));
  const findings = pkg.findings.features || [];
  const section = (title, items, testid, empty) => h("section", { class: "zf-section", testid },
    h("h2", null, `${title}（${items.length}）`),
    items.length ? h("div", { class: "zf-tasklist" }, items) : h("p", { class: "zf-empty" }, empty));
  if (!targets.length && (police || (!cells.length && !findings.length))) {
    put(root, notice(police ? "今天没有待核查的靶点。联网后任务会自动更新。"
      : "今天没有任务。联网后任务会自动更新；也可以在「踏查」直接开始踏查。", "info", "tasks-none"));
  }
  put(root, 
    section("待核查靶点", targets.map((f) => row({
      href: `#/target/${encodeURIComponent(featureId(f))}`, ic: "bullseye", testid: "task-target",
      title: `靶点 ${f.properties.code || ""}`, sub: `${f.properties.unit || ""} · ${f.properties.status_label || "待核查"} · 截止 ${f.properties.due_on || "—"}`,
      badge: dueText(f.properties), point: anchor(f.geometry),
    })), "tasks-targets", "没有待核查的靶点。"),
    police ? null : section("待踏查任务", cells.map((f) => row({
      href: `#/cell/${encodeURIComponent(featureId(f))}`, ic: "signpost-split", testid: "task-cell",
      title: f.properties.label || "踏查任务", sub: `${f.properties.unit || ""} · ${f.properties.round || ""}`,
      badge: { text: f.properties.state_label || f.properties.state || "", kind: "info" }, point: anchor(f.geometry),
    })), "tasks-cells", "没有分配给您的踏查任务。"),
    police ? null : section("待铲除发现点", findings.map((f) => row({
      href: `#/finding/${encodeURIComponent(featureId(f))}`, ic: "flower1", testid: "task-finding",
      title: `发现点 ${f.properties.code || ""}`, sub: `${f.properties.species_label || ""} ${f.properties.plant_count ?? ""} 株 · ${f.properties.status_label || ""}`,
      badge: { text: f.properties.status_label || "待铲除", kind: "warn" }, point: anchor(f.geometry),
    })), "tasks-findings", "没有待铲除的发现点。"),
  );
  return gps.watch((fix, err) => {
    posLine.textContent = fix ? `我的位置：精度约 ${Math.round(fix.acc)} 米` : gps.errorText(err);
    updateDistances(root, fix);
  });
}

function navigator_(point) {
  const arrow = h("div", { class: "zf-arrow", testid: "nav-arrow", "aria-hidden": "true" }, icon("arrow-up-circle-fill"));
  const line = h("div", { class: "zf-navline", testid: "nav-distance", "aria-live": "polite" }, "正在定位…");
  const [gLon, gLat] = wgs84ToGcj02(point[0], point[1]);
  const amap = `https://uri.amap.com/marker?position=${gLon.toFixed(6)},${gLat.toFixed(6)}&name=${encodeURIComponent("目标位置")}&coordinate=gaode&callnative=1`;
  const box = h("div", { class: "zf-nav" },
    h("div", { class: "zf-nav-live" }, arrow, line),
    h("div", { class: "zf-grid" },
      h("a", { class: "zf-btn zf-btn-outline", href: `geo:${point[1].toFixed(6)},${point[0].toFixed(6)}`, testid: "nav-geo" }, icon("geo-alt"), " 用手机地图打开"),
      h("a", { class: "zf-btn zf-btn-outline", href: amap, target: "_blank", rel: "noopener", testid: "nav-amap" }, icon("signpost"), " 用高德地图打开")),
    h("div", { class: "zf-hint" }, `坐标（WGS84）：${point[0].toFixed(6)}, ${point[1].toFixed(6)}；高德链接已换算为高德坐标（GCJ-02）。打开手机地图需联网或已下载离线地图。`));
  let heading = null;
  const onOrient = (e) => {
    const h_ = typeof e.webkitCompassHeading === "number" ? e.webkitCompassHeading : e.absolute && e.alpha != null ? 360 - e.alpha : null;
    if (h_ !== null) heading = h_;
  };
  // A compass only where the page may read the sensors (permissions policy).
  const sensors = !document.featurePolicy || document.featurePolicy.allowsFeature("accelerometer");
  if (sensors) {
    window.addEventListener("deviceorientationabsolute", onOrient);
    window.addEventListener("deviceorientation", onOrient);
  }
  const stop = gps.watch((fix, err) => {
    if (!fix) { line.textContent = gps.errorText(err); return; }
    const here = [fix.lon, fix.lat];
    const d = distanceM(here, point);
    const b = bearingDeg(here, point);
    // With a compass the arrow points at the target; without, it shows the map bearing (north up).
    arrow.style.transform = `rotate(${heading === null ? b : b - heading}deg)`;
    line.textContent = `${directionName(b)}方向 ${formatDistance(d)}（定位精度约 ${Math.round(fix.acc)} 米${heading === null ? "，箭头以正北为上" : ""}）`;
    box.dataset.distance = String(Math.round(d));
  });
  return {
    box,
    stop: () => { stop(); window.removeEventListener("deviceorientationabsolute", onOrient); window.removeEventListener("deviceorientation", onOrient); },
  };
}

async function renderDetail(root, name, id) {
  const pkg = await loadPackage();
  const layer = { target: "targets", finding: "findings", cell: "cells" }[name];
  const f = feature(pkg, layer, id);
  const back = h("a", { class: "zf-back", href: "#/tasks" }, icon("chevron-left"), "任务");
  if (!f) {
    put(root, back, notice("本机任务中没有这一项：可能已完成，或需要联网同步。", "info"));
    return null;
  }
  const p = f.properties || {};
  const point = anchor(f.geometry);
  const facts = [];
  let action = null;
  let title = "";
  if (name === "target") {
    title = `靶点 ${p.code || ""}`;
    const due = dueText(p);
    facts.push(["状态", p.status_label || "待核查"], ["所属", p.unit || ""], ["批次", p.batch || ""], ["截止", `${p.due_on || "—"}（${due.text}）`]);
    action = h("a", { class: "zf-btn zf-btn-primary zf-btn-block", href: `#/record/target_verification?target=${encodeURIComponent(id)}`, testid: "start-verify" }, icon("clipboard-check"), " 开始核查");
  } else if (name === "finding") {
    title = `发现点 ${p.code || ""}`;
    facts.push(["种类", p.species_label || ""], ["株数", `${p.plant_count ?? "—"}`], ["状态", p.status_label || ""]);
    action = h("a", { class: "zf-btn zf-btn-primary zf-btn-block", href: `#/record/eradication?finding_id=${encodeURIComponent(id)}`, testid: "start-eradicate" }, icon("scissors"), " 登记铲除");
  } else {
    title = p.label || "踏查任务";
    facts.push(["轮次", p.round || ""], ["所属", p.unit || ""], ["状态", p.state_label || p.state || ""], ["截止", p.ends_on || "—"]);
    action = h("a", { class: "zf-btn zf-btn-primary zf-btn-block", href: "#/patrol", testid: "start-patrol" }, icon("play-fill"), " 去踏查");
  }
  const nav = point ? navigator_(point) : null;
  put(root, back, h("h1", { class: "zf-title" }, title),
    h("dl", { class: "zf-facts" }, facts.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])),
    action,
    h("section", { class: "zf-section" }, h("h2", null, "导航前往"), nav ? nav.box : notice("没有位置信息", "info")),
    h("a", { class: "zf-btn zf-btn-outline zf-btn-block", href: "#/map" }, icon("map"), " 在地图上查看"));
  return nav ? nav.stop : null;
}

export async function render(root, { name, args }) {
  if (name === "tasks") return renderList(root);
  return renderDetail(root, name, args[0]);
}
