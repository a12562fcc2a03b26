/* The running patrol, independent of the screen shown: every accepted fix is written to
   IndexedDB as it arrives; hidden periods and silences over 60 s become gaps, never lines. */
import * as db from "../db.js";
import { distanceM } from "../crs.js";
import * as gps from "../gps.js";

export const MAX_ACC_M = 100; // fixes less precise than this are dropped (counted)
export const NO_FIX_GAP_MS = 60_000;

const listeners = new Set();
let state = null; // {patrol, fixCount, dropped, gapCount, distance, lastFix, hiddenFrom, wake, wakeText, checkpoints}
let stopGps = null;
let chain = Promise.resolve();
let wakeLock = null;

const cpKey = (uuid) => `patrol-checkpoints:${uuid}`;
const droppedKey = (uuid) => `patrol-dropped:${uuid}`;

function emit() {
  for (const cb of listeners) cb(state);
}

export function onChange(cb) {
  listeners.add(cb);
  cb(state);
  return () => listeners.delete(cb);
}

export function current() {
  return state;
}

function segmentDistance(fixes, gaps) {
  const breaks = gaps.map((g) => Date.parse(g.to));
  let total = 0;
  for (let i = 1; i < fixes.length; i += 1) {
    const t = Date.parse(fixes[i].t);
    const prev = Date.parse(fixes[i - 1].t);
    if (breaks.some((b) => b > prev && b <= t)) continue; // the two sides of a gap are never joined
    total += distanceM([fixes[i - 1].lon, fixes[i - 1].lat], [fixes[i].lon, fixes[i].lat]);
  }
  return total;
}

function onVisibility() {
  if (!state) return;
  if (document.visibilityState === "hidden") {
    if (!state.hiddenFrom) state.hiddenFrom = state.lastFix ? state.lastFix.t : new Date().toISOString();
  } else if (state.wake) {
    requestWake(); // the browser releases the lock when the page is hidden
  }
  emit();
}

function accept(fix) {
  if (!state || !fix) return;
  if (fix.acc > MAX_ACC_M) {
    state.dropped += 1;
    db.setMeta(droppedKey(state.patrol.uuid), state.dropped);
    emit();
    return;
  }
  const last = state.lastFix;
  if (last && Date.parse(fix.t) <= Date.parse(last.t)) return; // the same fix re-announced
  let gap = null;
  if (state.hiddenFrom && document.visibilityState !== "hidden") {
    gap = { from: state.hiddenFrom, to: fix.t, reason: "hidden" };
    state.hiddenFrom = null;
  } else if (state.hiddenFrom) {
    return; // a fix delivered while hidden: the gap stays open until the page is back
  } else if (last && Date.parse(fix.t) - Date.parse(last.t) > NO_FIX_GAP_MS) {
    gap = { from: last.t, to: fix.t, reason: "no_fix" };
  }
  const uuid = state.patrol.uuid;
  if (gap) state.gapCount += 1;
  else if (last) state.distance += distanceM([last.lon, last.lat], [fix.lon, fix.lat]);
  state.lastFix = fix;
  state.fixCount += 1;
  // One write per fix, in arrival order.
  chain = chain.then(async () => {
    if (gap) await db.patrolAddGap(uuid, gap);
    await db.patrolAppendFix(uuid, fix);
  }).catch((error) => {
    console.error(error);
    if (state) state.writeError = `轨迹点保存失败：${error.message || error}`;
    emit();
  });
  emit();
}

async function begin(patrol, { resumed }) {
  const fixes = await db.patrolFixes(patrol.uuid);
  const gaps = typeof db.patrolGaps === "function" ? await db.patrolGaps(patrol.uuid) : [];
  const last = fixes[fixes.length - 1] || null;
  state = {
    patrol,
    resumed,
    fixCount: fixes.length,
    dropped: (await db.getMeta(droppedKey(patrol.uuid))) || 0,
    gapCount: gaps.length,
    distance: segmentDistance(fixes, gaps),
    lastFix: last ? { lon: last.lon, lat: last.lat, acc: last.acc, t: last.t } : null,
    // After a reload or crash the page was not running: the first new fix closes that gap.
    hiddenFrom: resumed && last ? last.t : null,
    wake: false,
    wakeText: "",
    writeError: "",
    checkpoints: (await db.getMeta(cpKey(patrol.uuid))) || [],
  };
  document.addEventListener("visibilitychange", onVisibility);
  stopGps = gps.watch((fix) => accept(fix));
  emit();
}

export async function start({ unitId, roundId, people }) {
  if (state) return state.patrol;
  const patrol = await db.patrolStart({ unitId, roundId, people });
  await begin(patrol, { resumed: false });
  return patrol;
}

export async function resume(patrol) {
  if (state && state.patrol.uuid === patrol.uuid) return;
  await begin(patrol, { resumed: true });
}

function stop() {
  document.removeEventListener("visibilitychange", onVisibility);
  if (stopGps) stopGps();
  stopGps = null;
  releaseWake();
  state = null;
  emit();
}

/* A checkpoint: a photo and the current fix, kept in IndexedDB until the patrol is finished. */
export async function addCheckpoint({ blob, name, type, note }) {
  if (!state) throw new Error("没有正在进行的踏查");
  const fix = gps.lastFix() || state.lastFix;
  if (!fix) throw new Error("还没有定位，请稍候再打卡");
  const sha256 = await db.sha256(blob);
  const cp = { lon: fix.lon, lat: fix.lat, acc: fix.acc, t: new Date().toISOString(), note: note || "", blob, name, type, sha256 };
  state.checkpoints = [...state.checkpoints, cp];
  await db.setMeta(cpKey(state.patrol.uuid), state.checkpoints);
  emit();
  return cp;
}

export async function finish({ result, note }) {
  if (!state) throw new Error("没有正在进行的踏查");
  await chain;
  const { patrol, checkpoints } = state;
  const record = await db.patrolFinish(patrol.uuid, {
    result,
    note,
    endedAt: new Date(),
    checkpoints: checkpoints.map((c) => ({ lon: c.lon, lat: c.lat, acc: c.acc, t: c.t, photo: c.sha256, note: c.note })),
    photos: checkpoints.map((c) => ({ blob: c.blob, name: c.name, role: "photo", type: c.type, sha256: c.sha256 })),
  });
  await db.setMeta(cpKey(patrol.uuid), []);
  stop();
  return record;
}

async function requestWake() {
  try {
    wakeLock = await navigator.wakeLock.request("screen");
    state.wakeText = "屏幕将保持常亮";
    wakeLock.addEventListener("release", () => { if (state && document.visibilityState === "visible" && state.wake) state.wakeText = "屏幕常亮已被系统取消"; emit(); });
  } catch (error) {
    state.wake = false;
    state.wakeText = `此浏览器拒绝保持屏幕常亮（${error.name || "不支持"}），请在手机设置中把自动锁屏时间调长`;
  }
  emit();
}

function releaseWake() {
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
}

export async function setWake(on) {
  if (!state) return;
  state.wake = on;
  if (!on) { releaseWake(); state.wakeText = ""; emit(); return; }
  if (!("wakeLock" in navigator)) {
    state.wake = false;
    state.wakeText = "此浏览器不支持保持屏幕常亮，请在手机设置中把自动锁屏时间调长";
    emit();
    return;
  }
  await requestWake();
}
