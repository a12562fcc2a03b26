/* The phone's position for a form: live fix with accuracy, 「使用当前位置」, and (for a target)
   the live distance from the target. */
import { distanceM, formatDistance } from "../crs.js";
import { formatTime, h, icon } from "../forms.js";
import * as gps from "../gps.js";

/* {wrap, get() → {lon, lat, acc, t}|null, error, cleanup}; the first good fix fills it when empty. */
export function positionField({ label, value, target, onChange, testid = "position" }) {
  let chosen = value && Number.isFinite(value.lon) ? { ...value } : null;
  const live = h("div", { class: "zf-hint", testid: `${testid}-live` }, "正在定位…");
  const shown = h("div", { class: "zf-position", testid: `${testid}-value` });
  const distance = h("div", { class: "zf-distance", testid: `${testid}-distance` });
  const error = h("div", { class: "zf-field-error", "aria-live": "polite" });
  const use = h("button", { type: "button", class: "zf-btn zf-btn-outline", testid: `${testid}-use` }, icon("crosshair"), " 使用当前位置");

  const draw = () => {
    shown.textContent = chosen
      ? `经度 ${chosen.lon.toFixed(6)}，纬度 ${chosen.lat.toFixed(6)}，精度约 ${Math.round(chosen.acc)} 米（${formatTime(chosen.t)}，WGS84）`
      : "尚未取得位置";
    if (target && chosen) distance.textContent = `距靶点约 ${formatDistance(distanceM([chosen.lon, chosen.lat], target))}`;
  };
  const take = (byUser) => {
    const fix = gps.lastFix();
    if (!fix) { error.textContent = "还没有定位，请到开阔处稍候"; return; }
    error.textContent = "";
    chosen = { lon: fix.lon, lat: fix.lat, acc: fix.acc, t: fix.t };
    draw();
    if (byUser) onChange?.(); // an automatic first fix alone does not make a draft
  };
  use.addEventListener("click", () => take(true));
  const stop = gps.watch((fix, err) => {
    if (err && !fix) { live.textContent = gps.errorText(err); return; }
    const far = target ? `，此刻距靶点 ${formatDistance(distanceM([fix.lon, fix.lat], target))}` : "";
    live.textContent = `当前定位精度约 ${Math.round(fix.acc)} 米${far}`;
    if (!chosen && fix.acc <= 100) take(false);
  });
  draw();
  const wrap = h("div", { class: "zf-field", dataset: { field: testid === "arrival" ? "arrival" : "lon" }, testid },
    h("div", { class: "zf-label" }, label), shown, distance, live, use, error);
  return { wrap, error, get: () => chosen, cleanup: stop };
}
